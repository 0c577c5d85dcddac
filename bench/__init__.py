"""Benchmarks and the synthetic data they draw, kept apart from the product packages (matcher, web, workers).

python -m bench.engine     the engine on synthetic instances, against bench.baseline (make bench)
python -m bench.pipeline   candidates, scores and the Instance from synthetic people at national scale
python -m bench.shares     a hub-wide round with and without school shares
python -m bench.hub        a hub-wide round end to end, --pages its pages under load (make bench-hub)
python -m bench.reports    the hub's report pages, a CSV and the API on a hub of many schools
"""
