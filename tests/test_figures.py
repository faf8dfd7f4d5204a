"""Figures (見える化) for supervisors, against the real app on SQLite and PostgreSQL: residents
hand off across months, channels and categories the honest way (talking to the service); a
caseworker answers some; the page, the CSV and the JSON then agree, show every count that is
safe exactly, never a count of 1–4, and nothing hidden can be worked out from what is shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass
from html import unescape
from typing import Any

import numpy as np
from scipy.optimize import linprog

from handoff import suppression
from tests.conftest import DAYTIME
from tests.resident import Resident
from tests.test_console import add_staff, audit_actions, client_for, login, token_for


@dataclass(frozen=True)
class Seed:
    month: int  # of 2026, at the DAYTIME / NIGHT clock times
    channel: str  # web | line
    relationship: str  # self | child (a parent consulting)
    concern: str  # the one A票 box chosen (so it is the ◎ too)
    night: bool = False


# 6 + 2 in September, 5 + 1 in October, 7 + 3 (1 at night) in November
SEEDS = (
    [Seed(9, "web", "self", "hikikomori_futoko")] * 6
    + [Seed(9, "line", "child", "family_relations")] * 2
    + [Seed(10, "line", "child", "hikikomori_futoko")] * 5
    + [Seed(10, "web", "self", "income_living")]
    + [Seed(11, "web", "child", "hikikomori_futoko")] * 7
    + [Seed(11, "line", "self", "health_disability")] * 2
    + [Seed(11, "line", "self", "health_disability", night=True)]
)
CHANNEL = {"web": "Webチャット", "line": "LINE"}
CATEGORY = {
    "hikikomori_futoko": "ひきこもり・不登校",
    "family_relations": "家族との関係について",
    "income_living": "収入・生活費のこと",
    "health_disability": "病気や健康、障害のこと",
}


WEEKDAY = {9: 17, 10: 15, 11: 19}  # Thursdays, none a holiday


def _at(seed: Seed) -> dt.datetime:
    if seed.night:  # 23:00 JST on a Tuesday: after hours
        return dt.datetime(2026, seed.month, 10, 14, 0, tzinfo=dt.UTC)
    return DAYTIME.replace(month=seed.month, day=WEEKDAY[seed.month])  # 10:00 JST


async def _hand_off(app: Any, n: int, seed: Seed) -> str:
    resident = Resident(app.state.service, address=f"fig-{n}", channel=seed.channel, at=_at(seed))
    await resident.say("相談したいことがあります")
    await resident.skip_until("relationship")
    await resident.tap(f"a:relationship:{seed.relationship}")
    await resident.skip_until("concerns")
    await resident.tap(f"a:concerns:{seed.concern}")
    await resident.tap("m:done")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    assert resident.reply is not None
    return str(resident.reply.conversation_id)


def _truth() -> dict[tuple[str, str, str], int]:
    """What the seeds should count to, for the tables this test checks cell by cell."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for seed in SEEDS:
        month = f"2026-{seed.month:02d}"
        values = {
            "相談の媒体": CHANNEL[seed.channel],
            "相談した人": "本人" if seed.relationship == "self" else "家族",
            "主な相談内容（A票◎）": CATEGORY[seed.concern],
            "受付の時間帯": "時間外" if seed.night else "時間内",
        }
        for section, column in values.items():
            for row in (month, "計"):
                for col in (column, "計"):
                    counts[(section, row, col)] += 1
    return counts


def _page_cells(html: str) -> set[tuple[str, str, str, str]]:
    cells = set()
    for section, body in re.findall(
        r'<table class="figures" data-section="([^"]+)">(.*?)</table>', html, re.S
    ):
        for row, col, value in re.findall(
            r'<td data-row="([^"]*)" data-col="([^"]*)">([^<]*)</td>', body
        ):
            cells.add((unescape(section), unescape(row), unescape(col), unescape(value)))
    return cells


