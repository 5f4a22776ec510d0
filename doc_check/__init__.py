"""doc-check: a training simulator for forensic checks of travel documents."""

__version__ = "0.1.0"
