"""nnbook: the numpy library behind the executable edition of *Neural Networks and Deep Learning*.

One idea per module:

* :mod:`nnbook.data` -- MNIST from the original IDX files: find or download, verify, parse, split.
* :mod:`nnbook.expand` -- more training data from the images: one-pixel shifts and small rotations.
* :mod:`nnbook.activations`, :mod:`nnbook.costs`, :mod:`nnbook.initializers` -- the pieces of a network.
* :mod:`nnbook.regularizers` -- the L2 and L1 terms of chapter 3: their cost, gradient and step.
* :mod:`nnbook.network` -- the fully connected network: feedforward and backpropagation.
* :mod:`nnbook.conv`, :mod:`nnbook.layers`, :mod:`nnbook.convnet` -- chapter 6: convolution and pooling kernels, the layers, and convolutional networks (ensembles, the chapter's architectures).
* :mod:`nnbook.train` -- mini-batch stochastic gradient descent for every network and the :class:`~nnbook.train.History` it returns.
* :mod:`nnbook.serialize` -- save and load a network in a documented, versioned .npz format.
* :mod:`nnbook.schedules` -- chapter 3's no-improvement-in-n rules: early stopping, halving eta.
* :mod:`nnbook.gradcheck` -- finite-difference gradients, to check backpropagation against (chapter 2).
* :mod:`nnbook.universality` -- chapter 4's proof built by hand: steps, bumps, towers, windows of failure.
* :mod:`nnbook.gradients` -- chapter 5's measurements: how fast each layer learns, unstable products.
* :mod:`nnbook.reference`, :mod:`nnbook.speed` -- the original's per-example backpropagation, kept
  only to be timed, and the chapter 2 timings: backprop versus finite differences, matrix versus loop.
* :mod:`nnbook.baselines` -- random guessing, average darkness and the SVM of chapter 1.
* :mod:`nnbook.catalogue`, :mod:`nnbook.experiments`, :mod:`nnbook.precompute`,
  :mod:`nnbook.profile` -- the book's named, seeded and cached runs (what they are; how they are run
  and cached; computed ahead of a build on every core), in the ``full`` or ``fast`` profile.
* :mod:`nnbook.claims` -- the registry of the original's reported numbers.
* :mod:`nnbook.plotting`, :mod:`nnbook.diagrams`, :mod:`nnbook.pages` -- figures and page helpers.
* :mod:`nnbook.universality_plots` -- chapter 4's figures: approximations, errors, towers in 3-D.
* :mod:`nnbook.widgets` -- interactive pieces (chapter 3's neuron player and softmax sliders) as
  HTML that plays in the browser from numbers computed when the page is built.
* :mod:`nnbook.explorer`, :mod:`nnbook.universality_widgets` -- sliders and players over curves and
  3-D surfaces computed when a page is built, and chapter 4's interactive figures made with them.
"""

__version__ = "0.1.0"
