"""One small experiment of every run kind but "sgd", on the real data, shared by the tests of
the experiments and of the run cache (which runs each kind in a fresh process)."""

SMALL = {  # one small experiment of every kind but "sgd" (see `tiny`), on the real data
    "sgd_sweep": dict(sizes=[784, 5, 10], cost="cross-entropy", init="scaled", eta=0.5,
                      mini_batch_size=10, lmbda_per_image=0.0001, examples=400, n_train=None,
                      n_trains=[100, 200], evaluation="validation", n_evaluation=500),
    "svm_sweep": dict(n_trains=[100, 200], evaluation="validation", n_evaluation=500, C=1.0,
                      gamma="auto"),
    "layer_speed": dict(sizes=[784, 5, 5, 10], cost="cross-entropy", init="scaled", n_train=100,
                        eta=0.1, lmbda=5.0, steps=3, neurons=2),
    "random": dict(evaluation="test"),
    "darkness": dict(n_train=1000, evaluation="test"),
    "svm": dict(n_train=200, evaluation="validation", n_evaluation=500, C=1.0, gamma="auto"),
    "speed_gradient": dict(sizes_list=[[20, 5, 2], [40, 10, 2]], mini_batch_size=10),
    "speed_minibatch": dict(sizes=[20, 5, 2], batch_sizes=[1, 10]),
    "convnet": dict(architecture="6.2x", eta=0.1, epochs=2, lmbda=0.1, mini_batch_size=10,
                    n_train=200, expanded=True, evaluation="validation", n_evaluation=300,
                    init="fan_in", dropout_scaling="inverted"),
}

TINY_SGD = dict(sizes=[784, 5, 10], cost="quadratic", init="large", eta=3.0, mini_batch_size=10,
                epochs=1, n_train=1000, evaluation="validation")
"""A cheap "sgd" experiment."""
