"""Benchmarks: a generator of realistic multi-territory data and an end-to-end page timer.

    python -m benchmarks.generate --scenario foundation
    python -m benchmarks.run --scenario foundation --iterations 200 --out benchmarks/results

`scripts/run-benchmarks` (and `make benchmark`) does both on a throwaway PostgreSQL;
docs/benchmarks.md explains the scenarios and keeps the latest figures.
"""
