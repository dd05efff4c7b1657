"""Lifespan state per request, for driving an app in process (bench.profile and the tests)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def per_request_state(app: ASGIApp) -> ASGIApp:
    """Give each request its own copy of the lifespan state, as ASGI servers do.

    asgi_lifespan's LifespanManager hands every request the same dict, so what one request keeps
    in its scope state (its user id for the access log, its RequestDb) would show through in the
    next one, or in a concurrent one. Wrap the app with this before handing it to the manager.
    """

    async def copying(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and "state" in scope:
            scope["state"] = dict(scope["state"])
        await app(scope, receive, send)

    return copying
