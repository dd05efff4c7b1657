"""All ORM models, imported together so relationships and Alembic see every table."""

from app.models.analytics import EmotionAnalytics
from app.models.entry import ENTRY_SOURCES, EmotionEntry
from app.models.intake import IntakeSession
from app.models.media import PendingMediaDeletion
from app.models.session import AuthSession, LoginAddress
from app.models.usage import AIUsage
from app.models.user import User
from app.models.visualization import VISUALIZATION_STATUSES, VISUALIZATION_STYLES, Visualization

__all__ = [
    "ENTRY_SOURCES",
    "VISUALIZATION_STATUSES",
    "VISUALIZATION_STYLES",
    "AIUsage",
    "AuthSession",
    "EmotionAnalytics",
    "EmotionEntry",
    "IntakeSession",
    "LoginAddress",
    "PendingMediaDeletion",
    "User",
    "Visualization",
]
