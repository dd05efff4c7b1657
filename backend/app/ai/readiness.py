"""What /health/ready says about the AI services, without spending money on a probe."""

from __future__ import annotations

from typing import Literal

from starlette.datastructures import State

AIStatus = Literal["healthy", "unhealthy", "not_configured"]


def ai_readiness(state: State) -> dict[str, AIStatus]:
    """Report each AI service; the provider (when one is installed on app.state) decides."""
    provider = getattr(state, "ai_provider", None)
    report = getattr(provider, "readiness", None)
    if report is None:
        return {"gemini_api": "not_configured", "nanobanana_api": "not_configured"}
    result: dict[str, AIStatus] = report()
    return result


def ai_problems(state: State) -> dict[str, str]:
    """Why each unhealthy AI service is so (the provider's last failure), for operators."""
    provider = getattr(state, "ai_provider", None)
    report = getattr(provider, "problems", None)
    if report is None:
        return {}
    problems: dict[str, str] = report()
    return problems
