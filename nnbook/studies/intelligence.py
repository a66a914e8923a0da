"""The arithmetic of the appendix: how many bits does it take to describe a human brain?

The appendix compares two descriptions of the brain. Its inputs are rough, cited numbers (the
registry ``nnbook.runs.claims``, ids ``app.*``); this module only does the arithmetic, so that
the page can show every step computed rather than typed.

**The wiring.** Describe each of the C connections between neurons by k numbers of b bits each
(a weight, a delay, ...). Describing each of the N neurons and G glial cells the same way adds
(N + G) k b more::

    bits_wiring = C k b            (connections only)
                = (C + N + G) k b  (cells too)

**The genes.** Human and chimpanzee DNA differ at d of the g base pairs of a genome. A base is one
of four letters (A, C, G, T), so one base pair carries log2 4 = 2 bits, and if a share s of the
difference concerns the brain::

    bits_difference = d log2 4,    bits_brain = s bits_difference.

**The comparison.** The wiring needs ``ratio = bits_wiring / bits_brain`` times more bits than
the genetic difference that builds it, about ``log10(ratio)`` orders of magnitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BASES = 4  # adenine, cytosine, guanine, thymine


def _positive(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return v


def bits_per_symbol(alphabet: int = BASES) -> float:
    """log2(alphabet): the bits needed to name one symbol of ``alphabet`` equally likely ones."""
    if isinstance(alphabet, bool) or not isinstance(alphabet, (int, np.integer)) or alphabet < 2:
        raise ValueError(f"alphabet must be an integer >= 2; got {alphabet!r}")
    return math.log2(alphabet)


def genome_bits(base_pairs: float, alphabet: int = BASES) -> float:
    """Bits to write down ``base_pairs`` base pairs: base_pairs * log2(alphabet)."""
    return _positive("base_pairs", base_pairs) * bits_per_symbol(alphabet)


def wiring_bits(connections: float, numbers_per_connection: float, bits_per_number: float,
                cells: float = 0.0) -> float:
    """Bits of a coarse description of the wiring: (connections + cells) * k * b.

    ``cells`` (neurons and glial cells) are described with as many numbers as a connection; pass
    0 to describe the connections only, as the appendix does.
    """
    if cells != 0:
        cells = _positive("cells", cells)
    return ((_positive("connections", connections) + cells)
            * _positive("numbers_per_connection", numbers_per_connection)
            * _positive("bits_per_number", bits_per_number))


@dataclass(frozen=True)
class BrainDescription:
    """The two descriptions of the brain and how they compare (:func:`describe`).

    ``shared`` is the fraction of the genome in which human and chimpanzee agree, 1 - d / g;
    ``difference_bits`` and ``brain_bits`` are d log2 4 and s d log2 4; ``wiring_bits`` describes
    the connections only and ``wiring_and_cells_bits`` the neurons and glial cells as well;
    ``ratio`` is wiring_bits / brain_bits and ``orders`` its log10; ``letters`` is how many
    letters of English text hold ``brain_bits`` at ``bits_per_letter`` bits each.
    """

    shared: float
    difference_bits: float
    brain_bits: float
    wiring_bits: float
    wiring_and_cells_bits: float
    ratio: float
    orders: float
    letters: float


def describe(*, neurons: float, glia: float, connections: float, genome_base_pairs: float,
             difference_base_pairs: float, brain_share: float, numbers_per_connection: float,
             bits_per_number: float, bits_per_letter: float = 1.0) -> BrainDescription:
    """Every number of the appendix's estimate from its inputs (see the module's docstring)."""
    g = _positive("genome_base_pairs", genome_base_pairs)
    d = _positive("difference_base_pairs", difference_base_pairs)
    if d > g:
        raise ValueError(f"difference_base_pairs must be at most genome_base_pairs ({g:g}); "
                         f"got {difference_base_pairs!r}")
    s = _positive("brain_share", brain_share)
    if s > 1:
        raise ValueError(f"brain_share must be a fraction in (0, 1]; got {brain_share!r}")
    cells = _positive("neurons", neurons) + _positive("glia", glia)
    difference = genome_bits(d)
    brain = s * difference
    wiring = wiring_bits(connections, numbers_per_connection, bits_per_number)
    return BrainDescription(
        shared=1.0 - d / g,
        difference_bits=difference,
        brain_bits=brain,
        wiring_bits=wiring,
        wiring_and_cells_bits=wiring_bits(connections, numbers_per_connection, bits_per_number,
                                          cells),
        ratio=wiring / brain,
        orders=math.log10(wiring / brain),
        letters=brain / _positive("bits_per_letter", bits_per_letter),
    )


def orders_grid(brain_shares: Sequence[float], bits_per_numbers: Sequence[float],
                **inputs) -> np.ndarray:
    """log10(wiring / brain) for every brain share (rows) and bits per number (columns).

    ``inputs`` are the other keyword arguments of :func:`describe`. Shows how far the appendix's
    conclusion (many orders of magnitude) depends on its two least certain assumptions.
    """
    if "brain_share" in inputs or "bits_per_number" in inputs:
        raise ValueError("brain_share and bits_per_number are the grid's axes; pass them as "
                         "brain_shares and bits_per_numbers")
    return np.array([[describe(brain_share=s, bits_per_number=b, **inputs).orders
                      for b in bits_per_numbers] for s in brain_shares])


def source_lines(package: str | Path) -> int:
    """Lines of Python under the folder ``package`` that are neither blank nor only a comment."""
    root = Path(package)
    if not root.is_dir():
        raise ValueError(f"package must be a folder; got {str(package)!r}")
    count = 0
    for path in sorted(root.rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                count += 1
    return count


_SCALES = [(1e15, "quadrillion"), (1e12, "trillion"), (1e9, "billion"), (1e6, "million"),
           (1e3, "thousand")]


def in_words(value: float, digits: int = 2) -> str:
    """A large number as the text writes it, to ``digits`` significant digits: 6.4e16 ->
    '64 quadrillion', 5.12e8 -> '510 million', 1e11 -> '100 billion' (short scale)."""
    v = _positive("value", value)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer; got {digits!r}")
    v = float(f"{v:.{digits - 1}e}")
    # rounded first, so that 999.9e6 becomes '1 billion'
    for scale, name in _SCALES:
        if v >= scale:
            return f"{_plain(v / scale, digits)} {name}"
    return _plain(v, digits)


def _plain(q: float, digits: int) -> str:
    """q (already rounded to ``digits`` significant digits) without an exponent or trailing zeros."""
    decimals = max(digits - 1 - math.floor(math.log10(q)), 0)
    text = f"{q:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
