"""The appendix: evidence per finding, the method, and the data lineage that makes the memo
reproducible (mapping, data-quality warnings, exact tool calls, playbook sources, input hash)."""

from __future__ import annotations

import json
from typing import Any

from assistant.memo.context import MemoContext, software_version
from assistant.memo.evidence import evidence_tables
from assistant.memo.model import Paragraph, Section, Table
from tools.wording.finding_sentence import finding_sentence


def evidence_section(ctx: MemoContext) -> Section:
    """A.n: the comparisons (with windows, records and p-values) and facts behind finding n."""
    w = ctx.words
    section = Section("appendix-evidence", w.label("appendix_evidence"))
    for i, finding in enumerate(ctx.findings(), start=1):
        title = f"A.{i} {w.finding(finding.code)}"
        sub = Section(f"appendix-evidence-{i}", title)
        sentence = finding_sentence(finding, w.lang)  # the finding in the memo's language
        if sentence:
            sub.add(Paragraph(sentence))
        sub.blocks.extend(evidence_tables(ctx, finding))
        section.subsections.append(sub)
    if not section.subsections:
        section.add(Paragraph(w.label("no_findings")))
    return section


def method_section(ctx: MemoContext) -> Section:
    """How the revenue at stake is computed and how p-values are put into words."""
    w = ctx.words
    section = Section("appendix-method", w.label("appendix_method"))
    section.add(Paragraph(w.label("bn_method_text"), bold_lead=w.label("bn_method") + ":"))
    section.add(Paragraph(w.label("method_noise")))
    return section


def appendix_section(ctx: MemoContext, summary: dict[str, Any]) -> Section:
    """Evidence, method, mapping, data-quality warnings, tool calls, sources, version and hash."""
    w = ctx.words
    diag = ctx.diagnosis
    section = Section("appendix", w.label("appendix"), page_break=True)
    section.subsections += [evidence_section(ctx), method_section(ctx)]
    mapping = diag.mapping or ctx.data.mapping
    section.subsections.append(Section("appendix-mapping", w.label("appendix_mapping"), [Table(
        [w.label("canonical"), w.label("source_column")], [[str(k), str(v)] for k, v in mapping.items()],
        widths=[1, 1.4],
    ) if mapping else Paragraph(w.label("na"))]))
    quality = diag.data_quality
    section.subsections.append(Section("appendix-quality", w.label("appendix_quality"), [Table(
        [w.label("code"), w.label("message"), w.label("rows")],
        [[q.code, q.message, w.count(q.rows)] for q in quality],
        align=["left", "left", "right"], widths=[1.2, 3.6, 0.6],
    ) if quality else Paragraph(w.label("no_quality"))]))
    calls = [[c.name, json.dumps(c.args, ensure_ascii=False, sort_keys=True)] for c in ctx.calls]
    section.subsections.append(Section("appendix-tools", w.label("appendix_tools"), [Table(
        [w.label("tool"), w.label("parameters")], calls, widths=[1, 2.6],
    )]))
    sources = []
    for topic in ctx.used_topics():
        ref = ctx.topics.get(topic)
        sources.append([topic, ref.title if ref else w.label("na"), ref.lang if ref else w.label("na"),
                        ref.source if ref else w.label("na")])
    section.subsections.append(Section("appendix-sources", w.label("appendix_sources"), [Table(
        [w.label("topic"), w.label("title_col"), w.label("lang"), w.label("source")], sources,
        widths=[1.3, 1.8, 0.5, 1.8],
    ) if sources else Paragraph(w.label("na"))]))
    rows = [[w.label("version"), software_version()], [w.label("input_hash"), str(summary.get("input_hash"))]]
    rows += [[w.label("files"), w.label("file_rows", name=f.name, rows=w.count(f.rows), dialect=f.dialect)]
             for f in ctx.data.files]
    section.subsections.append(Section("appendix-version", w.label("appendix_version"), [Table(
        [w.label("metric"), w.label("value")], rows, widths=[1, 2.4],
    )]))
    return section
