"""Ingest: one snapshot through the guards, the parser and the differ, sequenced by the pipeline."""
