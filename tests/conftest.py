"""Shared data fixtures: the real MNIST files, found without the internet.

The files are read from ``$NNBOOK_DATA``; when it is not set, from ``../shared/data/mnist``
next to the repository (this project's CI copy). Tests that need the real data fail, rather
than skip, when neither holds the four files: a suite that silently skips its data checks
proves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nnbook.data import FILES, MNIST, load_mnist

REPOSITORY = Path(__file__).resolve().parents[1]
FALLBACK = REPOSITORY.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="session")
def mnist_dir() -> Iterator[Path]:
    """The folder holding the four real MNIST files; ``NNBOOK_DATA`` points at it meanwhile."""
    if os.environ.get("NNBOOK_DATA"):
        folder, source = Path(os.environ["NNBOOK_DATA"]), "NNBOOK_DATA="
    else:
        folder, source = FALLBACK, "NNBOOK_DATA is not set, and the fallback "
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        pytest.fail(f"these tests need the real MNIST files, but {source}{folder} lacks "
                    f"{', '.join(missing)}; set NNBOOK_DATA to a folder holding all four",
                    pytrace=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NNBOOK_DATA", str(folder))
        yield folder


@pytest.fixture(scope="session")
def mnist(mnist_dir: Path) -> MNIST:
    """The real MNIST split, loaded once per test session, never downloaded."""
    return load_mnist(download=False)
