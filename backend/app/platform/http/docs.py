"""/docs (Swagger UI) and /redoc with their scripts, styles and icon served by this app.

FastAPI's own pages load Swagger UI and ReDoc from cdn.jsdelivr.net (and ReDoc its fonts from
Google), so on a machine or network without internet access they stay blank. These are the same
pages, built by FastAPI's `get_swagger_ui_html` / `get_redoc_html` as in its documented recipe
("Self-hosting JavaScript and CSS for docs"), pointed at the copies of those files that the
`fastapi-offline` package ships, served from DOCS_ASSETS. Same URLs as FastAPI's: /docs, its
OAuth2 redirect (/docs/oauth2-redirect), /redoc, and the document itself at /openapi.json.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
DOCS_ASSETS = "/docs-assets"
# swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"


def install_offline_docs(app: FastAPI) -> None:
    """Serve /docs, its OAuth2 redirect and /redoc as FastAPI would, with local assets.

    For an app built with `docs_url=None, redoc_url=None` (so FastAPI adds no pages of its own).
    """
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("the docs pages need the app's OpenAPI document")
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url
    app.mount(DOCS_ASSETS, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def root_of(request: Request) -> str:
        # Behind a proxy that serves the app under a prefix, every URL carries it (as FastAPI's).
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def swagger_ui_html(request: Request) -> HTMLResponse:
        root = root_of(request)
        assets = root + DOCS_ASSETS
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
            oauth2_redirect_url=root + oauth2_redirect_url if oauth2_redirect_url else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc_html(request: Request) -> HTMLResponse:
        root = root_of(request)
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,  # ReDoc falls back to the system's sans-serif
        )

    app.add_route(DOCS_URL, swagger_ui_html, include_in_schema=False)
    if oauth2_redirect_url:
        app.add_route(oauth2_redirect_url, swagger_ui_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc_html, include_in_schema=False)
