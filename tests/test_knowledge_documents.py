"""Playbook documents: front matter, language detection, chunking, loading, lexical tokens, metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import (
    builtin_doc_paths,
    chunk_document,
    detect_lang,
    load_builtin_documents,
    load_document,
    parse_front_matter,
)
from knowledge.evalset import EvalQuestion, evaluate, load_evalset, reciprocal_rank
from knowledge.lexical import BM25, tokenize
from knowledge.retrieval import make_excerpt
from tools.errors import EmptyFileError, UnreadableFileError
from tools.schema import PLAYBOOK_TOPICS

FIXTURES = Path(__file__).parent / "data" / "knowledge"


def test_front_matter_is_split_from_the_body() -> None:
    meta, body = parse_front_matter('---\nid: recycle\ntitle: "Recycling: old leads"\nlang: en\n---\n# Hi\n')
    assert meta == {"id": "recycle", "title": "Recycling: old leads", "lang": "en"}
    assert body == "# Hi\n"


def test_text_without_front_matter_is_all_body() -> None:
    assert parse_front_matter("# Title\n\ntext") == ({}, "# Title\n\ntext")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Our reps wait two days to call back inbound leads", "en"),
        ("展示会で集めた名刺が全然商談にならない", "ja"),
        ("MQLとSQLの違いは？", "ja"),
        ("What does 商談 mean in the CRM export with MQL and SQL columns?", "en"),
    ],
)
def test_language_is_detected_from_the_script(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_chunks_follow_headings_and_carry_metadata() -> None:
    doc = load_document(
        FIXTURES / "en" / "sla-handoff.md", builtin=True, source="knowledge/docs/en/sla-handoff.md"
    )
    chunks = chunk_document(doc)
    assert [c.heading for c in chunks] == ["", "Why speed matters", "What the handoff contains"]
    first = chunks[1]
    assert (first.topic, first.title, first.lang, first.source) == (
        "sla-handoff",
        "Follow-up SLA between marketing and sales",
        "en",
        "knowledge/docs/en/sla-handoff.md",
    )
    assert "24 hours" in first.text
    assert first.chunk_id == f"knowledge/docs/en/sla-handoff.md#1:{doc.content_hash[:12]}"
    assert first.metadata()["chunk_index"] == 1


def test_chunk_ids_are_deterministic_and_change_with_content(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Note\n\n## A\n\nalpha\n", encoding="utf-8")
    ids_once = [c.chunk_id for c in chunk_document(load_document(path))]
    assert ids_once == [c.chunk_id for c in chunk_document(load_document(path))]
    path.write_text("# Note\n\n## A\n\nalpha beta\n", encoding="utf-8")
    assert not set(ids_once) & {c.chunk_id for c in chunk_document(load_document(path))}


def test_long_sections_are_split_at_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    paragraphs = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(12))
    path.write_text(f"# Long\n\n## Only section\n\n{paragraphs}\n", encoding="utf-8")
    chunks = chunk_document(load_document(path), max_chars=800)
    assert len(chunks) > 3
    assert all(len(c.text) <= 800 for c in chunks)
    assert all(c.heading == "Only section" for c in chunks)


def test_user_text_file_gets_a_user_topic_and_detected_language() -> None:
    doc = load_document(FIXTURES / "user" / "call-script-ja.txt")
    assert doc.topic == "user:call-script-ja"
    assert doc.lang == "ja"
    assert doc.title == "call-script-ja"
    assert doc.source == str((FIXTURES / "user" / "call-script-ja.txt").resolve())
    assert not doc.builtin


def test_user_markdown_title_comes_from_its_heading() -> None:
    doc = load_document(FIXTURES / "user" / "webinar-playbook.md")
    assert (doc.topic, doc.title, doc.lang) == ("user:webinar-playbook", "Webinar follow-up playbook", "en")


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Partner referral playbook. Referred leads skip nurturing and go straight to an AE.")
    path = tmp_path / "partner-referrals.pdf"
    pdf.output(str(path))
    doc = load_document(path)
    assert doc.topic == "user:partner-referrals"
    assert "Referred leads skip nurturing" in doc.body
    assert chunk_document(doc)


def test_unsupported_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="unsupported document type '.docx'"):
        load_document(tmp_path / "notes.docx")
    with pytest.raises(UnreadableFileError, match="file not found"):
        load_document(tmp_path / "absent.md")
    empty = tmp_path / "empty.md"
    empty.write_text("---\nid: x\n---\n\n", encoding="utf-8")
    with pytest.raises(EmptyFileError, match="no text"):
        load_document(empty)


def test_japanese_is_tokenised_into_bigrams_without_particles() -> None:
    tokens = tokenize("展示会で集めた名刺")
    assert "展示" in tokens and "示会" in tokens and "名刺" in tokens
    assert "めた" not in tokens  # hiragana-only bigrams (inflections, particles) are dropped


def test_english_tokens_fold_plurals_and_drop_stop_words() -> None:
    assert tokenize("The reps call back inbound leads; MQLs!") == [
        "rep",
        "call",
        "back",
        "inbound",
        "lead",
        "mql",
    ]


def test_bm25_ranks_the_matching_document_first() -> None:
    corpus = [tokenize(t) for t in ("失注案件の再活用", "リードのフォローSLA", "KPI design for sales")]
    scores = BM25(corpus).scores(tokenize("失注した案件をもう一度"))
    assert max(scores, key=lambda i: scores[i]) == 0


def test_excerpt_drops_title_line_and_markup() -> None:
    text = "Title — Heading\n\n- **Bold** point with `code`\n- second"
    assert make_excerpt(text) == "Bold point with code second"
    assert make_excerpt("T\n\n" + "word " * 200, limit=50).endswith("…")


def test_metrics_recall_and_mrr() -> None:
    questions = [EvalQuestion("a", "en", "q", "x"), EvalQuestion("b", "en", "q", "y")]
    ranked = {"a": ["x", "z"], "b": ["z", "w", "v", "y"]}
    score = evaluate(questions, lambda q: ranked[q.qid], k=3)
    assert score.recall_at_k == 0.5
    assert score.mrr == pytest.approx((1 + 0.25) / 2)
    assert score.misses == ("b",)
    assert reciprocal_rank("q", ["a"]) == 0.0


def test_evaluation_set_is_balanced_and_names_real_topics() -> None:
    questions = load_evalset()
    assert len(questions) >= 60
    assert sum(q.lang == "en" for q in questions) == sum(q.lang == "ja" for q in questions)
    assert {q.topic for q in questions} == set(PLAYBOOK_TOPICS)
    assert len({q.qid for q in questions}) == len(questions)
    assert all(detect_lang(q.question) == q.lang for q in questions)


def test_builtin_playbook_has_every_topic_in_both_languages() -> None:
    docs = load_builtin_documents()
    found = {(d.topic, d.lang) for d in docs}
    missing = [(t, lang) for t in PLAYBOOK_TOPICS for lang in ("en", "ja") if (t, lang) not in found]
    assert not missing, f"playbook documents missing: {missing}"
    for path in builtin_doc_paths():
        meta, _ = parse_front_matter(path.read_text(encoding="utf-8"))
        assert {"id", "title", "lang"} <= set(meta), f"{path}: front matter lacks id/title/lang"
    for doc in docs:
        path_lang = doc.source.split("/")[-2]
        assert doc.lang == path_lang, f"{doc.source}: front matter lang {doc.lang!r}"
        assert doc.topic == Path(doc.source).stem, f"{doc.source}: front matter id {doc.topic!r}"
        assert doc.topic in PLAYBOOK_TOPICS
        assert detect_lang(doc.body) == doc.lang, f"{doc.source}: body is not in {doc.lang}"
        assert len(chunk_document(doc)) >= 3, f"{doc.source}: fewer than three ## sections"


def test_excerpt_keeps_underscores_inside_names() -> None:
    text = "Title\n\n`lead_quality_decline`: fires when _downstream_ rates fall; see __opportunity_date__."
    assert make_excerpt(text) == "lead_quality_decline: fires when downstream rates fall; see opportunity_date."
