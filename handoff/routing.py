"""Which agency a handoff goes to (多機関協働): the city YAML lists its partner agencies with the
A票 categories each takes; the family's main need decides.

Each A票 category the summary carries scores: the ◎ main concern 3, every other ○ 1, and a
parent who needs care or is in hospital adds 2 to 介護. The agency whose categories gather the
most wins; the first agency (the 自立相談支援機関, the city's default) takes every category no
partner lists, and keeps every tie — it is the door, and passes on only what is clearly
another agency's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from flows.municipality import Agency
from handoff.summary import Summary

PRIMARY, SELECTED, PARENT_CARE = 3, 1, 2


def needs(summary: Summary) -> Counter[str]:
    score: Counter[str] = Counter()
    for code in summary.concerns.selected:
        score[code] += SELECTED
    if summary.concerns.primary:
        score[summary.concerns.primary] += PRIMARY - (
            SELECTED if summary.concerns.primary in summary.concerns.selected else 0
        )
    if any(
        m.role in ("父", "母") and m.health in ("要介護", "入院") for m in summary.household.members
    ):
        score["care"] += PARENT_CARE
    return score


def agency_for(summary: Summary, agencies: Sequence[Agency]) -> str:
    """The id of the agency this summary's main need belongs with."""
    default, partners = agencies[0], agencies[1:]
    score = needs(summary)
    taken = {code for a in partners for code in a.categories}
    best, best_score = default, sum(v for code, v in score.items() if code not in taken)
    best_score += sum(score[c] for c in default.categories if c in taken)
    for agency in partners:
        mine = sum(score[c] for c in agency.categories)
        if mine > best_score:
            best, best_score = agency, mine
    return best.id
