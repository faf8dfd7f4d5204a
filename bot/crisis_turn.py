"""The crisis conversation's turn inside the conversation service: build the ``Moment``, ask
``bot.crisis.step``, keep the stage, store the turn and answer (split from ``bot.service``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from bot import crisis
from bot.alerts import AlertOutbox
from bot.db import Database
from bot.messages import Option, Reply
from bot.models import Conversation
from bot.turns import Row, TurnStore
from flows import triage
from flows.locale import t
from flows.municipality import Municipality
from flows.render import Context, render
from handoff.models import Handoff


class Heard(Protocol):
    """What ``bot.service.Heard`` offers (codes, redacted text, the assessment)."""

    @property
    def code(self) -> str | None: ...
    @property
    def assessment(self) -> triage.Assessment | None: ...
    @property
    def audience(self) -> str: ...
    @property
    def row(self) -> Row: ...
    @property
    def level(self) -> str | None: ...


class CrisisTalk:
    def __init__(
        self,
        db: Database,
        city: Municipality,
        turns: TurnStore,
        alerts: AlertOutbox | None,
        context: Callable[[dt.datetime], Context],
    ) -> None:
        self.db = db
        self.city = city
        self.turns = turns
        self.alerts = alerts
        self.context = context

    async def turn(
        self,
        conv: Conversation,
        handoff: Handoff | None,
        heard: Heard,
        pending: dict[str, Any] | None,
        now: dt.datetime,
    ) -> Reply | None:
        """The crisis conversation's turn (bot.crisis), or None when the ordinary one goes on."""
        locale = conv.locale
        if heard.code == crisis.SAFE and pending is not None and conv.crisis_stage != crisis.WITH:
            # "no danger now": thank them and show the open question again
            messages, options = render(pending, locale, self.context(now))
            return await self._said(conv, now, heard, [t(locale, "safety.no"), *messages], options)
        step = crisis.step(self.city, self.moment(conv, handoff, heard, now))
        if step is None:
            if conv.crisis_stage == crisis.ASKED:  # answered in words: the conversation goes on
                await crisis.set_stage(self.db, conv.id, None)
            return None
        if step.stage != conv.crisis_stage:
            await crisis.set_stage(self.db, conv.id, step.stage)
        messages, options = list(step.messages), crisis.labels(locale, step.options)
        if step.resume and pending is not None:
            again, options = render(pending, locale, self.context(now))
            messages += again
        return await self._said(conv, now, heard, messages, options, step.level or heard.level)

    def moment(
        self, conv: Conversation, handoff: Handoff | None, heard: Heard, now: dt.datetime
    ) -> crisis.Moment:
        told = (
            self.alerts is not None
            and bool(self.alerts.targets())
            and self.alerts.should_alert(conv.crisis_level, now)
        )
        return crisis.Moment(
            locale=conv.locale,
            stage=conv.crisis_stage,
            code=heard.code,
            assessment=heard.assessment,
            audience=heard.audience,
            now=now,
            ctx=self.context(now),
            holds_handoff=handoff is not None,
            oncall_told=told,
        )

    async def _said(
        self,
        conv: Conversation,
        now: dt.datetime,
        heard: Heard,
        messages: list[str],
        options: list[tuple[str, str]],
        level: str | None = None,
    ) -> Reply:
        await self.turns.append(conv.id, now, [heard.row, ("bot", "\n".join(messages), None, "")])
        return Reply(
            messages=messages,
            options=[Option(c, lbl) for c, lbl in options],
            conversation_id=conv.id,
            level=level,
        )
