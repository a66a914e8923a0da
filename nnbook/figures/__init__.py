"""Figures for the pages: one house style, drawing primitives, data plots and diagrams.

* :mod:`~nnbook.figures.style` -- the house style (colours, fonts, an opaque white background)
  and the argument checks every figure shares.
* :mod:`~nnbook.figures.primitives` -- what diagrams are drawn with: a canvas in inches,
  neurons, arrows, boxes, text, and the columns and connections of layered networks.
* Data plots: :mod:`~nnbook.figures.digits` (MNIST images), :mod:`~nnbook.figures.functions`
  (the sigmoid, activation functions, softmax, Gaussians, a polynomial fit),
  :mod:`~nnbook.figures.descent` (a ball in a valley of the cost),
  :mod:`~nnbook.figures.training` (accuracies and learning curves),
  :mod:`~nnbook.figures.vanishing` (how small the errors and gradients of single neurons get)
  and :mod:`~nnbook.figures.timings` (how fast gradients are computed).
* Diagrams: :mod:`~nnbook.figures.diagrams` (neurons, networks and circuits) and
  :mod:`~nnbook.figures.backprop` (chapter 2's pictures of backpropagation).
* :mod:`~nnbook.figures.universality` -- chapter 4's figures.
* :mod:`~nnbook.figures.report` -- the reproduction report's figures: our numbers against the
  original's, with tolerance bands.
* Chapter 6: :mod:`~nnbook.figures.convolution` (diagrams of local receptive fields, feature
  maps, max-pooling and a network's layers) and :mod:`~nnbook.figures.convnets` (learned
  filters, misclassified and shifted digits, the chapter's progression, validation curves,
  adversarial examples and what the experiments cost).

Figures need nothing from training: they draw the numbers a page passes them.
"""