def _recoverable(table: dict[str, Any]) -> list[tuple[str, str, int]]:
    """An attacker's try: every hidden cell's least and greatest value consistent with all the
    rows and columns shown (integer programming; <5 is 0–4, x is 5 or more)."""
    grid = [row["cells"] for row in table["rows"]]
    hidden = [(i, j) for i, r in enumerate(grid) for j, v in enumerate(r) if not v.isdigit()]
    if not hidden:
        return []
    index = {cell: k for k, cell in enumerate(hidden)}
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    lines = [([(i, j) for j in range(cols)], (i, cols)) for i in range(rows + 1)]
    lines += [([(i, j) for i in range(rows)], (rows, j)) for j in range(cols + 1)]
    a_eq, b_eq = [], []
    for members, total in lines:
        coef, rhs = np.zeros(len(hidden)), 0.0
        for cell in members:
            if cell in index:
                coef[index[cell]] += 1
            else:
                rhs -= int(grid[cell[0]][cell[1]])
        if total in index:
            coef[index[total]] -= 1
        else:
            rhs += int(grid[total[0]][total[1]])
        if coef.any():
            a_eq.append(coef)
            b_eq.append(rhs)
    bounds = [(0, 4) if grid[i][j] == suppression.SMALL else (5, None) for i, j in hidden]
    whole = np.ones(len(hidden))
    found = []
    for cell, k in index.items():
        goal = np.zeros(len(hidden))
        goal[k] = 1
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds, integrality=whole)
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds, integrality=whole)
        assert low.status == 0, "the shown figures are inconsistent"
        if high.status == 0 and round(low.fun) == round(-high.fun):
            found.append((table["rows"][cell[0]]["month"], table["columns"][cell[1]], cell[0]))
    return found


async def test_supervisor_figures_match_the_csv_protect_small_cells_and_resist_recovery(
    app: Any,
) -> None:
    for n, seed in enumerate(SEEDS):
        await _hand_off(app, n, seed)
    await add_staff(app, "chief", role="supervisor")
    await add_staff(app, "worker", role="staff")
    async with client_for(app) as client:
        headers = await token_for(client, "worker")
        queue = (await client.get("/api/console/handoffs", headers=headers)).json()
        items = queue["handoffs"] if isinstance(queue, dict) else queue
        assert len(items) == len(SEEDS)
        for item in items[:6]:  # a caseworker answers six of them
            hid = item["id"] if "id" in item else item["handoff_id"]
            r = await client.post(f"/api/console/handoffs/{hid}/claim", headers=headers)
            assert r.status_code == 200, r.text
            r = await client.post(
                f"/api/console/handoffs/{hid}/messages", headers=headers, json={"text": "どうぞ"}
            )
            assert r.status_code == 200, r.text

        # supervisors only
        assert (await client.get("/api/console/figures.csv", headers=headers)).status_code == 403
        assert (await client.get("/api/console/figures.json", headers=headers)).status_code == 403
        await login(client, "worker")
        assert (await client.get("/console/figures")).status_code == 403
        await client.post("/console/logout", data={})
        client.cookies.clear()

        chief = await token_for(client, "chief")
        r = await client.get("/api/console/figures.csv", headers=chief)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
        assert rows[0] == ["区分", "行", "列", "値"]
        from_csv = {tuple(row) for row in rows[1:]}
        data = (await client.get("/api/console/figures.json", headers=chief)).json()
        await login(client, "chief")
        page = await client.get("/console/figures")
        assert page.status_code == 200
    html = page.text

    # the page shows exactly what the CSV holds
    assert _page_cells(html) == from_csv
    assert html.count("<svg") >= 9 and "cdn" not in html.lower() and "<script>" not in html

    # no count of 1–4 anywhere; every shown count is the true one
    for section, row, col, value in from_csv:
        if col in ("中央値", "90パーセンタイル"):
            continue
        assert not (value.isdigit() and 1 <= int(value) <= 4), (section, row, col, value)
    truth = _truth()
    checked = hidden_small = 0
    for section, row, col, value in from_csv:
        if section not in {s for s, _, _ in truth}:
            continue
        true = truth.get((section, row, col), 0)
        if value.isdigit():
            assert int(value) == true, (section, row, col)
            checked += 1
        elif value == suppression.SMALL:
            assert true < 5, (section, row, col, true)
            hidden_small += 1 if true else 0
        else:
            assert value == suppression.HIDDEN and true >= 5, (section, row, col, true)
    assert checked > 20 and hidden_small > 5
    # October's single web (income) consultation is among them, and it stays hidden
    assert ("相談の媒体", "2026-10", "Webチャット", "<5") in from_csv
    assert ("主な相談内容（A票◎）", "2026-09", "ひきこもり・不登校", "6") in from_csv

    # the attacker's try: no hidden cell of any table has a single possible value
    for table in data["tables"]:
        assert _recoverable(table) == [], table["heading"]

    # time to a first reply: six answered, all 中 (P2); the other levels have none
    times = {(r, c): v for s, r, c, v in from_csv if s == "初回返信までの時間（分）"}
    assert times[("中", "件数")] == "6" and times[("中", "中央値")] != "-"
    assert times[("緊急", "件数")] == "0" and times[("緊急", "中央値")] == "-"
    # the audit log shows who looked and who exported
    looked = await audit_actions(app)
    assert ("chief", "figures_view") in looked and ("chief", "figures_export") in looked


