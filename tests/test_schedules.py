"""The no-improvement-in-n rules, fed accuracies by hand."""

from nnbook.schedules import EarlyStopping, HalvingSchedule


def test_early_stopping_counts_epochs_since_a_strictly_better_accuracy():
    rule = EarlyStopping(3)
    #          epoch:  1     2     3     4     5     6     7     8
    accuracies = [0.50, 0.60, 0.60, 0.60, 0.70, 0.65, 0.70, 0.69]
    decisions = [rule.should_stop(a) for a in accuracies]
    # A tie is not an improvement (epochs 3, 4); epoch 5 is; epochs 6-8 are not: stop after 8.
    assert decisions == [False] * 7 + [True]
    assert rule.watch.best == 0.70


def test_early_stopping_with_patience_1_stops_at_the_first_epoch_without_a_new_best():
    rule = EarlyStopping(1)
    assert [rule.should_stop(a) for a in (0.1, 0.2, 0.2)] == [False, False, True]


def test_halving_schedule_halves_on_stalls_and_stops_below_the_floor():
    rule = HalvingSchedule(1.0, 2, 1 / 8)
    etas = [rule.next_eta(0.5) for _ in range(9)]  # nothing ever improves after epoch 1
    # epochs 2-3 stall: 1/2; 4-5: 1/4; 6-7: 1/8 (the floor, still used); 8-9: 1/16 < 1/8, stop.
    assert etas == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, None]


def test_halving_schedule_restarts_its_count_on_improvement_and_keeps_the_best():
    rule = HalvingSchedule(0.4, 2, 1 / 128)
    accuracies = [0.5, 0.4, 0.6, 0.55, 0.55, 0.58, 0.61, 0.6]
    etas = [rule.next_eta(a) for a in accuracies]
    # new best at 1 and 3; stalls 4, 5: halve; 6 is below the best 0.6 (stall 1), 7 is a new
    # best, 8 stalls once.
    assert etas == [0.4, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.2]
