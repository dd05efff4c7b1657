"""Choosing the provider from the settings (AI_PROVIDER=auto|gemini|local, docs/AI.md)."""

from __future__ import annotations

import logging

from app.ai.capacity import AICapacity
from app.ai.protocol import AIProvider
from app.platform.config import Settings

log = logging.getLogger(__name__)


def build_provider(settings: Settings) -> AIProvider:
    """Gemini when chosen (or `auto` with a key), otherwise the offline local provider."""
    choice = settings.resolved_ai_provider
    capacity = AICapacity.from_settings(settings)
    if choice == "gemini":
        if settings.gemini_api_key is None:
            raise ValueError(
                "AI_PROVIDER=gemini needs GEMINI_API_KEY; set it, or use AI_PROVIDER=auto/local."
            )
        from app.ai.gemini import GeminiProvider

        provider: AIProvider = GeminiProvider(settings, capacity)
    else:
        from app.ai.local import LocalProvider

        provider = LocalProvider(capacity)
    log.info(
        "ai provider selected",
        extra={
            "ai_provider": provider.name,
            "text_model": settings.gemini_text_model if choice == "gemini" else "local",
            "image_model": settings.nanobanana_model if choice == "gemini" else "local",
        },
    )
    return provider
