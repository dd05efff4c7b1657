"""Logs (JSON lines, batched access lines) and Prometheus metrics."""
