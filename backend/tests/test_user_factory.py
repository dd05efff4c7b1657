from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI

from app.auth.deps import CurrentUser
from tests.helpers.users import UserFactory

_probe = APIRouter()


@_probe.get("/probe-whoami")
async def _whoami(current: CurrentUser) -> dict[str, str]:
    return {"id": str(current.id)}


async def test_factory_user_token_is_accepted_by_the_api(
    app: FastAPI, client: httpx.AsyncClient, users: UserFactory
) -> None:
    """The harness's users authenticate like real ones: a route behind CurrentUser sees them."""
    app.include_router(_probe)
    user = await users.create(name="Factory")
    ok = await client.get("/probe-whoami", headers=users.headers(user))
    assert ok.status_code == 200
    assert ok.json() == {"id": str(user.id)}
    missing = await client.get("/probe-whoami")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "UNAUTHORIZED"
    bad = await client.get("/probe-whoami", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
