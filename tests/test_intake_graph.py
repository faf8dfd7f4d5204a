"""The intake graph as drawn: every move the nodes make is one of their ``destinations=``, and
``python -m flows.intake --mermaid`` prints the picture kept in docs/intake-graph.md."""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path
from typing import Any

from langgraph.graph import END

from flows import intake
from flows.intake_routes import BACK, destinations, main, mermaid
from flows.questions import COMMANDS, QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
ROUTES = destinations({qid for qid in intake.INTAKE_ORDER if not intake.applies(qid, {})})
CODES = [*COMMANDS, "sys:returned", "sys:closed", "sys:withdrawn", "u:skip", "u:unknown"]
TEXTS = ["息子のことです", "hello", "戻る", "はい"]


def _given(rng: random.Random, node: str, state: Any) -> dict[str, Any]:
    q = QUESTIONS[node]
    options = intake.options_for(q, state)
    roll = rng.random()
    if roll < 0.6 and options:
        return {"code": rng.choice(options)}
    if roll < 0.75:
        code = rng.choice(CODES)
        if node == "confirm_delete" and code in ("u:stop", "c:staff"):
            code = "c:back"  # leaving 削除 this way is the one path not drawn (intake_routes)
        return {"code": code}
    if roll < 0.8:
        return {"code": f"a:{node}:{rng.choice(q.values) if q.values else 'x'}"}
    return {"text": rng.choice(TEXTS)}


def test_every_move_in_random_conversations_is_a_drawn_edge() -> None:
    rng = random.Random(8)
    undrawn = set()
    for _ in range(3000):
        state: Any = intake.initial_state()
        node: Any = "intro"
        for _ in range(60):
            given = _given(rng, node, state)
            answered: Any = {**state, "now": ""}
            command: Any = intake.advance(QUESTIONS[node], answered, given)
            if command.goto != node and command.goto not in ROUTES[node]:
                undrawn.add((node, command.goto))
            if command.goto == END:
                break
            state = {**state, **command.update}
            node = command.goto
    assert undrawn == set()


def test_back_is_drawn_to_the_questions_before() -> None:
    assert ROUTES["consultant_role"]["relationship"] == BACK
    assert ROUTES["arrears"]["income"] == BACK
    assert ROUTES["aware"]["immediate"] == BACK  # the hikikomori questions may be skipped
    assert BACK not in ROUTES["intro"].values()  # nothing comes before the first node


def test_mermaid_prints_the_graph_kept_in_the_docs() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--mermaid"]) == 0
    printed = out.getvalue().strip()
    assert printed == mermaid(intake.build_graph()).strip()
    assert "relationship -.-> consultant_role;" in printed
    assert "consultant_role -. &nbsp;戻る&nbsp; .-> relationship;" in printed
    docs = (ROOT / "docs" / "intake-graph.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{printed}\n```" in docs, "regenerate: python -m flows.intake --mermaid"
    assert "intake-graph.md" in (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
