"""The option codes a turn may carry in from outside.

A LINE postback's ``data`` and the widget's ``code`` are whatever the sender puts there: a forged
postback or a hand-made widget request can carry a name and a phone number as its "code". Codes
are stored and resumed verbatim (the turn row, the graph's checkpoint), so they are never
redacted like text; instead only codes the bot itself issues get through: the options of the
question it is waiting at, and the fixed commands and safety answers that work anywhere. Anything
else is dropped before the turn is heard, and the resident is asked again.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.crisis import OPTION_CODES
from flows.questions import COMMANDS

# Commands that work at every question (also typed as words), and the crisis conversation's
# buttons (the safety question, the question about wanting to die, 電話する / いまは大丈夫: offered
# outside the graph, so never among a question's options, and still answered from an earlier
# message). ``sys:`` codes are the service's own and never come from outside.
FIXED: frozenset[str] = frozenset(COMMANDS) | frozenset(OPTION_CODES)


def accepted(code: str | None, offered: Iterable[str] = ()) -> str | None:
    """``code`` when the bot issued it (one of ``offered`` or a fixed command), else None."""
    if code is None:
        return None
    if code in FIXED or code in set(offered):
        return code
    return None
