"""Side effects that must only happen once the transaction is durable (e.g. deleting files).

Deleting an image before COMMIT would lose it if the commit then failed; deleting it after
COMMIT at worst leaves an orphan file, which is harmless. Actions run in the committing task;
they must be quick and must not raise (failures are logged, never undo the commit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_KEY = "after_commit_actions"


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    session.sync_session.info.setdefault(_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_actions(session: Session) -> None:
    for action in session.info.pop(_KEY, []):
        try:
            action()
        except Exception:
            log.exception("an after-commit action failed")


@event.listens_for(Session, "after_rollback")
def _drop_actions(session: Session) -> None:
    session.info.pop(_KEY, None)
