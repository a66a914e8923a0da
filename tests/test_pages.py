"""Small helpers of the book's pages: numbers in words."""

import pytest

from nnbook.runs.pages import count, percent


@pytest.mark.parametrize("n, noun, plural, expected", [
    (1, "epoch", None, "1 epoch"),
    (0, "epoch", None, "0 epochs"),
    (3, "epoch", None, "3 epochs"),
    (12000, "image", None, "12,000 images"),
    (1, "more is", "more are", "1 more is"),
    (4, "more is", "more are", "4 more are"),
])
def test_count_agrees_in_number(n, noun, plural, expected):
    assert count(n, noun, plural) == expected


def test_percent_as_the_book_writes_it():
    assert percent(0.9542) == "95.42 %"
    assert percent(0.5, digits=0) == "50 %"
