"""Ask the evaluation questions and check each answer (used by ``bench/bench_assistant.py`` and tests).

A question passes when, on the demo data: the routed intent is the expected one; the answer is in
the question's language; every figure the oracle expects is stated (rates to 0.1 point, counts
exactly, money to its rounding, hours and days to 0.1); every expected label is named; the
answer has no ungrounded number and never says "[unverified]"; narrow answers stay narrow;
off-topic and refusals state no figures; and the item's own checks hold: phrases it must (not)
contain, findings, the playbook topics it must cite (``cites``), a length cap (``max_chars``) and,
for a follow-up, that it does not repeat the previous answer (``differs_from_previous``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assistant.eval.oracle import MIN_N, Figure, expected, prepare

EVAL_DIR = Path(__file__).resolve().parent
#: partial uploads an item can be asked on (``"upload": "undated_leads"``): issue 13's failure classes
UPLOADS_DIR = EVAL_DIR.parents[1] / "tests" / "data" / "corpus" / "classes"
SPLITS = {"dev": EVAL_DIR / "questions.jsonl", "heldout": EVAL_DIR / "heldout.jsonl",
          "heldout2": EVAL_DIR / "heldout2.jsonl"}
#: intents whose answer must be short and carry no figures
NO_FIGURES = frozenset({"off_topic", "refusal"})
#: intents that answer one narrow question (never the whole diagnosis)
NARROW = frozenset({"metric", "what_if", "reverse_plan", "capacity", "help", "off_topic", "refusal",
                    "missing_metric"})
MAX_CHARS = {"off_topic": 400, "refusal": 400, "missing_metric": 700, "help": 1400}
NARROW_MAX_CHARS = 1800
NEVER = ("[unverified]", "［未検証］", "未検証", "Traceback", "internal error")

_NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<unit>%|pts|pt|ポイント|兆|億|万|千|[KMBT](?![A-Za-z])|bn)?"
)
_SCALE = {"K": 1e3, "千": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9, "T": 1e12, "万": 1e4, "億": 1e8, "兆": 1e12}


@dataclass
class Stated:
    """The numbers an answer states: percents (as written), plain numbers, and scaled amounts."""

    percents: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)


def stated_numbers(text: str) -> Stated:
    """Numbers in ``text``, with their unit: "24.6%" is a percent, "¥69.6M" and "6,958万円" amounts."""
    out = Stated()
    text = unicodedata.normalize("NFKC", text)
    for m in _NUMBER.finditer(text):
        value = float(m.group("num").replace(",", ""))
        unit = m.group("unit") or ""
        if unit in ("%", "pts", "pt", "ポイント"):
            out.percents.append(value)
        elif unit in _SCALE:
            out.amounts.append(value * _SCALE[unit])
        else:
            out.plain.append(value)
            out.amounts.append(value)
    return out


def figure_stated(figure: Figure, stated: Stated) -> bool:
    """Whether the answer states ``figure`` (to the precision its kind is written with)."""
    if figure.kind == "percent":
        return any(abs(p - figure.value * 100) <= 0.051 for p in stated.percents)
    if figure.kind == "count":
        return any(abs(v - round(figure.value)) < 0.5 for v in stated.plain)
    if figure.kind in ("hours", "days"):
        return any(abs(v - figure.value) <= 0.051 for v in stated.plain)
    if figure.kind == "money":
        return any(abs(v - figure.value) <= 0.0051 * abs(figure.value) + 0.5 for v in stated.amounts)
    return any(abs(v - figure.value) <= 0.051 for v in stated.plain)


def lever_change_stated(spec: dict[str, Any], stated: Stated) -> bool:
    """A what-if states the lever before and after: +N points apart, or N% apart relative."""
    if "points" in spec:
        step = float(spec["points"])
        return any(abs((b - a) - step) <= 0.15 for a in stated.percents for b in stated.percents if a != b)
    relative = float(spec["relative"])
    pool = stated.percents if spec.get("rate", True) else stated.amounts
    return any(a > 0 and abs(b - a * (1 + relative)) <= max(0.06, 0.006 * abs(b)) for a in pool for b in pool
               if a != b)


def label_stated(label: str, text: str) -> bool:
    """A group or period label is named: as is, or a period the Japanese way ("2026-09" as 2026年9月,
    "2026-Q3" as 2026年第3四半期)."""
    forms = {label}
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        forms.add(f"{m.group(1)}年{int(m.group(2))}月")
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        forms.add(f"{m.group(1)}年第{m.group(2)}四半期")
    return any(form in text for form in forms)


@dataclass
class Result:
    item: dict[str, Any]
    problems: list[str]
    answer: str

    @property
    def passed(self) -> bool:
        return not self.problems


def repeats(text: str, previous: str) -> bool:
    """Whether ``text`` says again what ``previous`` said: the same text, or half its lines again."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    before = {line.strip() for line in previous.splitlines() if line.strip()}
    return text.strip() == previous.strip() or (bool(lines) and sum(line in before for line in lines) * 2 >= len(lines))


