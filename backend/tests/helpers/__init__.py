"""Plain code shared by test packages (imported, never collected; fixtures stay in conftest.py).

tests/conftest.py registers this package for pytest's assertion rewriting, so a failing `assert`
in a helper reports its operands as one in a test does.

- accounts: `Accounts` (register / log in over HTTP), `STRONG_PASSWORD`, `bearer`
- ai_inputs: an entry and its visual analysis, for a provider to draw
- cli: the `emotionviz` executable and `run_cli`
- clients: `client_for(app)`, an httpx client on an app with its lifespan running
- database: `TABLES` (what `committed_db` truncates) and `run_sql` on a connection of its own
- dated_rows: `Rows` (entries and visualizations at chosen times) and `utc`
- db_activity: the app's busy connections, as PostgreSQL sees them
- envelope: `assert_error` (the full error envelope) and `assert_refused`
- hangs: the await chains of pending asyncio tasks (shown when a test times out)
- intake: `Intake` (one user driving the intake over HTTP) and the intake's rows
- jobs: `enqueue` (jobs put straight on the queue), `jobs_ended` (by outcome)
- journal: `Journal` (a user's entries through the API), `entry_payload`
- logs: `FormattedLines`, a handler keeping lines as the JSON formatter writes them
- network: `free_port`
- parties: `Party` (owner / intruder) and rows inserted for one
- routes: `API`, every route the app serves, `concrete_path`, `body_schema_name`
- s3: a real S3-protocol server (moto) and the settings that point the app at it
- settings: `make_settings`, `TEST_JWT_SECRET`, `unreachable_db_settings`
- sql_recorder: `recorded_statements`, every SQL statement a block sends
- swift_decoding: what the iOS app's Swift decoders accept
- users: `UserFactory`, users inserted directly with a live session
- waiting: `eventually` / `eventually_sync` (a condition instead of a sleep), and
  `loop_turns_meanwhile` (whether the event loop runs while blocking work goes on)
- websocket: `websocket_call`, a WebSocket handshake straight through ASGI
"""
