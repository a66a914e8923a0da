"""nnbook: the numpy library behind the executable edition of *Neural Networks and Deep Learning*.

The book's mathematics sits at the top of the package, one idea per module:

* :mod:`nnbook.data` -- MNIST from the original IDX files: find or download, verify, parse, split.
* :mod:`nnbook.expand` -- more training data from the images: one-pixel shifts and small rotations.
* :mod:`nnbook.activations`, :mod:`nnbook.costs`, :mod:`nnbook.initializers` -- the pieces of a network.
* :mod:`nnbook.regularizers` -- the L2 and L1 terms of chapter 3: their cost, gradient and step.
* :mod:`nnbook.schedules` -- chapter 3's no-improvement-in-n rules: early stopping, halving eta.
* :mod:`nnbook.network` -- the fully connected network of chapters 1-3 and 5: feedforward, backprop.
* :mod:`nnbook.layers`, :mod:`nnbook.conv`, :mod:`nnbook.convnet` -- chapter 6: the layers, the
  convolution and pooling kernels they call, and networks of layers.
* :mod:`nnbook.train` -- mini-batch stochastic gradient descent and the History it returns.
* :mod:`nnbook.gradcheck` -- finite-difference gradients, to check backpropagation against.
* :mod:`nnbook.checks` -- the argument checks every public entry point shares.

Everything else is grouped by what it is for:

* :mod:`nnbook.runs` -- the book's named, seeded and cached runs (catalogue, experiments,
  precompute), the registry of the original's reported numbers (claims), the build profile,
  saving networks (serialize), atomic files, and the helpers pages glue values with.
* :mod:`nnbook.studies` -- chapter science: the baselines of chapter 1, chapter 2's timings and
  the per-example reference, chapter 4's universality constructions, chapter 5's gradient speeds.
* :mod:`nnbook.figures` -- the figures of the pages: one house style, drawing primitives, data
  plots and diagrams; none of them imports the training code.
* :mod:`nnbook.widgets` -- interactive figures that play in the browser from numbers computed
  when the page is built: the shared core, its scripts and styles (files in ``widgets/assets``),
  the curve and surface explorer, and each chapter's widgets.

``docs/ARCHITECTURE.md`` draws these layers and says where new code goes.
"""

__version__ = "0.1.0"
