from tests.fakes.fixtures import fake_gemini
from tests.visualizations.fixtures import make_entry, start_worker, viz_settings

__all__ = ["fake_gemini", "make_entry", "start_worker", "viz_settings"]
