"""The retrieval evaluation set and its metrics (recall@k, MRR).

``knowledge/eval/questions.jsonl`` holds questions worded the way RevOps users ask them, half in
English and half in Japanese, each with the playbook topic that should answer it. The bench
(``bench/bench_retrieval.py``) runs them through every search mode, in the question's language and
forced into the other language (cross-language).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

EVALSET_PATH = Path(__file__).parent / "eval" / "questions.jsonl"


@dataclass(frozen=True)
class EvalQuestion:
    """One evaluation question and the topic that should answer it."""

    qid: str
    lang: str
    question: str
    topic: str


@dataclass(frozen=True)
class EvalScore:
    """Aggregate retrieval quality over a set of questions."""

    n: int
    recall_at_k: float
    mrr: float
    misses: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "n": self.n,
            "recall_at_k": round(self.recall_at_k, 3),
            "mrr": round(self.mrr, 3),
            "misses": list(self.misses),
        }


def load_evalset(path: Path = EVALSET_PATH) -> list[EvalQuestion]:
    """Read the evaluation questions (one JSON object per line: id, lang, question, topic)."""
    questions: list[EvalQuestion] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        questions.append(EvalQuestion(row["id"], row["lang"], row["question"], row["topic"]))
    return questions


def reciprocal_rank(expected: str, ranked_topics: Sequence[str]) -> float:
    """1/rank of the expected topic in the ranked list, 0 when absent."""
    for rank, topic in enumerate(ranked_topics, start=1):
        if topic == expected:
            return 1.0 / rank
    return 0.0


def evaluate(
    questions: Sequence[EvalQuestion],
    rank_topics: Callable[[EvalQuestion], Sequence[str]],
    k: int = 3,
) -> EvalScore:
    """Recall@k and MRR of a ranking function over questions.

    Args:
        questions: The questions to run.
        rank_topics: Returns the ranked topic ids for one question (MRR uses the whole list).
        k: Cut-off for recall.
    """
    hits = 0
    rr_total = 0.0
    misses: list[str] = []
    for question in questions:
        ranked = list(rank_topics(question))
        rr = reciprocal_rank(question.topic, ranked)
        rr_total += rr
        if question.topic in ranked[:k]:
            hits += 1
        else:
            misses.append(question.qid)
    n = len(questions)
    return EvalScore(
        n=n,
        recall_at_k=hits / n if n else 0.0,
        mrr=rr_total / n if n else 0.0,
        misses=tuple(misses),
    )
