from tests.fakes.fixtures import fake_gemini

__all__ = ["fake_gemini"]
