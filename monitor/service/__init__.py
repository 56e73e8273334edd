"""The service: checks, the daemon, status, quarantine and verify, running the stages in order."""
