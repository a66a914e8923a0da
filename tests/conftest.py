"""Shared data fixtures: the real MNIST files, found without the internet.

The files are read from ``$NNBOOK_DATA``; when it is not set, from the folder nnbook itself
reads them from (:func:`nnbook.data.data_dir`, the per-user cache folder that
``python -m nnbook fetch-data`` fills), and then from ``../shared/data/mnist`` next to the
repository (this project's CI copy). Tests that need the real data fail, rather than skip, when
none holds the four files: a suite that silently skips its data checks proves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nnbook.data import FILES, MNIST, data_dir, load_mnist

REPOSITORY = Path(__file__).resolve().parents[1]
FALLBACK = REPOSITORY.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="session")
def mnist_dir() -> Iterator[Path]:
    """The folder holding the four real MNIST files; ``NNBOOK_DATA`` points at it meanwhile."""
    if os.environ.get("NNBOOK_DATA"):
        candidates = [Path(os.environ["NNBOOK_DATA"])]
    else:
        candidates = [data_dir(), FALLBACK]
    folder = next((c for c in candidates if all((c / name).is_file() for name in FILES)), None)
    if folder is None:
        looked = " or ".join(str(c) for c in candidates)
        pytest.fail(f"these tests need the real MNIST files ({', '.join(FILES)}), but none of "
                    f"{looked} holds all four; run `python -m nnbook fetch-data` or set "
                    f"NNBOOK_DATA to a folder holding them", pytrace=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NNBOOK_DATA", str(folder))
        yield folder


@pytest.fixture(scope="session")
def mnist(mnist_dir: Path) -> MNIST:
    """The real MNIST split, loaded once per test session, never downloaded."""
    return load_mnist(download=False)
