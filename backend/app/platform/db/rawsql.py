"""Core statements compiled once for the asyncpg lane (see app.platform.db.database.RequestDb).

The hot statements stay written as SQLAlchemy Core on the mapped tables, so the models remain the
one description of the schema; this compiles them for asyncpg at import time, leaving nothing per
request but binding the values in order. SQLAlchemy's bind and result processors do not run on
this lane: values go to asyncpg as they are, so the statements must only bind and select types
asyncpg handles natively (UUID, str, list[str], Decimal, datetime, int, float).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class RawStatement:
    sql: str
    names: tuple[str, ...]

    @classmethod
    def compile(cls, statement: ClauseElement) -> RawStatement:
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)
        return cls(compiled.string, tuple(compiled.positiontup or ()))

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        """The values in placeholder order; a missing one is a programming error (KeyError)."""
        return [values[name] for name in self.names]
