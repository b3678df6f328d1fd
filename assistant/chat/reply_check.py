"""Whether a remote model's final text may be shown as the answer.

The product reads data and a playbook; it cannot delete, send, book, update a CRM or change
anything outside this process. A final text that claims such an action ("Done. All data
deleted.") is either a hallucination or the echo of an instruction hidden in the data, and a
final text written right after a failed or unknown tool call rests on nothing. Either way it is
flagged: the question is answered offline, with a note saying why (``assistant.chat.answering``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

#: Side effects the assistant has no tool for, whatever their object.
_STRONG_EN = (
    r"delet(?:ed|ing)|eras(?:ed|ing)|wip(?:ed|ing)|purg(?:ed|ing)|destroy(?:ed|ing)|sent|send(?:ing)|"
    r"e-?mail(?:ed|ing)|messag(?:ed|ing)|notif(?:ied|ying)|post(?:ed|ing)|publish(?:ed|ing)|schedul(?:ed|ing)|"
    r"book(?:ed|ing)|upload(?:ed|ing)|export(?:ed|ing)|import(?:ed|ing)|sync(?:ed|ing)|reassign(?:ed|ing)|"
    r"archiv(?:ed|ing)|merg(?:ed|ing)|cancell?(?:ed|ing)|refund(?:ed|ing)|purchas(?:ed|ing)|order(?:ed|ing)|"
    r"paid|deploy(?:ed|ing)|install(?:ed|ing)|unsubscrib(?:ed|ing)|contact(?:ed|ing)|overwr(?:ote|itten|iting)"
)
#: Changes that are a claim only when made to the user's systems or data.
_WEAK_EN = r"updat(?:ed|ing)|modif(?:ied|ying)|chang(?:ed|ing)|edit(?:ed|ing)|remov(?:ed|ing)|drop(?:ped|ping)|" \
    r"sav(?:ed|ing)|creat(?:ed|ing)|reset(?:ting)?|assign(?:ed|ing)|fix(?:ed|ing)|clean(?:ed|ing)"
_SYSTEMS_EN = (
    r"crm|salesforce|hubspot|database|records?|data(?:set)?|rows?|files?|uploads?|spreadsheet|sheet|settings|"
    r"accounts?|leads?|deals?|contacts?|owners?|pipeline|stages?|everything"
)
#: "I deleted …", "I've just sent …", "we have updated your CRM …" ("we sent" alone is the user's team).
_SUBJECT = r"\b(?:I(?:'ve|'ll| have| will| just| already| now| went ahead and)*|we(?:'ve| have)(?: just| already| now)*)\s+"
_FIRST_PERSON = re.compile(
    rf"{_SUBJECT}(?:{_STRONG_EN})\b|{_SUBJECT}(?:{_WEAK_EN})\s+(?:\w+\s+){{0,2}}(?:{_SYSTEMS_EN})\b",
    re.IGNORECASE,
)
#: "All data deleted", "your records have been wiped", "the file was overwritten".
_DESTROYED = re.compile(
    rf"\b(?:{_SYSTEMS_EN}|all)\s+(?:(?:has|have|had)\s+been\s+|was\s+|were\s+|is\s+|are\s+|now\s+)?"
    r"(?:now\s+|successfully\s+|permanently\s+)?(?:deleted|erased|wiped|purged|destroyed|overwritten)\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"^\W*(?:done|completed?|finished|success(?:fully)?|all set)\b", re.IGNORECASE)
_ANY_EN = re.compile(rf"\b(?:{_STRONG_EN}|{_WEAK_EN})\b", re.IGNORECASE)
#: Japanese: "削除しました", "メールを送信しました", "予約済みです", "データをすべて消去".
_ACTIONS_JA = re.compile(
    r"(?:削除|消去|抹消|送信|送付|配信|予約|上書き|アップロード|エクスポート|インポート|返金|購入|発注)"
    r"(?:を)?(?:いた)?(?:しました|致しました|しておきました|済みです|済みでした|が完了しました)"
    r"|データ(?:を|は)(?:すべて|全て)?(?:削除|消去)"
)


def claims_action(text: str) -> bool:
    """Whether ``text`` claims a side effect the product cannot cause (en/ja)."""
    if _FIRST_PERSON.search(text) or _DESTROYED.search(text) or _ACTIONS_JA.search(text):
        return True
    return bool(_DONE.search(text) and _ANY_EN.search(text[:300]))


def _failed(message: ToolMessage, known: Collection[str]) -> bool:
    if getattr(message, "status", "success") == "error" or (message.name and message.name not in known):
        return True
    try:
        payload = json.loads(message.content if isinstance(message.content, str) else "")
    except ValueError:
        return False
    return isinstance(payload, dict) and "error" in payload


def last_round_failed(messages: Sequence[BaseMessage], known: Collection[str]) -> str | None:
    """The name of a failed or unknown tool call among those right before the final text, if any.

    Only the current turn counts (after the last human message), and only the last round of tool
    calls: a model that fixed a bad call and then answered is fine.
    """
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1) + 1
    turn = list(messages[start:])
    rounds = [i for i, m in enumerate(turn) if isinstance(m, AIMessage) and m.tool_calls]
    if not rounds:
        return None
    last = turn[rounds[-1]]
    assert isinstance(last, AIMessage)
    for call in last.tool_calls:
        if call["name"] not in known:
            return call["name"]
    for message in turn[rounds[-1] + 1 :]:
        if isinstance(message, ToolMessage) and _failed(message, known):
            return message.name or "a tool"
    return None


def reply_problem(text: str, messages: Sequence[BaseMessage], known_tools: Collection[str]) -> str | None:
    """Why the remote model's final ``text`` must not be shown as the answer, or ``None``.

    The reason is one user-facing line, in the style of ``describe_remote_failure``.
    """
    failed = last_round_failed(messages, known_tools)
    if failed is not None:
        return f"the remote model answered right after a failed or unknown tool call ({failed[:40]})"
    if claims_action(text):
        return "the remote model's reply claimed an action this assistant cannot take"
    return None
