"""Benchmarks: each prints its figures against an issue's targets (see README.md here)."""
