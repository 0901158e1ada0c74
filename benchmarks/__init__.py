"""Reproducible benchmarks (run from the repo root)."""
