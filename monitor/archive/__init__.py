"""The archive: every version of every list as published, and the folder walk that replays it."""
