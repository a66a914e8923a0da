"""Interactive figures for a static site: the framework and each chapter's widgets."""
