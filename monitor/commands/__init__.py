"""CLI commands, one module per group; each module attaches its commands to ``monitor.cli.cli``."""
