"""GeminiProvider: Gemini text (structured JSON) and Nano Banana Pro images, via google-genai.

One SDK client per process (two only when the image key differs), closed by `aclose()`. The SDK's
own retries are off: `call_with_retries` owns them, so only 429/500/503/504 and timeouts retry.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from google import genai
from google.genai import types
from httpx2 import Limits as HttpLimits
from pydantic import BaseModel, Field, SecretStr

from app.ai import prompts
from app.ai.capacity import AICapacity
from app.ai.deadline import remaining
from app.ai.errors import AICapacityExhausted, AIImageError, AIProviderError, AITextError
from app.ai.gemini_answers import AnswerProblem, parse_image_answer, parse_json_answer
from app.ai.gemini_errors import CallTarget, is_transient, map_failure, requested_retry_delay
from app.ai.protocol import (
    EntrySnapshot,
    IntakeExchange,
    IntakeStep,
    IntakeSummary,
    ProviderName,
    RenderedImage,
    Scenario,
    VisualAnalysis,
    VisualStyle,
)
from app.ai.readiness import AIStatus
from app.ai.resilience import CircuitBreaker, RetryPolicy, call_with_retries
from app.ai.telemetry import AICallKind, track_call
from app.media.images import pixel_cap
from app.platform.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
# Beyond the SDK's own per-request timeout, a hard ceiling per attempt (slow-drip answers).
_DEADLINE_GRACE_SECONDS = 5.0


class IntakeAnswer(BaseModel):
    """What Gemini returns for an intake step (the wire schema; ids are renumbered after)."""

    scenarios: list[Scenario] = Field(max_length=2)
    is_complete: bool
    themes: list[str] = Field(default_factory=list, max_length=5)


class GeminiProvider:
    name: ProviderName = "gemini"

    def __init__(self, settings: Settings, capacity: AICapacity | None = None) -> None:
        text_key = settings.gemini_api_key
        image_key = settings.effective_nanobanana_key
        if text_key is None or image_key is None:
            raise ValueError("GeminiProvider needs GEMINI_API_KEY (or AI_PROVIDER=local)")
        self._settings = settings
        self.capacity = capacity or AICapacity.from_settings(settings)
        if image_key.get_secret_value() == text_key.get_secret_value():
            both = settings.ai_text_concurrency + settings.ai_image_concurrency
            self._text_client = self._image_client = self._client(text_key, both)
        else:
            self._text_client = self._client(text_key, settings.ai_text_concurrency)
            self._image_client = self._client(image_key, settings.ai_image_concurrency)
        self._policy = RetryPolicy(settings.ai_max_retries, settings.ai_retry_base_delay_seconds)
        self._breakers = {
            kind: CircuitBreaker(
                settings.ai_circuit_failure_threshold, settings.ai_circuit_reset_seconds
            )
            for kind in ("text", "image")
        }
        # The last call's failure per kind (None once a call succeeds), for operators: readiness
        # and problems() report it, clients only ever get a generic message.
        self._last_failure: dict[str, str | None] = {"text": None, "image": None}
        base_url = settings.gemini_base_url or DEFAULT_BASE_URL
        image_key_setting = (
            "NANOBANANA_API_KEY" if settings.nanobanana_api_key else "GEMINI_API_KEY"
        )
        common = {"api_version": settings.gemini_api_version, "base_url": base_url}
        self._targets: dict[str, CallTarget] = {
            "text": CallTarget(
                service="Gemini",
                model=settings.gemini_text_model,
                model_setting="GEMINI_TEXT_MODEL",
                key_setting="GEMINI_API_KEY",
                timeout_setting="GEMINI_TEXT_TIMEOUT_SECONDS",
                timeout_seconds=settings.gemini_text_timeout_seconds,
                **common,
            ),
            "image": CallTarget(
                service="Nano Banana Pro",
                model=settings.nanobanana_model,
                model_setting="NANOBANANA_MODEL",
                key_setting=image_key_setting,
                timeout_setting="NANOBANANA_TIMEOUT_SECONDS",
                timeout_seconds=settings.nanobanana_timeout_seconds,
                **common,
            ),
        }

    def _client(self, api_key: SecretStr, connections: int) -> genai.Client:
        # No pool inside the SDK may queue calls below what AI_*_CONCURRENCY lets through, unseen
        # by /metrics and unbounded by AI_SLOT_WAIT_SECONDS. Through httpx2 its default pool is
        # 100 connections, so it is sized here; through aiohttp (which the SDK prefers whenever
        # it is installed, as it is for the S3 client) the SDK's connector has no limit and these
        # arguments are not used.
        limits = HttpLimits(
            max_connections=connections, max_keepalive_connections=min(connections, 64)
        )
        options = types.HttpOptions(
            api_version=self._settings.gemini_api_version,
            base_url=self._settings.gemini_base_url,
            timeout=int(self._settings.gemini_text_timeout_seconds * 1000),  # the SDK wants ms
            async_client_args={"limits": limits},
            # One attempt per call: call_with_retries owns the retries and the request's budget.
            # Without this, under aiohttp the SDK sleeps 1-10 s and retries a dropped connection
            # once by itself.
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        return genai.Client(api_key=api_key.get_secret_value(), http_options=options)

    # --- the calls -----------------------------------------------------------------------------
    async def _call(
        self,
        kind: AICallKind,
        operation: str,
        contents: str,
        config: types.GenerateContentConfig,
        parse: Callable[[types.GenerateContentResponse], T],
    ) -> T:
        target = self._targets[kind]
        client = self._text_client if kind == "text" else self._image_client
        breaker = self._breakers[kind]
        slots = self.capacity.slot(kind)
        error_type: type[AIProviderError] = AITextError if kind == "text" else AIImageError
        invalid_answers = 0

        async def attempt() -> T:
            # A slot per attempt: the pauses between attempts hold none.
            async with slots.hold():
                timeout = target.timeout_seconds
                ceiling = timeout + _DEADLINE_GRACE_SECONDS
                left = remaining()
                if left is not None:
                    if left <= 0:
                        raise TimeoutError("the request's AI budget is spent")
                    timeout, ceiling = min(timeout, left), min(ceiling, left)
                config.http_options = types.HttpOptions(timeout=max(1, int(timeout * 1000)))
                async with asyncio.timeout(ceiling):
                    response = await client.aio.models.generate_content(
                        model=target.model, contents=contents, config=config
                    )
            return parse(response)

        def retryable(exc: BaseException) -> bool:
            nonlocal invalid_answers
            if isinstance(exc, AnswerProblem):
                # A malformed answer is usually a fluke worth one more try, not more.
                invalid_answers += 1
                return exc.retryable and exc.outcome == "invalid_answer" and invalid_answers == 1
            return is_transient(exc)

        with track_call(self.name, kind, operation, target.model) as tracker:
            if not breaker.allow():
                tracker.outcome = "circuit_open"
                pause = breaker.seconds_until_retry()
                raise error_type(
                    f"{target.service} failed {breaker.consecutive_failures} times in a row; "
                    f"calls are paused for another {pause:.0f} s.",
                    retryable=True,
                    retry_after_seconds=pause,
                    outcome="circuit_open",
                )

            def count(n: int) -> None:
                tracker.attempts = n

            try:
                result = await call_with_retries(
                    attempt,
                    policy=self._policy,
                    is_retryable=retryable,
                    on_attempt=count,
                    requested_delay=requested_retry_delay,
                )
            except AICapacityExhausted:
                # Our own limit, not Gemini's: says nothing about the service's health.
                tracker.outcome = "capacity_exhausted"
                breaker.release_trial()
                raise
            except AnswerProblem as problem:
                # Gemini answered, so it is up; the answer itself was unusable.
                breaker.record_success()
                self._last_failure[kind] = None
                tracker.outcome = problem.outcome
                raise error_type(
                    problem.message, retryable=problem.retryable, outcome=problem.outcome
                ) from None
            except asyncio.CancelledError:
                # The caller gave up: that says nothing about Gemini, but frees a trial slot.
                tracker.outcome = "cancelled"
                breaker.release_trial()
                raise
            except Exception as exc:
                failure = map_failure(exc, target, tracker.attempts)
                tracker.outcome = failure.outcome
                self._last_failure[kind] = failure.message
                if failure.service_failure:
                    breaker.record_failure()
                else:
                    breaker.release_trial()
                log.warning(
                    "ai call failed: %s",
                    failure.message,
                    extra={"ai_kind": kind, "outcome": failure.outcome, "ai_model": target.model},
                )
                raise error_type(
                    failure.message,
                    retryable=failure.retryable,
                    retry_after_seconds=failure.retry_after_seconds,
                    outcome=failure.outcome,
                ) from None
            breaker.record_success()
            self._last_failure[kind] = None
            return result

    def _json_config(
        self, system: str, schema: type[BaseModel], *, interactive: bool
    ) -> types.GenerateContentConfig:
        settings = self._settings
        # Someone is waiting on an interactive answer: think briefly (GEMINI_THINKING_LEVEL).
        thinking = (
            types.ThinkingConfig(thinking_level=types.ThinkingLevel(settings.gemini_thinking_level))
            if interactive and settings.gemini_thinking_level
            else None
        )
        return types.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            # The model's JSON schema, built once: the SDK would build it from the class again on
            # every call (2.4 of the 6.8 ms a call costs in process). It rewrites the dict it is
            # given, so each call gets its own copy.
            response_schema=copy.deepcopy(_json_schema(schema)),
            temperature=settings.gemini_temperature,
            thinking_config=thinking,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )

    async def generate_json(
        self,
        operation: str,
        system: str,
        prompt: str,
        schema: type[M],
        *,
        interactive: bool = True,
    ) -> M:
        """Gemini's structured answer, validated against `schema` (retried once if malformed)."""

        def parse(response: types.GenerateContentResponse) -> M:
            return parse_json_answer(response, schema, "Gemini")

        config = self._json_config(system, schema, interactive=interactive)
        return await self._call("text", operation, prompt, config, parse)

    async def generate_image(self, operation: str, prompt: str) -> RenderedImage:
        """One Nano Banana Pro picture at NANOBANANA_ASPECT_RATIO and _IMAGE_SIZE."""
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(
                aspect_ratio=self._settings.nanobanana_aspect_ratio,
                image_size=self._settings.nanobanana_image_size,
            ),
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )

        def parse(response: types.GenerateContentResponse) -> RenderedImage:
            data, mime_type, metadata = parse_image_answer(
                response, "Nano Banana Pro", pixel_cap(self._settings.nanobanana_image_size)
            )
            metadata |= {"provider": self.name, "model": self._settings.nanobanana_model}
            return RenderedImage(data=data, mime_type=mime_type, metadata=metadata)

        return await self._call("image", operation, prompt, config, parse)

    # --- AIProvider ----------------------------------------------------------------------------
    async def start_intake(self, situation: str) -> IntakeStep:
        answer: IntakeAnswer = await self.generate_json(
            "start_intake",
            prompts.INTAKE_SYSTEM,
            prompts.intake_start_prompt(situation),
            IntakeAnswer,
        )
        if not answer.scenarios:
            raise AITextError("Gemini returned no question to start with.", retryable=True)
        return _intake_step(answer, step=1, complete=False)

    async def continue_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        context: dict[str, Any],
        *,
        rounds_left: int,
    ) -> IntakeStep:
        if rounds_left <= 0:
            # No more questions may be asked: finishing needs no paid call.
            return IntakeStep(is_complete=True, context=context)
        answer: IntakeAnswer = await self.generate_json(
            "continue_intake",
            prompts.INTAKE_SYSTEM,
            prompts.intake_continue_prompt(situation, history, context, rounds_left),
            IntakeAnswer,
        )
        if not answer.scenarios and not answer.is_complete:
            raise AITextError("Gemini returned neither a question nor a finish.", retryable=True)
        step = _intake_step(answer, step=len(history) + 1, complete=answer.is_complete)
        step.context = {**context, **step.context}
        return step

    async def summarize_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        final_emotions: list[str],
        intensity: float,
    ) -> IntakeSummary:
        summary: IntakeSummary = await self.generate_json(
            "summarize_intake",
            prompts.SUMMARY_SYSTEM,
            prompts.summary_prompt(situation, history, final_emotions, intensity),
            IntakeSummary,
        )
        return summary

    async def analyze_entry(self, entry: EntrySnapshot, style: VisualStyle) -> VisualAnalysis:
        analysis: VisualAnalysis = await self.generate_json(
            "analyze_entry",
            prompts.ANALYSIS_SYSTEM,
            prompts.analysis_prompt(entry, style),
            VisualAnalysis,
            interactive=False,  # a background job: nobody is waiting on this answer
        )
        return analysis

    async def render_image(
        self, analysis: VisualAnalysis, entry: EntrySnapshot, style: VisualStyle
    ) -> RenderedImage:
        prompt = prompts.compose_image_prompt(analysis, style)
        return await self.generate_image("render_image", prompt)

    def readiness(self) -> dict[str, AIStatus]:
        def status(kind: str) -> AIStatus:
            failing = self._breakers[kind].state != "closed" or self._last_failure[kind]
            return "unhealthy" if failing else "healthy"

        return {"gemini_api": status("text"), "nanobanana_api": status("image")}

    def problems(self) -> dict[str, str]:
        """Why a service is unhealthy, for operators (model, setting to change, Gemini's words)."""
        names = {"text": "gemini_api", "image": "nanobanana_api"}
        return {names[kind]: message for kind, message in self._last_failure.items() if message}

    async def aclose(self) -> None:
        clients = {id(c): c for c in (self._text_client, self._image_client)}
        for client in clients.values():
            await client.aio.aclose()
            client.close()


@functools.cache
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _intake_step(answer: IntakeAnswer, *, step: int, complete: bool) -> IntakeStep:
    """Renumber ids so they are unique in the session whatever the model chose."""
    scenarios: list[Scenario] = []
    if not complete:
        for n, scenario in enumerate(answer.scenarios, start=1):
            scenario_id = f"q{step}" if len(answer.scenarios) == 1 else f"q{step}.{n}"
            options = [
                option.model_copy(
                    update={
                        "id": f"{scenario_id}-{chr(ord('a') + i)}",
                        "emotion_indicators": list(dict.fromkeys(option.emotion_indicators)),
                    }
                )
                for i, option in enumerate(scenario.options)
            ]
            scenarios.append(scenario.model_copy(update={"id": scenario_id, "options": options}))
    themes = [t.strip().lower() for t in answer.themes if t.strip()]
    return IntakeStep(
        scenarios=scenarios,
        is_complete=complete,
        context={"provider": "gemini", "themes": themes, "step": step},
    )
