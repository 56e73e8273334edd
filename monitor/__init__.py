"""Watchlist Monitor: track changes to sanctions and export-control lists."""

__version__ = "0.1.0"
