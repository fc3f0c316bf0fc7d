"""Benchmark scripts that print figures (run with ``uv run python -m benchmarks.<name>``)."""