def raw_expected(spec: dict[str, Any], upload: str) -> list[Figure]:
    """Rates an answer on a partial upload must state, from its raw files with plain pandas.

    ``spec``: ``file`` (the records), ``hit`` ({column: value} a record converted on) or ``hit_in``
    ({"file", "key"}: its key appears in another file, a won deal of an MQL); ``where`` ({column:
    value}); ``by`` (a column: one figure per value, labelled); ``top``/``bottom`` (the k best/worst
    values with at least ``MIN_N`` records).
    """
    folder = UPLOADS_DIR / upload

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / name, dtype=str, keep_default_na=False, na_values=[""])

    rows = read(spec["file"])
    if "hit_in" in spec:
        other = read(spec["hit_in"]["file"])
        hit = rows[spec["hit_in"]["key"]].isin(other[spec["hit_in"]["key"]])
    else:
        hit = pd.Series(True, index=rows.index)
        for column, value in spec["hit"].items():
            hit &= rows[column] == value
    for column, value in (spec.get("where") or {}).items():
        keep = rows[column] == value
        rows, hit = rows[keep], hit[keep]
    if "by" not in spec:
        return [Figure(float(hit.mean()), "percent")]
    groups = [(str(k), float(g.mean()), len(g)) for k, g in hit.groupby(rows[spec["by"]])]
    k = spec.get("top") or spec.get("bottom")
    if k:
        groups = sorted((g for g in groups if g[2] >= MIN_N), key=lambda g: g[1], reverse=bool(spec.get("top")))[:k]
    return [Figure(value, "percent", label) for label, value, _ in groups]


