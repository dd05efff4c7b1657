"""Running the service: the embedded PostgreSQL, backups, multi-worker serving, GC tuning.

Used by the wiring (app.cli, app.main); imports the platform and media, never a domain package.
"""
