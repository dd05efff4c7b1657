"""What a provider is asked to draw: an entry and the visual analysis of it."""

from __future__ import annotations

from app.ai.protocol import EntrySnapshot, VisualAnalysis
from tests.fakes import replies

ENTRY = EntrySnapshot(situation="I lost my job today.", emotions=["sadness"], intensity=0.8)
ANALYSIS = VisualAnalysis.model_validate(replies.ANALYSIS_ANSWER)
