"""The ASGI application: `app.main:app`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.ai.factory import build_provider
from app.ai.protocol import AIProvider
from app.ai.telemetry import install_ai_call_metrics
from app.analytics.router import router as analytics_router
from app.auth.deps import get_claims, get_current_user
from app.auth.passwords import PasswordHasher
from app.auth.router import router as auth_router
from app.auth.tokens import token_service
from app.auth.user_cache import ActiveUserCache
from app.catalog.router import router as catalog_router
from app.drawings.offline.story_bank import load_language_model
from app.drawings.router import router as drawings_router
from app.entries.router import router as entries_router
from app.health.metrics import router as metrics_router
from app.health.router import router as health_router
from app.intake.router import router as intake_router
from app.jobs.worker import Worker
from app.media.deletions import MediaDeletions
from app.media.factory import open_media_store
from app.media.signing import MediaSigner
from app.ops.gctuning import tune_for_serving
from app.platform.config import APP_VERSION, Settings, get_settings
from app.platform.db.database import Database, create_engine, open_pool
from app.platform.http.cors import EnvelopeCORSMiddleware
from app.platform.http.docs import install_offline_docs
from app.platform.http.envelope import ERROR_RESPONSES
from app.platform.http.handlers import install_exception_handlers
from app.platform.http.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    RequestDbMiddleware,
)
from app.platform.http.openapi import document_bearer_auth
from app.platform.http.routes import add_routes
from app.platform.observability.access_log import AccessRecorder
from app.platform.observability.logging import configure_logging
from app.platform.ratelimit.limiter import RateLimiter
from app.platform.ratelimit.middleware import RateLimitMiddleware
from app.visualizations.router import media_router
from app.visualizations.router import router as visualizations_router
from app.visualizations.runner import build_worker
from app.visualizations.ws import ws_router

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def _operation_id(route: APIRoute) -> str:
    # `entries-create_entry`: stable names a generated Swift client can use.
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


# The journal, the busiest, first: routes are tried in order. Only the drawing screen's routes
# share a prefix with another router's; otherwise the order changes nothing.
API_ROUTERS = (
    entries_router,
    auth_router,
    catalog_router,
    intake_router,
    # Before the journal's visualizations: GET /visualizations/health must not be taken for
    # GET /visualizations/{id}.
    drawings_router,
    visualizations_router,
    media_router,
    ws_router,
    analytics_router,
)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    ai_provider: AIProvider | None = None,
    serving: bool = False,
) -> FastAPI:
    """`serving`: this process exists to run this one app (the server's workers, benchmarks), so
    the garbage collector is tuned for it once it has started (app.ops.gctuning)."""
    settings = settings or get_settings()
    install_ai_call_metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owns_database = database is None
        app.state.db = database or Database.from_engine(create_engine(settings))
        # An injected provider (tests: the fake-Gemini one) is closed by whoever made it.
        owns_ai_provider = ai_provider is None
        app.state.ai_provider = ai_provider or build_provider(settings)
        # One store (one S3 client and its connection pool) per process.
        signer = MediaSigner(app.state.tokens.secret, settings.signed_url_ttl_seconds)
        app.state.media = await open_media_store(settings, signer)
        app.state.media_deletions = MediaDeletions.from_settings(
            app.state.media, app.state.db, settings
        )
        worker: Worker | None = None
        if settings.worker_in_process:
            # Read per job, so a provider swapped on app.state (tests) is the one used.
            worker = build_worker(
                settings,
                app.state.db,
                lambda: app.state.ai_provider,
                app.state.media,
                app.state.media_deletions,
            )
            await worker.start()
            app.state.media_deletions.start_sweeping()
        if serving:
            if owns_database:
                await open_pool(app.state.db, settings.db_pool_size)
            if app.state.ai_provider.name == "local":
                # The offline story analysis's language model takes ~0.6 s of CPU to load:
                # in the background now rather than in the first person's request.
                asyncio.get_running_loop().run_in_executor(None, load_language_model)
            tune_for_serving()
        log.info("api started", extra={"version": APP_VERSION})
        try:
            yield
        finally:
            # Pending access lines first: nothing after this can keep them from being written.
            app.state.access_recorder.flush()
            # Jobs first (they use the provider and the database), then what they depend on.
            if worker is not None:
                await worker.stop()
            hub = getattr(app.state, "progress_hub", None)
            if hub is not None:
                await hub.stop()
            # Removals already started get to finish; what they leave, the records remember.
            await app.state.media_deletions.stop()
            await app.state.media.aclose()
            if owns_ai_provider:
                await app.state.ai_provider.aclose()
            if owns_database:
                await app.state.db.dispose()
            log.info("api stopped")

    app = FastAPI(
        title="EmotionVisualizer API",
        version=APP_VERSION,
        summary="Journal, Gemini intake and Nano Banana Pro visualizations for the iOS app.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        debug=False,  # never render tracebacks, even with DEBUG=true
        # /docs and /redoc are served with their assets, not FastAPI's CDN links: see below.
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry asks the global providers on every request whether it
        # has anything to do; the service reports through Prometheus (/metrics) and its JSON
        # logs, so it is off (~2 µs a request: the providers lookup, measured with timeit).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    # Resolved at build time so a weak secret stops start-up before anything is served.
    app.state.tokens = token_service(settings)
    app.state.limiter = RateLimiter(settings)
    app.state.user_cache = ActiveUserCache(settings.auth_user_cache_seconds)
    # The slots live under DATA_DIR, so every API worker on it shares the one bound.
    app.state.passwords = PasswordHasher(
        settings.password_hash_concurrency, settings.data_dir / "locks"
    )
    app.state.access_recorder = AccessRecorder(settings.access_log_batch_ms / 1000)
    install_exception_handlers(app)
    for router in API_ROUTERS:
        add_routes(app, router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    add_routes(app, health_router)
    add_routes(app, metrics_router)
    document_bearer_auth(app, get_current_user, get_claims)
    install_offline_docs(app)  # /docs, /docs/oauth2-redirect, /redoc, and /docs-assets/

    # Last added runs first. Order, outermost first: request context (ids, logs, metrics, last-
    # resort errors) → CORS (so even a 429 carries CORS headers) → rate limits → body size →
    # the request's transaction (committed before the response starts).
    app.add_middleware(RequestDbMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_body_size=settings.max_body_size)
    app.add_middleware(
        RateLimitMiddleware, limiter=app.state.limiter, subject=app.state.tokens.subject
    )
    app.add_middleware(
        EnvelopeCORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=[
            "X-Request-ID",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Retry-After",
        ],
    )
    app.add_middleware(RequestContextMiddleware, recorder=app.state.access_recorder)
    return app


def __getattr__(name: str) -> FastAPI:
    # `app.main:app` is built on first access, so importing this module (tests, tools) neither
    # reads the environment nor opens log files.
    if name == "app":
        settings = get_settings()
        configure_logging(settings)
        application = create_app(settings, serving=True)
        globals()["app"] = application
        return application
    raise AttributeError(name)
