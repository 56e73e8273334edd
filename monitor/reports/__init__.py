"""Report building blocks: wording, grouping, noise folding, chart, formats, histories.

The public entry points are re-exported by :mod:`monitor.reporting`.
"""
