"""Interactive figures for a static site: numbers computed when the page is built, shown and
moved in the reader's browser with no kernel.

* :mod:`nnbook.widgets.core` -- what every widget is made of: the
  :class:`~nnbook.widgets.core.Widget`, element ids, the embedded data, the script wrapper, the
  scripts and stylesheets in ``assets/`` (files shipped with the package) and their loader,
  rounding, ticks and the check of a list of numbers.
* :mod:`nnbook.widgets.chapter3` -- chapter 3's widgets: the single neuron learning (a player)
  and the softmax layer on sliders.
* :mod:`nnbook.widgets.explorer` -- sliders and players over curves and 3-D surfaces whose
  frames the build computes and the browser adds up.
* :mod:`nnbook.widgets.universality` -- chapter 4's widgets, built with the explorer.
"""
