"""The text report's tables line up in terminal cells, in English and in Japanese."""

from __future__ import annotations

import pytest

from tools.demo.scenarios import generate_scenario
from tools.diagnosis import diagnose
from tools.report import _width, render_diagnosis_text


@pytest.fixture(scope="module")
def diagnosis():  # noqa: ANN201
    return diagnose(generate_scenario("healthy", seed=0).to_loaded_data())


def _table(text: str, first_header: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(first_header))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return lines[start:end]


@pytest.mark.parametrize(
    ("lang", "stage_header", "transition_header"), [("en", "Stage", "Transition"), ("ja", "ステージ", "遷移")]
)
def test_tables_are_aligned_in_terminal_cells(
    diagnosis, lang: str, stage_header: str, transition_header: str
) -> None:  # noqa: ANN001
    text = render_diagnosis_text(diagnosis, lang=lang)
    for header in (stage_header, transition_header):
        rows = _table(text, header)
        assert len(rows) >= 5
        assert len({_width(row) for row in rows}) == 1, rows


def test_japanese_report_names_the_grain_in_japanese(diagnosis) -> None:  # noqa: ANN001
    header = render_diagnosis_text(diagnosis, lang="ja").splitlines()[1]
    assert "(四半期)" in header or "(月次)" in header
    assert "quarter" not in header and "month" not in header


def test_rates_are_rounded_once_like_the_chat_and_the_memo(diagnosis) -> None:  # noqa: ANN001
    """A churn rate of 0.021505 reads 2.2% everywhere; rounding the JSON's 4-place 0.0215 again gave 2.1%."""
    from dataclasses import replace

    doubled = replace(diagnosis, metrics={**diagnosis.metrics, "churn_rate": 0.021505, "win_rate": 0.28649})
    text = render_diagnosis_text(doubled, lang="en")
    assert "Churn rate (current window): 2.2%" in text
    assert "Win rate: 28.6%" in text
