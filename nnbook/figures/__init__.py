"""Figures for the pages: one house style, data plots and diagrams."""
