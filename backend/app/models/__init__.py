"""All ORM models, imported together so relationships and Alembic see every table."""

from app.models.analytics import EmotionAnalytics
from app.models.entry import EmotionEntry
from app.models.intake import IntakeSession
from app.models.media import PendingMediaDeletion
from app.models.session import AuthSession, LoginAddress
from app.models.usage import AIUsage
from app.models.user import User
from app.models.visualization import ACTIVE_JOB_STATUSES, Visualization

__all__ = [
    "ACTIVE_JOB_STATUSES",
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
