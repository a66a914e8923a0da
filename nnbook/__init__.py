"""nnbook."""