def check(item: dict[str, Any], answer: Any, frame: pd.DataFrame, targets: pd.DataFrame | None,
          previous: str | None = None) -> list[str]:
    """Everything wrong with ``answer`` (an ``Answer``) to ``item`` (``previous``: the answer before it
    in the conversation); empty when it passes."""
    problems = []
    text = answer.answer
    if answer.intent != item["intent"]:
        problems.append(f"intent {answer.intent} != {item['intent']}")
    if answer.language != item["lang"]:
        problems.append(f"language {answer.language}")
    if answer.grounding.ungrounded:
        problems.append(f"ungrounded {answer.grounding.ungrounded}")
    problems += [f"says {bad!r}" for bad in NEVER if bad in text]
    stated = stated_numbers(text)
    for spec in item.get("expect", []):
        if "what_if" in spec:
            if not lever_change_stated(spec["what_if"], stated):
                problems.append(f"no lever change {spec['what_if']}")
            continue
        figures = raw_expected(spec["raw"], item["upload"]) if "raw" in spec else expected(spec, frame, targets)
        if not figures:
            problems.append(f"oracle has no figure for {spec}")
        for figure in figures:
            if not figure_stated(figure, stated):
                problems.append(f"missing {figure.kind} {figure.value:.6g}" + (f" ({figure.label})" if figure.label else ""))
            if figure.label and not label_stated(figure.label, text):
                problems.append(f"missing label {figure.label!r}")
    for options in item.get("must_any", []):
        if not any(option.lower() in text.lower() for option in options):
            problems.append(f"none of {options}")
    problems += [f"must not say {bad!r}" for bad in item.get("must_not", []) if bad.lower() in text.lower()]
    for code in item.get("findings", []):
        if code not in answer.findings:
            problems.append(f"finding {code} missing")
    cited = {c.topic for c in getattr(answer, "citations", [])}
    if item.get("cites") and not cited & set(item["cites"]):
        problems.append(f"cites none of {item['cites']} (cited {sorted(cited)})")
    if item.get("differs_from_previous") and previous is not None and repeats(text, previous):
        problems.append("repeats the previous answer")
    intent = item["intent"]
    limit = item.get("max_chars") or MAX_CHARS.get(intent, NARROW_MAX_CHARS if intent in NARROW else None)
    if limit is not None and len(text) > limit:
        problems.append(f"{len(text)} chars > {limit}")
    if intent in NO_FIGURES and (stated.plain or stated.percents):
        problems.append("states figures")
    return problems


def load_items(split: str) -> list[dict[str, Any]]:
    path = SPLITS[split]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def conversations(items: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Items grouped by conversation, in file order (a follow-up shares its conversation id)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item.get("conversation") or item["id"]].append(item)
    return list(groups.values())


def upload_chat(upload: str) -> Any:
    """A fresh offline chat on one of the partial uploads (loaded once per process)."""
    from assistant.chat.conversation import Conversation
    from assistant.settings import Settings

    if upload not in _UPLOADS:
        from tools.ingest.loading import load_exports

        _UPLOADS[upload] = load_exports(sorted((UPLOADS_DIR / upload).glob("*.csv")))
    return Conversation(_UPLOADS[upload], settings=Settings(llm="offline"))


_UPLOADS: dict[str, Any] = {}


def untargeted_chat(frame: pd.DataFrame) -> Any:
    """A fresh offline chat on ``frame`` with no targets loaded (items with ``"targets": false``)."""
    from assistant.chat.conversation import Conversation
    from assistant.settings import Settings
    from tools.dataset import from_canonical

    key = f"untargeted-{id(frame)}"
    if key not in _UPLOADS:
        _UPLOADS[key] = from_canonical(frame)
    return Conversation(_UPLOADS[key], settings=Settings(llm="offline", currency="JPY"))


def run(items: list[dict[str, Any]], new_chat: Callable[[], Any], frame: pd.DataFrame,
        targets: pd.DataFrame | None) -> list[Result]:
    """Ask every item (each conversation in a fresh chat from ``new_chat``, or on its own partial
    upload when it names one) and check the answers."""
    canonical = prepare(frame)
    results = []
    for group in conversations(items):
        if group[0].get("upload"):
            chat = upload_chat(group[0]["upload"])
        else:
            chat = untargeted_chat(frame) if group[0].get("targets") is False else new_chat()
        previous: str | None = None
        for item in group:
            answer = chat.ask(item["question"])
            results.append(Result(item, check(item, answer, canonical, targets, previous), answer.answer))
            previous = answer.answer
    return results


def summary(results: list[Result]) -> dict[str, Any]:
    """Pass counts overall, per language and per question type."""
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for table, key in ((by_type, r.item.get("type", "?")), (by_lang, r.item["lang"])):
            table[key][0] += r.passed
            table[key][1] += 1
    passed = sum(r.passed for r in results)
    return {"passed": passed, "total": len(results), "by_lang": dict(by_lang), "by_type": dict(by_type)}
