"""Background work on arq: WorkerSettings, the jobs, and queue.py (the one place that knows arq)."""
