"""Allocation engine benchmarks."""
