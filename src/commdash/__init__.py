"""commdash: a keyboard-driven terminal dashboard for community managers."""

__version__ = "0.1.0"
