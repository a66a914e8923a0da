"""The build profile: ``full`` (the original's settings, the default) or ``fast`` (smoke builds).

Read from the environment variable ``NNBOOK_PROFILE`` here and nowhere else; an experiment's
settings for each profile live in :mod:`nnbook.runs.experiments`.
"""

from __future__ import annotations

import os

PROFILES = ("full", "fast")
ENV = "NNBOOK_PROFILE"


def current(profile: str | None = None) -> str:
    """``profile`` if given, else ``$NNBOOK_PROFILE``, else ``"full"``; checked against PROFILES."""
    value = profile if profile is not None else os.environ.get(ENV, "").strip() or "full"
    if value not in PROFILES:
        raise ValueError(f"{ENV} must be one of {', '.join(PROFILES)}; got {value!r}")
    return value
