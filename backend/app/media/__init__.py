"""Where pictures live: a local directory (the default) or an S3-compatible object store.

This package imports no domain package: it knows the key layout of the pictures it keeps,
nothing of entries, users or jobs.
"""
