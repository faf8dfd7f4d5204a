"""Where each node of the intake graph can go: the ``destinations=`` its node is added with.

The nodes route with ``Command(goto=...)``, so LangGraph cannot see the edges by itself; this
module lists them so the graph can be drawn (``python -m flows.intake --mermaid``, and the picture
in docs/intake-graph.md). It mirrors ``flows.intake``: the answers' next questions, the special
nodes' moves, and the commands recognised at every node. A node staying on itself (asking again,
another page, a pause) is not drawn. 戻る goes back to any node that can come earlier in the same
conversation, so its edges are derived from the others (``_back``).

One path is not drawn: leaving the 削除 question by やめる or 相談員と話したい pushes it onto the
history, and coming back to it later by 戻る lets いいえ return to where 削除 was last asked, with
any history; drawing that would put a 戻る edge between every pair of nodes.
"""

from __future__ import annotations

import argparse
from typing import Any

from langgraph.graph import END

from flows.questions import INTAKE_ORDER, QUESTIONS, SECTIONS

BACK = "戻る"
# node -> {destination: label}; an unlabelled edge ("") is the node's own answer moving on.
Routes = dict[str, dict[str, str]]


def _next(order: tuple[str, ...], after: str, conditional: set[str]) -> list[str]:
    """The questions ``next_question`` can give after ``after``: the following ones that may be
    skipped, up to the first always asked, or the summary at the end of ``order``."""
    found: list[str] = []
    for qid in order[order.index(after) + 1 :]:
        found.append(qid)
        if qid not in conditional:
            return found
    return [*found, "summary"]


def _first_of_sections(conditional: set[str]) -> list[str]:
    """The first question ``next_question`` can give in each section (the start of a correction)."""
    return [qid for qids in SECTIONS.values() for qid in _next(("", *qids), "", conditional)]


def _special(conditional: set[str]) -> Routes:
    every = [n for n in QUESTIONS if n not in ("closed", "confirm_delete")]
    return {
        # the opening words may already say who it is about (flows.intake._first_open)
        "intro": dict.fromkeys(
            ["relationship", *_next(INTAKE_ORDER, "relationship", conditional)], ""
        ),
        "summary": {"consent": "", "fix_pick": "", "remove_pick": ""},
        "fix_pick": {**dict.fromkeys(_first_of_sections(conditional), ""), "summary": ""},
        "remove_pick": {"summary": ""},
        "consent": {"contact": "", "fix_pick": "", "closed": ""},
        "contact": {"contact_phone": "", "contact_time": ""},
        "contact_phone": {"contact_time": ""},
        "contact_time": {"followup": ""},
        "followup": {"handed_over": "", "closed": "終了時に"},
        "handed_over": {
            "summary": "取り消す",
            "transfer": "移管の提案",
            "followup": "終了（声かけを聞く）",
        },
        # back to where the caseworker's proposal found the person
        "transfer": {"handed_over": "", "contact": "", "contact_time": "", "followup": ""},
        # where the person stopped (やめる is recognised everywhere), or a new conversation
        "closed": {**dict.fromkeys(every, "続き"), "intro": ""},
        # 削除 from any node: yes ends the conversation, no returns where it was asked
        "confirm_delete": {END: "削除", **dict.fromkeys(every, "")},
    }


def _answers(conditional: set[str]) -> tuple[Routes, Routes]:
    """Where an answer moves on: in the intake's order, or within the section being corrected;
    and, apart, where it moves when 戻る has left a correction's section."""
    routes: Routes = {}
    stray: Routes = {}
    for qid in INTAKE_ORDER[:-1]:
        targets = _next(INTAKE_ORDER, qid, conditional)
        others: list[str] = []
        for qids in SECTIONS.values():
            if qid in qids:  # correcting this section from the summary
                targets += _next(qids, qid, conditional)
            else:  # reached by 戻る while correcting: on to the section being corrected
                others += _next(("", *qids), "", conditional)
        routes[qid] = dict.fromkeys(targets, "")
        stray[qid] = dict.fromkeys(others, "")
    return routes, stray


def _commands(node: str) -> dict[str, str]:
    """The commands recognised at every node that leave it (``flows.intake._command``)."""
    moves = {"intro": "最初から", "summary": "相談員と話したい", "closed": "やめる"}
    if node != "confirm_delete":
        moves["confirm_delete"] = "削除"
    return {target: label for target, label in moves.items() if target != node}


def _back(routes: Routes) -> dict[str, set[str]]:
    """Where 戻る can go from each node: the top of the conversation's history there.

    A move with ``_moved`` pushes the node it leaves, so a node's way back is the nodes that move
    to it. 最初から clears the history; 削除 and the caseworker closing the chat move without
    pushing, so confirm_delete and closed can go back wherever any node could."""
    top: dict[str, set[str]] = {node: set() for node in routes}
    for node, targets in routes.items():
        if node == "confirm_delete":
            continue  # back where 削除 was asked, the history as it was
        for target, label in targets.items():
            if target in top and target != "confirm_delete" and label != "最初から":
                top[target].add(node)
    anywhere = set().union(*top.values())
    for node in ("closed", "confirm_delete"):
        top[node] |= anywhere
    return {node: found - {node} for node, found in top.items()}


def destinations(conditional: set[str]) -> Routes:
    """Every node's destinations with an edge label; ``conditional`` are the questions that a
    conversation may skip (``flows.intake.applies``). Labels go to the ordinary ways first: an
    answer, a command, then 戻る, then an answer that strays out of a left correction."""
    answers, stray = _answers(conditional)
    routes: Routes = {node: {} for node in QUESTIONS}
    for source in (answers, _special(conditional)):
        for node, targets in source.items():
            routes[node].update(targets)
    for node in QUESTIONS:
        routes[node] = {**_commands(node), **routes[node]}
        routes[node].pop(node, None)
    every = {node: {**stray.get(node, {}), **targets} for node, targets in routes.items()}
    for node, earlier in _back(every).items():
        for target in sorted(earlier, key=list(QUESTIONS).index):
            routes[node].setdefault(target, BACK)
    for node, targets in stray.items():
        for target in targets:
            if target != node:
                routes[node].setdefault(target, "")
    return routes


def main(argv: list[str] | None = None) -> int:
    """``python -m flows.intake --mermaid``: print the intake graph as a Mermaid flowchart."""
    from flows.intake import build_graph

    parser = argparse.ArgumentParser(prog="python -m flows.intake", description="The intake graph.")
    parser.add_argument("--mermaid", action="store_true", help="print the graph as Mermaid")
    args = parser.parse_args(argv)
    if not args.mermaid:
        parser.print_help()
        return 2
    print(mermaid(build_graph()))
    return 0


def mermaid(graph: Any) -> str:
    """The compiled graph's ``draw_mermaid()``, an answer's unlabelled edge drawn without a label."""
    return graph.get_graph().draw_mermaid().replace(" -. &nbsp;&nbsp; .-> ", " -.-> ")
