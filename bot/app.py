"""The FastAPI application: storage, graph and conversation service built in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy import text

from bot import outreach
from bot.alerts import AlertOutbox
from bot.channels import line as line_channel
from bot.channels import widget
from bot.city import load_municipality
from bot.crisis_desk import CrisisDesk
from bot.crypto import Keys
from bot.db import Database, checkpointer, migrate, wait_for_schema
from bot.edge import BodyLimit, bearer_matches
from bot.locks import LocalLocks, Locks, RedisLocks
from bot.logs import install_log_privacy
from bot.ratelimit import ChatRateLimit, Limits, Windows
from bot.service import ConversationService
from bot.settings import Settings, get_settings
from flows.intake import build_graph
from flows.municipality import JST, Municipality
from handoff import console
from handoff.live import LiveHub

Clock = Callable[[], dt.datetime]
log = logging.getLogger("tobira.app")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """``clock``: the time the channels stamp on turns (tests inject 03:00 on a Sunday)."""
    settings, now = settings or get_settings(), clock or _utc_now
    install_log_privacy()
    city = _warn_stale_hotlines(load_municipality(settings.municipality))  # a broken YAML stops
    keys = Keys(settings.require_secret())

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await _schema(settings)
        db = Database(settings.database_url)
        redis, lock_redis, locks, live = _shared(settings)
        async with checkpointer(settings.database_url) as saver:
            alerts = AlertOutbox.for_settings(db, city, settings)
            alerts.clock = now
            service = ConversationService(
                settings=settings,
                city=city,
                db=db,
                graph=build_graph(saver),
                saver=saver,
                keys=keys,
                locks=locks,
                live=live,
                alerts=alerts,
            )
            await asyncio.to_thread(service.warm_up)
            # start-up leaves ~300k long-lived objects (dictionaries, rules, the graph); keep the
            # collector from walking them during turns
            gc.collect()
            gc.freeze()
            app.state.db = db
            app.state.redis = redis
            app.state.rate_windows.redis = redis
            app.state.live = live
            app.state.service = service
            app.state.alerts = alerts
            await line_channel.startup(app)
            await console.startup(app, _console_services(settings, city, keys, service, now))
            app.state.ready = True
            background = [
                asyncio.create_task(job)
                for job in (_retention_loop(service), _checkin_loop(service, now), alerts.run())
            ]
            try:
                yield
            finally:
                app.state.ready = False
                await _stop(background)
                await console.shutdown(app)
                await line_channel.shutdown(app)
                await db.dispose()
                await _close(live, redis, lock_redis)

    app = FastAPI(title="tobira", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.city = city
    app.state.keys = keys
    app.state.ready = False
    app.state.rate_windows = Windows()  # Redis joins in the lifespan when configured
    app.state.clock = now

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> Response:
        return await _readiness(app)

    app.add_api_route("/metrics", _metrics, methods=["GET"])

    _edge_limits(app, settings)
    app.include_router(line_channel.router)
    widget.mount(app, city.widget.allowed_origins, settings.public_url)
    app.include_router(console.router)
    return app


def _shared(settings: Settings) -> tuple[Redis | None, Redis | None, Locks, LiveHub]:
    """What workers share: Redis (or in-process equivalents), the locks on their own pool (however
    many streams are open, a resident's turn gets its lock), the live hub with its stream cap."""
    redis = _redis(settings, settings.redis_connections)
    lock_redis = _redis(settings, settings.redis_lock_connections)
    locks: Locks = RedisLocks(lock_redis) if lock_redis is not None else LocalLocks()
    return redis, lock_redis, locks, LiveHub(redis, max_streams=settings.live_streams)


def _redis(settings: Settings, connections: int) -> Redis | None:
    """A client on a bounded pool that waits for a free connection instead of failing."""
    if not settings.redis_url:
        return None
    pool = BlockingConnectionPool.from_url(
        settings.redis_url, max_connections=connections, timeout=10
    )
    return Redis.from_pool(pool)  # closing the client closes its pool


async def _close(live: LiveHub, *clients: Redis | None) -> None:
    await live.close()
    for client in clients:
        if client is not None:
            await client.aclose()


def _edge_limits(app: FastAPI, settings: Settings) -> None:
    """Rate limits on the widget's API, inside a body cap on every route (the outermost layer)."""
    limits = Limits(
        settings.chat_rate_per_session,
        settings.chat_rate_per_address,
        settings.chat_starts_per_address,
    )
    app.add_middleware(ChatRateLimit, windows=app.state.rate_windows, limits=limits)
    app.add_middleware(BodyLimit, max_body=settings.max_body)


async def _schema(settings: Settings) -> None:
    if settings.migrate_on_start:  # under an advisory lock: once, however many workers
        await asyncio.to_thread(migrate, settings.database_url)
    else:
        await asyncio.to_thread(wait_for_schema, settings.database_url, settings.schema_wait)


async def _metrics(request: Request) -> Response:
    """Prometheus metrics; with TOBIRA_METRICS_TOKEN set, only for ``Bearer <token>``."""
    token = request.app.state.settings.metrics_token.get_secret_value()
    if token and not bearer_matches(request.headers, token):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _console_services(
    settings: Settings, city: Municipality, keys: Keys, service: ConversationService, now: Clock
) -> console.Services:
    """What the console needs of the app, typed: it reaches the conversation through the service
    (its ``ResidentLink``) and never imports ``bot``."""
    return console.Services(
        db=service.db,
        live=service.live,
        link=service,
        keys=keys,
        secret=settings.secret_key.get_secret_value().encode(),
        agencies={a.id: a.name for a in city.agencies},
        default_agency=city.default_agency.id,
        stale_hotlines=lambda: _stale_hotlines(city),
        crisis=CrisisDesk(service.db, service, clock=now),
        followup_days=city.followup_days,
        municipality_code=city.code,
        clock=now,
    )


def _warn_stale_hotlines(city: Municipality) -> Municipality:
    for stale in _stale_hotlines(city):
        # by position and date: the log scrubber keeps no Japanese text (bot.logs)
        log.warning(
            "hotline %s of the city YAML not verified for over %d days (verified_at %s)",
            stale["position"],
            city.hotline_review_days,
            stale["verified_at"],
        )
    return city


def _stale_hotlines(city: Municipality) -> list[dict[str, str]]:
    today = dt.datetime.now(JST).date()
    stale = city.stale_hotlines(today)
    return [
        {
            "position": str(i),
            "name": h.name,
            "number": h.number,
            "verified_at": h.verified_at.isoformat(),
        }
        for i, h in enumerate(city.hotlines, 1)
        if h in stale
    ]


async def _readiness(app: FastAPI) -> Response:
    checks: dict[str, str] = {}
    try:
        async with app.state.db.session() as s:
            await s.exec(text("SELECT 1"))  # type: ignore[call-overload]
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = type(exc).__name__
    if app.state.redis is not None:
        try:
            await app.state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = type(exc).__name__
    ok = app.state.ready and all(v == "ok" for v in checks.values())
    # undelivered on-call alerts degrade readiness without taking the worker out of service
    alerts = await app.state.alerts.health() if ok else "unknown"
    stale = _stale_hotlines(app.state.city)
    body: dict[str, object] = {
        "ready": ok,
        **checks,
        "alerts": alerts,
        "hotlines": "ok" if not stale else f"stale={len(stale)}",
    }
    if alerts != "ok" or stale:
        body["degraded"] = True
    return JSONResponse(body, status_code=200 if ok else 503)


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _retention_loop(service: ConversationService, every: float = 3600.0) -> None:
    """Delete conversations past the city's retention days, hourly (``tobira purge`` does it once)."""
    while True:
        try:
            deleted = await service.purge_expired(dt.datetime.now(dt.UTC))
            if deleted:
                log.info("retention: deleted %d conversations", deleted)
        except Exception:
            log.exception("retention pass failed")
        await asyncio.sleep(every)


async def _checkin_loop(service: ConversationService, now: Clock, every: float = 900.0) -> None:
    """The follow-up check-ins that fell due (bot.outreach), every 15 minutes; each is claimed by
    one worker, however many run this loop."""
    while True:
        try:
            await outreach.send_due(service, now())
        except Exception:
            log.exception("check-in pass failed")
        await asyncio.sleep(every)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory bot.app:app_from_env`` (settings from the environment)."""
    return create_app()
