"""The city's configuration (agencies, office hours, holidays, hotlines, resources) and
the after-hours questions asked of it: is a person on duty now, when is the next one,
which 24-hour lines are open at this moment."""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flows.questions import A_CATEGORIES

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JST = ZoneInfo("Asia/Tokyo")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    """A span of time on some days; an `end` at or before `start` runs into the next day."""

    start: dt.time
    end: dt.time
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    day_of_month: int | None = Field(default=None, ge=1, le=31)

    def contains(self, at: dt.datetime) -> bool:
        local = at.astimezone(JST)
        overnight = self.end <= self.start
        if (
            self._day_matches(local.date())
            and local.time() >= self.start
            and (overnight or local.time() < self.end)
        ):
            return True
        if overnight:
            yesterday = local.date() - dt.timedelta(days=1)
            return self._day_matches(yesterday) and local.time() < self.end
        return False

    def _day_matches(self, day: dt.date) -> bool:
        if self.day_of_month is not None:
            return day.day == self.day_of_month
        return WEEKDAYS[day.weekday()] in self.days


class Hotline(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    name_en: str = Field(default="", description="an English gloss shown to English readers")
    number: str
    always_open: bool = False
    hours: list[Window] = Field(default_factory=list)
    note: str = ""
    categories: list[str] = Field(
        default_factory=list, description="crisis categories it serves; empty = all"
    )
    audience: list[Literal["self", "family", "elder", "child", "partner"]] = Field(
        default_factory=list,
        alias="for",
        description="who is at risk it is meant for (flows.at_risk.AUDIENCES); empty = anyone",
    )
    verified_at: dt.date

    def serves(self, audience: str | None) -> bool:
        return audience is None or not self.audience or audience in self.audience

    @model_validator(mode="after")
    def _has_hours(self) -> Hotline:
        if not self.always_open and not self.hours:
            raise ValueError("a hotline needs always_open: true or at least one entry in hours")
        return self

    def open_at(self, at: dt.datetime) -> bool:
        return self.always_open or any(w.contains(at) for w in self.hours)


class OfficeHours(_Strict):
    mon: tuple[dt.time, dt.time] | None = None
    tue: tuple[dt.time, dt.time] | None = None
    wed: tuple[dt.time, dt.time] | None = None
    thu: tuple[dt.time, dt.time] | None = None
    fri: tuple[dt.time, dt.time] | None = None
    sat: tuple[dt.time, dt.time] | None = None
    sun: tuple[dt.time, dt.time] | None = None

    def for_day(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        span: tuple[dt.time, dt.time] | None = getattr(self, WEEKDAYS[day.weekday()])
        return span


class Agency(_Strict):
    id: str
    name: str
    address: str
    phone: str
    fax: str = ""
    email: str = ""
    web: str = ""
    office_hours: OfficeHours
    # A票 categories (flows.questions.A_CATEGORIES) this agency takes (handoff/routing.py)
    categories: list[str] = Field(default_factory=list)
    # how the bot names it to residents, when the official name says what the chat never says
    # (ひきこもり): the transfer question and LINE previews stay neutral (docs/CITY.md)
    resident_name: str = ""

    @property
    def said_name(self) -> str:
        return self.resident_name or self.name

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in A_CATEGORIES]
        if unknown:
            raise ValueError(f"unknown A票 categories {unknown}; use {list(A_CATEGORIES)}")
        return value


class Resource(_Strict):
    kind: Literal["ibasho", "family_group", "hikikomori_center", "other"]
    name: str
    description: str = ""
    hours: str = ""  # as the city writes it (毎月第2土曜 14:00〜16:00)
    contact: str = ""
    web: str = ""


class OnCall(_Strict):
    """Who is told of an emergency (DOMAIN.md §9): a webhook (JSON, or Slack/Teams-style
    `{"text": ...}`) and/or e-mail addresses reached through TOBIRA_SMTP_URL."""

    webhook_url: str | None = None
    webhook_format: Literal["json", "slack"] = "json"
    email: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_target(self) -> OnCall:
        if not self.webhook_url and not self.email:
            raise ValueError("oncall needs a webhook_url or at least one email")
        return self


class Widget(_Strict):
    """The chat widget on the city's own site (docs/WIDGET.md): the origins (scheme, host and
    port, nothing more) whose pages may embed ``/widget.js`` and call the chat API."""

    allowed_origins: list[str] = Field(default_factory=list)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", value):
                raise ValueError(
                    f"{value!r} is not an origin: write scheme and host (and port), in lower "
                    "case, without a path or a trailing slash, e.g. https://www.city.example.jp"
                )
        return values


class Municipality(_Strict):
    code: str = Field(description="全国地方公共団体コード (6 digits)")
    name: str
    agencies: list[Agency] = Field(min_length=1)
    extra_closed_dates: list[dt.date] = Field(default_factory=list)
    year_end_closure: bool = Field(default=True, description="年末年始 (12/29–1/3) closed")
    hotlines: list[Hotline] = Field(min_length=1)
    resources: list[Resource] = Field(default_factory=list)
    retention_days: int = Field(ge=1, le=3650)
    # How long each kind of record stays (docs/PRIVACY.md); purged hourly and by `tobira purge`.
    closed_retention_days: int = Field(
        default=1825, ge=1, le=3650, description="a closed or withdrawn handoff and its notes"
    )
    consent_retention_days: int = Field(
        default=1825, ge=1, le=3650, description="consent records outliving their handoff"
    )
    audit_detail_days: int = Field(
        default=365, ge=1, le=3650, description="typed reasons in the audit log are blanked"
    )
    audit_retention_days: int = Field(default=1825, ge=1, le=3650)
    followup_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="after closing, a caseworker may write to a resident who opted in this long",
    )
    hotline_review_days: int = Field(
        default=90, ge=1, le=3650, description="a hotline verified longer ago is reported stale"
    )
    oncall: OnCall | None = None
    widget: Widget = Field(default_factory=Widget)

    @field_validator("code")
    @classmethod
    def _code_digits(cls, value: str) -> str:
        if not (value.isdigit() and len(value) == 6):
            raise ValueError("code must be the 6-digit 全国地方公共団体コード")
        return value

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("JP")

    @property
    def default_agency(self) -> Agency:
        return self.agencies[0]

    def office_window(self) -> tuple[dt.time, dt.time] | None:
        """The default agency's weekday opening and closing (each locale writes them its own way:
        flows.render.hours)."""
        hours = self.default_agency.office_hours
        weekdays = [getattr(hours, d) for d in ("mon", "tue", "wed", "thu", "fri")]
        first = next((h for h in weekdays if h), None)
        return None if first is None else (first[0], first[1])

    def office_hours_text(self) -> str:
        """The default agency's weekday hours as 8:30〜17:15 (empty when it has none)."""
        window = self.office_window()
        if window is None:
            return ""
        return "〜".join(f"{t.hour}:{t.minute:02d}" for t in window)

    def is_closed_day(self, day: dt.date) -> bool:
        if day in self._holidays or day in self.extra_closed_dates:
            return True
        return self.year_end_closure and (
            (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
        )

    def staffed_at(self, at: dt.datetime, agency: Agency | None = None) -> bool:
        local = at.astimezone(JST)
        hours = (agency or self.default_agency).office_hours.for_day(local.date())
        if hours is None or self.is_closed_day(local.date()):
            return False
        return hours[0] <= local.time() < hours[1]

    def next_staffed(self, at: dt.datetime, agency: Agency | None = None) -> dt.datetime | None:
        """The next moment a caseworker is on duty (``at`` itself when staffed now)."""
        local = at.astimezone(JST)
        chosen = agency or self.default_agency
        if self.staffed_at(local, chosen):
            return local
        for offset in range(0, 30):
            day = local.date() + dt.timedelta(days=offset)
            hours = chosen.office_hours.for_day(day)
            if hours is None or self.is_closed_day(day):
                continue
            opening = dt.datetime.combine(day, hours[0], tzinfo=JST)
            if opening > local:
                return opening
        return None

    def stale_hotlines(self, today: dt.date) -> list[Hotline]:
        """Hotlines whose number was last checked more than ``hotline_review_days`` ago."""
        oldest = today - dt.timedelta(days=self.hotline_review_days)
        return [h for h in self.hotlines if h.verified_at < oldest]

    def open_hotlines(
        self, at: dt.datetime, category: str | None = None, audience: str | None = None
    ) -> list[Hotline]:
        """Lines open at ``at`` for the crisis category and for who is at risk (``for:``)."""
        return [
            h
            for h in self.hotlines
            if h.open_at(at)
            and (category is None or not h.categories or category in h.categories)
            and h.serves(audience)
        ]
