"""The database: engine and per-request connection, raw statements, migrations, error mapping."""
