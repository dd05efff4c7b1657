from tests.visualizations.fixtures import (  # noqa: F401
    make_entry,
    start_worker,
    viz_app,
    viz_client,
    viz_settings,
)
