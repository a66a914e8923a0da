"""When to stop training and when to lower the learning rate: chapter 3's "no-improvement-in-n".

Both rules watch the evaluation accuracy after every epoch and count the epochs since the best
accuracy so far (a new best must be strictly higher than the old one):

* :class:`EarlyStopping` (problem 20): stop once ``n`` epochs have passed without a new best.
* :class:`HalvingSchedule` (exercise 22): halve eta each time ``n`` epochs pass without a new
  best, and stop once eta would fall below ``floor`` times its starting value.

:func:`nnbook.train.sgd` builds them from its ``early_stopping``, ``schedule`` and ``eta_floor``
arguments and asks them after each epoch.
"""

from __future__ import annotations

import math


class NoImprovement:
    """Counts the epochs since the best accuracy so far; ``stalled`` after ``n`` of them."""

    def __init__(self, n: int):
        self.n = n
        self.best = -math.inf
        self.since_best = 0

    def update(self, accuracy: float) -> None:
        if accuracy > self.best:
            self.best, self.since_best = accuracy, 0
        else:
            self.since_best += 1

    @property
    def stalled(self) -> bool:
        return self.since_best >= self.n


class EarlyStopping:
    """Stop after ``n`` epochs without a new best evaluation accuracy ("no-improvement-in-n").

    With n = 10 and the best accuracy reached in epoch 5, training ends after epoch 15, if none
    of epochs 6 to 15 beat it.
    """

    def __init__(self, n: int):
        self.watch = NoImprovement(n)

    def should_stop(self, accuracy: float) -> bool:
        """Record this epoch's accuracy; True if training should end now."""
        self.watch.update(accuracy)
        return self.watch.stalled


class HalvingSchedule:
    """Halve the learning rate after ``n`` epochs without a new best evaluation accuracy.

    After each halving the count starts again (the best so far is kept), so eta is halved again
    only after another ``n`` epochs without beating it. Training stops when a halving would take
    eta below ``floor`` times its starting value, so the floor is the smallest eta used: with
    floor = 1/128 the run trains at eta_0, eta_0/2, ..., eta_0/128 and stops at the stall after
    that. (The book's exercise ends training once eta "has dropped to" eta_0/128; to stop as
    soon as eta reaches eta_0/128, without training at it, pass floor = 1/64.)
    """

    def __init__(self, eta: float, n: int, floor: float):
        self.eta, self.lowest = eta, eta * floor
        self.watch = NoImprovement(n)

    def next_eta(self, accuracy: float) -> float | None:
        """Record this epoch's accuracy; return eta for the next epoch, or None to stop."""
        self.watch.update(accuracy)
        if self.watch.stalled:
            self.eta /= 2
            self.watch.since_best = 0
            if self.eta < self.lowest:
                return None
        return self.eta
