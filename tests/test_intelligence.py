"""The appendix's arithmetic (nnbook.studies.intelligence), checked by hand and against the
original's own rounded results."""

import math

import numpy as np
import pytest

from nnbook.runs import claims
from nnbook.studies import intelligence

# The appendix's inputs, written out here as numbers so that the tests do not depend on the
# registry; test_registry_inputs_reproduce_the_originals_results uses the registry itself.
INPUTS = dict(neurons=100e9, glia=100e9, connections=100e12, genome_base_pairs=3e9,
              difference_base_pairs=125e6, brain_share=0.5, numbers_per_connection=10,
              bits_per_number=64)


def test_one_base_pair_is_two_bits():
    assert intelligence.bits_per_symbol() == 2.0
    assert intelligence.bits_per_symbol(2) == 1.0
    assert intelligence.bits_per_symbol(26) == pytest.approx(4.7004, abs=1e-4)
    assert intelligence.genome_bits(125e6) == 250e6


def test_the_estimate_worked_by_hand():
    d = intelligence.describe(**INPUTS)
    assert d.difference_bits == 250e6                  # 125 million base pairs * 2 bits
    assert d.brain_bits == 125e6                       # half of it
    assert d.shared == pytest.approx(1 - 125 / 3000)   # "96 percent chimpanzee"
    assert d.wiring_bits == 100e12 * 10 * 64           # 6.4e16 bits
    assert d.wiring_and_cells_bits == (100e12 + 200e9) * 10 * 64
    assert d.ratio == pytest.approx(6.4e16 / 1.25e8) == pytest.approx(5.12e8)
    assert d.orders == pytest.approx(math.log10(5.12e8))
    assert d.letters == 125e6                          # one bit per letter


def test_cells_hardly_change_the_wiring():
    d = intelligence.describe(**INPUTS)
    assert 1 < d.wiring_and_cells_bits / d.wiring_bits < 1.01


def test_letters_follow_the_bits_per_letter():
    d = intelligence.describe(**INPUTS, bits_per_letter=2.5)
    assert d.letters == pytest.approx(125e6 / 2.5)


def test_registry_inputs_reproduce_the_originals_results():
    """The original's inputs from the registry give its rounded results: 250 and 125 million
    bits, about 70 quadrillion bits of wiring, about half a billion, about nine orders."""
    def value(name):
        return claims.get(f"app.{name}").value

    d = intelligence.describe(
        neurons=value("neurons"), glia=value("glia"), connections=value("connections"),
        genome_base_pairs=value("genome"), difference_base_pairs=value("difference"),
        brain_share=value("brain_share"), numbers_per_connection=value("numbers_per_connection"),
        bits_per_number=64, bits_per_letter=value("bits_per_letter"))
    assert d.difference_bits == value("difference_bits")
    assert d.brain_bits == value("brain_bits")
    assert d.wiring_bits == pytest.approx(value("wiring_bits"), rel=0.1)
    assert d.ratio == pytest.approx(value("ratio"), rel=0.1)
    assert round(d.orders) == value("orders")


def test_orders_grid_rows_are_shares_and_columns_bits():
    inputs = {k: v for k, v in INPUTS.items() if k not in ("brain_share", "bits_per_number")}
    grid = intelligence.orders_grid([0.1, 0.5, 1.0], [8, 64], **inputs)
    assert grid.shape == (3, 2)
    assert grid[1, 1] == pytest.approx(intelligence.describe(**INPUTS).orders)
    # a tenth of the share adds one order; eight times the bits adds log10(8)
    assert grid[0, 0] - grid[2, 0] == pytest.approx(1.0)
    assert grid[1, 1] - grid[1, 0] == pytest.approx(np.log10(8))
    with pytest.raises(ValueError, match="brain_share and bits_per_number are the grid's axes"):
        intelligence.orders_grid([0.5], [64], **INPUTS)


@pytest.mark.parametrize("name, bad, message", [
    ("connections", 0, "connections must be a finite number > 0; got 0"),
    ("glia", -1.0, "glia must be a finite number > 0; got -1.0"),
    ("bits_per_number", float("nan"), "bits_per_number must be a finite number > 0; got nan"),
    ("neurons", "many", "neurons must be a number; got 'many'"),
    ("brain_share", 1.5, r"brain_share must be a fraction in \(0, 1\]; got 1.5"),
    ("difference_base_pairs", 4e9, "difference_base_pairs must be at most genome_base_pairs"),
])
def test_bad_inputs_are_named(name, bad, message):
    with pytest.raises(ValueError, match=message):
        intelligence.describe(**dict(INPUTS, **{name: bad}))


def test_bad_alphabet():
    with pytest.raises(ValueError, match="alphabet must be an integer >= 2; got 1"):
        intelligence.bits_per_symbol(1)
    with pytest.raises(ValueError, match="alphabet must be an integer >= 2; got 4.0"):
        intelligence.genome_bits(10, alphabet=4.0)


def test_source_lines_skip_blanks_and_comments(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("import math\n\n# a comment\nx = 1  # counted\n")
    (tmp_path / "sub" / "b.py").write_text('"""Doc."""\n    \n    y = 2\n')
    (tmp_path / "notes.txt").write_text("not python\n")
    assert intelligence.source_lines(tmp_path) == 4
    with pytest.raises(ValueError, match="package must be a folder"):
        intelligence.source_lines(tmp_path / "a.py")


def test_source_lines_of_nnbook_is_a_real_count():
    import nnbook

    from pathlib import Path

    n = intelligence.source_lines(Path(nnbook.__file__).parent)
    assert n > 1000  # the library is far longer than the appendix's "short program"


@pytest.mark.parametrize("value, digits, words", [
    (6.4e16, 2, "64 quadrillion"),
    (5.12e8, 2, "510 million"),
    (5.12e8, 3, "512 million"),
    (1e11, 2, "100 billion"),
    (999.9e6, 2, "1 billion"),
    (125e6, 3, "125 million"),
    (2.5e3, 2, "2.5 thousand"),
    (42, 2, "42"),
    (3e18, 2, "3,000 quadrillion"),
])
def test_in_words(value, digits, words):
    assert intelligence.in_words(value, digits) == words


def test_in_words_refuses_bad_arguments():
    with pytest.raises(ValueError, match="value must be a finite number > 0; got -1"):
        intelligence.in_words(-1)
    with pytest.raises(ValueError, match="digits must be a positive integer; got 0"):
        intelligence.in_words(10, 0)
