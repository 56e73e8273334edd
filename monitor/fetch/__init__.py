"""Fetch: bring a list's published files to local disk (HTTP, local files, drop folders)."""
