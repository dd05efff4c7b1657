"""The platform layer: HTTP plumbing, the database, observability, rate limits, settings.

It imports no domain package (auth, entries, visualizations, ...), so any of them can use it and a
change here never needs one of them. Where the platform needs domain knowledge (who a bearer token
names, for the rate limits), the wiring in app.main hands it a function. The rule is checked by the
import-linter contracts in backend/pyproject.toml (run by .ci/run).
"""
