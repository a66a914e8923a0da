"""The installed project: its version on the command line and the files its wheel must carry."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nnbook

if sys.version_info >= (3, 11):
    import tomllib
else:  # the test extra installs tomli on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag_prints_the_installed_version():
    out = subprocess.run([sys.executable, "-m", "nnbook", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == f"nnbook {nnbook.__version__}"
    assert nnbook.__version__ == metadata.version("nnbook")


def test_package_data_names_files_that_exist():
    """Every package-data pattern matches a file, so the wheel ships py.typed and the assets."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["nnbook"]
    assert "py.typed" in patterns
    for pattern in patterns:
        assert list((ROOT / "nnbook").glob(pattern)), f"package-data {pattern!r} matches nothing"


def test_setuptools_floor_supports_the_spdx_licence_string():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert isinstance(config["project"]["license"], str)  # an SPDX expression: setuptools >= 77
    floor = next(r for r in config["build-system"]["requires"] if r.startswith("setuptools"))
    assert int(floor.split(">=")[1].split(".")[0]) >= 77
