"""The guided intake: the AI asks, the person answers, the answers become an entry.

A session's `conversation_history` is a list of `IntakeExchange` dicts: every scenario offered, in
order, each with the step it belongs to and, once answered, the chosen option and the person's own
words. `current_step` is the step whose scenarios are open; one answer closes it.

- `is_complete` means no more questions will be asked (the AI finished, or the rounds ran out, or
  the person completed early); `completed_at` means the summary was written and the entry made.
- No database connection or row lock is held while the AI answers (app.intake.ai_step): each
  step checks and claims in one short transaction, calls the AI, then writes in another. An AI
  failure (503 GEMINI_API_ERROR) leaves the session exactly as it was, so the same request can
  simply be sent again; a second refine or complete while one is in flight gets 409 at once; one
  arriving after sees the advanced step (its option is no longer offered: 400) or the finished
  session (409).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from app.ai.errors import AITextError
from app.ai.protocol import AIProvider, IntakeExchange, IntakeStep, Scenario
from app.entries import repository as entries
from app.entries.schemas import MAX_SITUATION_LENGTH, intensity_to_decimal
from app.intake import ai_step
from app.intake.ai_step import IntakeAI
from app.intake.schemas import (
    IntakeAnalyze,
    IntakeComplete,
    IntakeCompleted,
    IntakeRefine,
    IntakeRefined,
    IntakeStarted,
)
from app.models import IntakeSession, User
from app.platform.db.database import RequestDb
from app.platform.http.errors import Conflict, ValidationFailed

log = logging.getLogger(__name__)

# After the third answer the flow is over, whatever the AI would still ask.
MAX_REFINEMENT_ROUNDS = 3


# --- the conversation as stored --------------------------------------------------------------
def _history(row: IntakeSession) -> list[IntakeExchange]:
    return [IntakeExchange.model_validate(item) for item in row.conversation_history]


def _dump(history: list[IntakeExchange]) -> list[dict[str, Any]]:
    return [exchange.model_dump(mode="json") for exchange in history]


def _answered(history: list[IntakeExchange]) -> list[IntakeExchange]:
    # What the providers see: the answered exchanges only, so their step numbering (answers + 1)
    # matches `current_step` and option ids stay unique across the session.
    return [exchange for exchange in history if exchange.selected_option_id is not None]


def _open_scenarios(row: IntakeSession, history: list[IntakeExchange]) -> list[Scenario]:
    if row.is_complete:
        return []
    return [e.scenario for e in history if e.step == row.current_step]


def _rounds_left(history: list[IntakeExchange]) -> int:
    return max(0, MAX_REFINEMENT_ROUNDS - len(_answered(history)))


def _context(step: IntakeStep, provider: AIProvider) -> dict[str, Any]:
    # The provider's own notes, plus which provider made them (a restart may switch providers).
    return {**step.context, "provider": provider.name}


# --- the three steps ---------------------------------------------------------------------------
async def analyze(db: RequestDb, user: User, ai: IntakeAI, body: IntakeAnalyze) -> IntakeStarted:
    """Ask the first question; the session row exists only once the AI has answered."""
    provider = ai.provider
    reservation = await ai_step.reserve(db, ai, user)

    async def first_step() -> IntakeStep:
        step = await provider.start_intake(body.situation)
        if not step.scenarios:
            raise AITextError("The AI asked no question to start with. Try again.", retryable=True)
        return step

    step = await ai_step.call_ai(db, ai, reservation, first_step)
    history = [IntakeExchange(step=1, scenario=scenario) for scenario in step.scenarios]
    row = IntakeSession(
        user_id=user.id,
        initial_situation=body.situation,
        conversation_history=_dump(history),
        current_step=1,
        ai_context=_context(step, provider),
    )
    session = await db.session()
    session.add(row)
    await session.flush()
    log.info(
        "intake started", extra={"intake_session_id": str(row.id), "ai_provider": provider.name}
    )
    return IntakeStarted(
        session_id=row.id,
        scenarios=step.scenarios,
        ai_context=row.ai_context,
        provider=provider.name,
        current_step=1,
        rounds_left=MAX_REFINEMENT_ROUNDS,
    )


def _answer(row: IntakeSession, body: IntakeRefine) -> list[IntakeExchange]:
    """The history with the chosen option recorded; 400 unless it is open in the current step."""
    history = _history(row)
    position = next(
        (
            i
            for i, exchange in enumerate(history)
            if exchange.step == row.current_step
            and any(option.id == body.selected_option_id for option in exchange.scenario.options)
        ),
        None,
    )
    if position is None:
        offered = [o.id for s in _open_scenarios(row, history) for o in s.options]
        raise ValidationFailed(
            "selected_option_id is not one of the options of the current question.",
            details=[
                {
                    "field": "selected_option_id",
                    "location": "body",
                    "message": f"Choose one of: {', '.join(offered)}.",
                    "type": "value_error",
                    "current_step": row.current_step,
                    "offered": offered,
                }
            ],
        )
    history[position] = history[position].model_copy(
        update={
            "selected_option_id": body.selected_option_id,
            "additional_context": body.additional_context,
        }
    )
    return history


async def refine(db: RequestDb, user: User, ai: IntakeAI, body: IntakeRefine) -> IntakeRefined:
    """Record the chosen option and ask the next question, or finish."""
    provider = ai.provider
    session = await db.session()
    row = await ai_step.load_owned_session(session, user, body.session_id)
    if row.completed_at is not None:
        raise Conflict("This intake is already completed.")
    if row.is_complete:
        raise Conflict("This intake asks no more questions; finish it with POST /intake/complete.")
    history = _answer(row, body)
    rounds_left = _rounds_left(history)
    if rounds_left == 0:
        # No question may be asked past the last round: finishing needs no AI call.
        step = IntakeStep(is_complete=True, context=row.ai_context)
    else:
        reservation = await ai_step.reserve(db, ai, user, row)
        situation, context = row.initial_situation, row.ai_context
        step = await ai_step.call_ai(
            db,
            ai,
            reservation,
            lambda: provider.continue_intake(
                situation, _answered(history), context, rounds_left=rounds_left
            ),
        )
        session, row = await ai_step.reclaim(db, reservation)
    # A step without a question has nothing to ask.
    finished = step.is_complete or rounds_left == 0 or not step.scenarios
    if not finished:
        row.current_step += 1
        history.extend(IntakeExchange(step=row.current_step, scenario=s) for s in step.scenarios)
    row.conversation_history = _dump(history)
    row.ai_context = _context(step, provider)
    row.is_complete = finished
    await session.flush()
    return IntakeRefined(
        session_id=row.id,
        is_complete=finished,
        scenarios=[] if finished else step.scenarios,
        provider=provider.name,
        current_step=row.current_step,
        rounds_left=0 if finished else rounds_left,
    )


def _entry_situation(summary: str, initial_situation: str) -> str:
    """The AI's paragraph, held to the entry's 1–5000 characters (the person's words if empty)."""
    text = summary.strip() or initial_situation
    if len(text) <= MAX_SITUATION_LENGTH:
        return text
    cut = text[: MAX_SITUATION_LENGTH - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _entry_notes(answers: int) -> str:
    questions = "question" if answers == 1 else "questions"
    return f"Created from the guided intake ({answers} {questions} answered)."


async def complete(
    db: RequestDb, user: User, ai: IntakeAI, body: IntakeComplete
) -> IntakeCompleted:
    """Summarise the conversation and record it as an entry.

    Allowed after any step: a person may stop before the questions run out, and the summary then
    rests on the answers given so far (questions left open are kept in the history, unanswered).
    """
    provider = ai.provider
    session = await db.session()
    row = await ai_step.load_owned_session(session, user, body.session_id)
    if row.completed_at is not None:
        raise Conflict("This intake is already completed.")
    situation = row.initial_situation
    answered = _answered(_history(row))
    emotions = [str(e) for e in body.final_emotions]
    # The AI is told the intensity the entry will hold (two decimals), not the raw float.
    intensity = intensity_to_decimal(body.intensity)
    reservation = await ai_step.reserve(db, ai, user, row)
    summary = await ai_step.call_ai(
        db,
        ai,
        reservation,
        lambda: provider.summarize_intake(situation, answered, emotions, float(intensity)),
    )
    session, row = await ai_step.reclaim(db, reservation)
    new_entry = entries.NewEntry(
        user_id=user.id,
        situation=_entry_situation(summary.situation_summary, situation),
        emotions=emotions,
        intensity=intensity,
        notes=_entry_notes(len(answered)),
        source="intake_flow",
        intake_session_id=row.id,
    )
    entry = await entries.insert_entry(session, new_entry)
    row.is_complete = True
    row.completed_at = datetime.now(UTC)
    row.final_summary = summary.ai_summary
    row.ai_context = {
        **row.ai_context,
        "summary": {
            "provider": provider.name,
            "situation_summary": summary.situation_summary,
            "insights": summary.insights,
            "final_emotions": emotions,
            "intensity": float(intensity),
            "entry_id": str(entry.id),
        },
    }
    await session.flush()
    log.info(
        "intake completed",
        extra={
            "intake_session_id": str(row.id),
            "entry_id": str(entry.id),
            "ai_provider": provider.name,
            "answers": len(answered),
        },
    )
    return IntakeCompleted(
        entry=entry,
        ai_summary=summary.ai_summary,
        insights=summary.insights,
        situation_summary=summary.situation_summary,
        session_id=row.id,
        provider=provider.name,
    )
