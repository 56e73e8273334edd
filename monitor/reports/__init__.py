"""Report building blocks: wording, grouping, noise folding, chart, formats, histories."""