def _as_json(grid: suppression.Grid, shown: Any) -> dict[str, Any]:
    return {
        "rows": [
            {"month": str(i), "cells": [shown(grid, (i, j)) for j in range(grid.cols + 1)]}
            for i in range(grid.rows + 1)
        ],
        "columns": [str(j) for j in range(grid.cols + 1)],
    }


def test_hiding_only_the_small_cells_would_let_them_be_worked_out_and_protection_stops_it() -> None:
    """The attacker above is not toothless: with the 1–4 cells alone hidden, a row total gives
    them away; after complementary suppression it cannot, even over several lines at once."""
    counts = [[6, 1, 9], [7, 8, 2], [12, 5, 5]]
    grid = suppression.protect(counts)
    naive = suppression.Grid(grid.values, small=set(grid.small))
    found = _recoverable(_as_json(naive, lambda g, c: g.shown(c)))
    assert {(month, column) for month, column, _ in found} >= {("0", "1"), ("1", "2")}
    assert grid.hidden, "complementary cells were hidden"
    assert _recoverable(_as_json(grid, lambda g, c: g.shown(c))) == []


async def test_a_resident_who_comes_back_after_a_closed_handoff_counts_as_a_return(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    resident = Resident(app.state.service, address="back-1", at=DAYTIME.replace(month=10, day=15))
    await resident.say("相談したいことがあります")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await add_staff(app, "chief", role="supervisor")
    async with client_for(app) as client:
        chief = await token_for(client, "chief")
        hid = (await client.get("/api/console/handoffs", headers=chief)).json()["handoffs"][0]["id"]
        r = await client.post(
            f"/api/console/handoffs/{hid}/close", headers=chief, json={"outcome": "info_only"}
        )
        assert r.status_code == 200, r.text
        resident.wait(days=35)  # November: the resident writes again and hands off once more
        await resident.say("また相談したいです")
        await resident.tap("c:restart")
        await resident.skip_until("summary")
        await resident.tap("a:summary:ok")
        await resident.tap("a:consent:agree")
        data = (await client.get("/api/console/figures.json", headers=chief)).json()
    returns = next(t for t in data["tables"] if t["dimension"] == "returning")
    assert [(row["month"], row["cells"][0]) for row in returns["rows"]] == [
        ("2026-10", "0"),
        ("2026-11", suppression.SMALL),
        ("計", suppression.SMALL),
    ]
    outcome = next(t for t in data["tables"] if t["dimension"] == "outcome")
    cells = {
        row["month"]: dict(zip(outcome["columns"], row["cells"], strict=True))
        for row in outcome["rows"]
    }
    assert cells["2026-10"]["情報提供のみ"] == suppression.SMALL
    assert cells["2026-10"]["対応中"] == "0" and cells["2026-11"]["対応中"] == suppression.SMALL
