"""/docs and /redoc work without internet access (app.platform.http.docs): every script, style
and icon they load is served by this app, from the files the fastapi-offline package ships."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from app.platform.http.docs import ASSETS_DIR, DOCS_ASSETS

# What each kind of asset must be served as, and a name its real content holds.
EXPECTED = {
    "swagger-ui-bundle.js": ("javascript", b"SwaggerUIBundle"),
    "swagger-ui.css": ("text/css", b".swagger-ui"),
    "redoc.standalone.js": ("javascript", b"Redoc"),
    "favicon.png": ("image/png", b"\x89PNG"),
}


class _Links(HTMLParser):
    """The URLs a page makes the browser fetch: scripts, stylesheets and icons, the spec."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name in ("src", "href", "spec-url"):
                self.urls.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}),
        ("/redoc", {"redoc.standalone.js", "favicon.png"}),
    ],
)
async def test_the_docs_pages_load_everything_from_this_server(
    client: httpx.AsyncClient, page: str, assets: set[str]
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    # No CDN, no Google fonts, nothing from another host.
    assert "http://" not in html
    assert "https://" not in html
    urls = _links(html)
    assert not [url for url in urls if url.startswith("//") or "://" in url]
    assert {url.rsplit("/", 1)[1] for url in urls if url.startswith(DOCS_ASSETS + "/")} == assets
    for url in urls:
        assert url.startswith("/"), url
        if url.startswith(DOCS_ASSETS + "/"):
            asset = await client.get(url)
            kind, marker = EXPECTED[url.rsplit("/", 1)[1]]
            assert asset.status_code == 200, url
            assert kind in asset.headers["content-type"], (url, asset.headers["content-type"])
            assert marker in asset.content[:200_000], url
            assert len(asset.content) == (ASSETS_DIR / url.rsplit("/", 1)[1]).stat().st_size
    if page == "/redoc":
        assert 'spec-url="/openapi.json"' in html
    else:
        assert "url: '/openapi.json'" in html
        assert "'/docs/oauth2-redirect'" in html
    spec = await client.get("/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "EmotionVisualizer API"


async def test_swagger_s_oauth2_redirect_is_still_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert "oauth2" in response.text
    assert "https://" not in response.text


async def test_a_missing_asset_is_an_enveloped_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{DOCS_ASSETS}/nothing-here.js")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_behind_a_path_prefix_every_url_carries_it(app: FastAPI) -> None:
    # A proxy serving the API under /backend (uvicorn --root-path): FastAPI's own pages did this.
    transport = httpx.ASGITransport(app=app, root_path="/backend")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        docs = (await client.get("/backend/docs")).text
        redoc = (await client.get("/backend/redoc")).text
        asset = await client.get(f"/backend{DOCS_ASSETS}/swagger-ui.css")
    assert set(_links(docs)) == {
        f"/backend{DOCS_ASSETS}/swagger-ui.css",
        f"/backend{DOCS_ASSETS}/favicon.png",
        f"/backend{DOCS_ASSETS}/swagger-ui-bundle.js",
    }
    assert "url: '/backend/openapi.json'" in docs
    assert "'/backend/docs/oauth2-redirect'" in docs
    assert set(_links(redoc)) == {
        f"/backend{DOCS_ASSETS}/favicon.png",
        f"/backend{DOCS_ASSETS}/redoc.standalone.js",
        "/backend/openapi.json",
    }
    assert asset.status_code == 200
