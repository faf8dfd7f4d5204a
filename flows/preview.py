"""What the resident can do with the summary before consenting (the preview itself is
``flows.state.preview``): the sections they can correct or remove — their own free text
included —, the consent scope they choose, and each parent's health asked apart.

Pure functions of the intake state (plain mappings here, so ``flows.state`` can import them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.questions import SECTIONS

NOTES = "notes"  # the free text the person wrote, one section of its own in the preview
PARENTS = {"father_health": "father", "mother_health": "mother"}

# consent codes -> the scope recorded with the consent (handoff.models.SCOPES)
SCOPE_OF_CODE = {
    "a:consent:agree": "summary_only",
    "a:consent:agree_transcript": "summary_and_transcript",
}


def consent_scope(code: str) -> dict[str, str]:
    """「引き継ぐ（まとめだけ）」 is the default; 「まとめと会話の記録」 adds the transcript."""
    return {"scope": SCOPE_OF_CODE.get(code, "summary_only")}


def _section_has_content(state: Mapping[str, Any], section: str) -> bool:
    answers = state.get("answers", {})
    return any(
        qid in answers or qid in state.get("unknown", []) or qid in state.get("notes", {})
        for qid in SECTIONS[section]
    )


def pickable_sections(state: Mapping[str, Any]) -> list[str]:
    """Sections the person can correct or remove: those with something in them, and their own
    free text when they wrote any."""
    found = [s for s in SECTIONS if _section_has_content(state, s)]
    if any(state.get("notes", {}).values()):
        found.append(NOTES)
    return found


def drop_notes(state: Mapping[str, Any], *, fixing: bool) -> dict[str, Any]:
    """Remove everything the person wrote freely from the summary; to correct it, they write it
    again at the summary (which keeps what is typed there)."""
    key = "summary.notes_retype" if fixing else "summary.removed"
    params = {} if fixing else {"section": NOTES}
    return {"notes": {}, "say": [{"key": key, "params": params}]}


def parent_health_applies(qid: str, answers: dict[str, Any]) -> bool:
    """Parents' health: asked per parent when both live with the family, else once."""
    household = set(answers.get("household") or [])
    both = {"father", "mother"} <= household
    if qid in PARENTS:
        return both
    return not both and (
        answers.get("relationship") == "child" or bool(set(PARENTS.values()) & household)
    )
