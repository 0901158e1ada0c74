"""OpenSRM: open-source sales resource management."""

__version__ = "0.1.0"
