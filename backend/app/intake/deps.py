"""The AI provider the application was started with, as a typed dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.ai.protocol import AIProvider


def get_ai_provider(conn: HTTPConnection) -> AIProvider:
    provider: AIProvider = conn.app.state.ai_provider
    return provider


AIProviderDep = Annotated[AIProvider, Depends(get_ai_provider)]
