"""The ``revops`` command line: a thin shell over tools/, knowledge/ and assistant/.

Exit codes: 0 ok, 2 bad input (one clear message on stderr), 1 internal error.
Bad input is translated here, once, from ``tools.errors.RevOpsInputError``.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from tools.errors import RevOpsInputError
from tools.safe_text import cap_text, plain_text
from tools.wording import Lang

app = typer.Typer(
    name="revops",
    help="RevOps diagnostic assistant: funnel diagnosis, playbook search, answers and memos.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

FilesArg = Annotated[list[Path], typer.Argument(help="CSV/XLSX exports (one or more).", show_default=False)]
TargetsOpt = Annotated[Path | None, typer.Option("--targets", help="Targets file (long or wide form).")]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="Override the column mapping: canonical=Their Column (repeatable)."),
]
MappingFileOpt = Annotated[
    Path | None, typer.Option("--mapping-file", help="JSON/YAML-free mapping file: {canonical: column}.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Diagnose even when the upload looks misread.")]
RoleOpt = Annotated[
    list[str] | None,
    typer.Option("--role", help="Set a file's role: FILE=leads|opportunities|accounts|owners|targets|unknown."),
]
DateOrderOpt = Annotated[
    list[str] | None,
    typer.Option("--date-order", help="Day/month order: mdy or dmy, for every column or as Column=dmy."),
]
YearsOpt = Annotated[str | None, typer.Option("--years", help="Plausible years, e.g. 2015-2030 (default 1990-2100).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Output language: en or ja.")]
#: Longest error message printed (a message quoting a 5 MB "column name" stays one screen).
MAX_MESSAGE = 2000


def _fail(message: str, code: int) -> None:
    # capped, and without control sequences: a file or column name must not drive the terminal
    typer.echo(f"error: {cap_text(plain_text(message, keep_newlines=True), MAX_MESSAGE)}", err=True)
    raise typer.Exit(code)


def user_errors(func: F) -> F:
    """Translate project errors to exit 2 and anything unexpected to exit 1, without a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except RevOpsInputError as err:
            _fail(str(err), 2)
        except KeyboardInterrupt:
            _fail("interrupted", 1)
        except Exception as err:  # the user_errors edge: never show a traceback unless asked to
            if os.environ.get("REVOPS_DEBUG"):
                raise
            _fail(f"internal error: {type(err).__name__}: {err}. Set REVOPS_DEBUG=1 for a traceback.", 1)

    return wrapper  # type: ignore[return-value]


def _check_lang(lang: str) -> Lang:
    if lang not in ("en", "ja"):
        raise RevOpsInputError(f"unknown language '{lang}'", hint="Use --lang en or --lang ja")
    return lang  # type: ignore[return-value]


def _say(text: str) -> None:
    """Text output: data in it (labels, titles, file names) cannot drive the terminal."""
    typer.echo(plain_text(text, keep_newlines=True))


def _print_json(payload: object) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def _load(files: list[Path], mapping: list[str] | None, mapping_file: Path | None, *, force: bool = False,  # noqa: ANN202
          roles: list[str] | None = None, date_order: list[str] | None = None, years: str | None = None):
    from tools.ingest.loading import load_exports
    from tools.ingest.options import (
        LoadOptions,
        parse_date_orders,
        parse_mapping_overrides,
        parse_roles,
        parse_years,
    )

    overrides = parse_mapping_overrides(mapping or [], mapping_file)
    options = LoadOptions(roles=parse_roles(roles or []), date_orders=parse_date_orders(date_order or []),
                          years=parse_years(years), force=force)
    return load_exports(files, overrides=overrides, options=options)


def _targets(path: Path | None):  # noqa: ANN202
    if path is None:
        return None
    from tools.ingest.targets import load_targets

    return load_targets(path)


@app.command()
@user_errors
def diagnose(
    files: FilesArg,
    targets: TargetsOpt = None,
    map: MapOpt = None,  # noqa: A002 - the flag is --map
    mapping_file: MappingFileOpt = None,
    lang: LangOpt = "en",
    json_out: JsonOpt = False,
    force: ForceOpt = False,
    role: RoleOpt = None,
    date_order: DateOrderOpt = None,
    years: YearsOpt = None,
) -> None:
    """Diagnose the funnel: stages, conversions, the bottleneck, findings, data quality."""
    language = _check_lang(lang)
    # the loader first: it imports pandas while pyarrow reads the files, so the engine comes after
    loaded = _load(files, map, mapping_file, force=force, roles=role, date_order=date_order, years=years)
    from tools.diagnosis import diagnose as run_diagnosis
    from tools.report import render_diagnosis_text

    result = run_diagnosis(loaded, targets=_targets(targets))
    if json_out:
        _print_json(result.to_dict())
    else:
        _say(render_diagnosis_text(result, lang=language))


@app.command()
@user_errors
def ask(
    question: Annotated[str, typer.Argument(help="The question, in English or Japanese.")],
    data: Annotated[list[Path], typer.Option("--data", help="CSV/XLSX exports (repeatable).")],
    targets: TargetsOpt = None,
    map: MapOpt = None,  # noqa: A002
    json_out: JsonOpt = False,
    force: ForceOpt = False,
    role: RoleOpt = None,
    date_order: DateOrderOpt = None,
    years: YearsOpt = None,
) -> None:
    """Ask a question about the uploaded data; answers cite the playbook."""
    from assistant.chat.conversation import answer_question
    from assistant.settings import get_settings

    loaded = _load(data, map, None, force=force, roles=role, date_order=date_order, years=years)
    answer = answer_question(question, loaded, targets=_targets(targets), settings=get_settings())
    if json_out:
        _print_json(answer.to_dict())
    else:
        _say(answer.render_text())


@app.command()
@user_errors
def search(
    question: Annotated[str, typer.Argument(help="What to look up in the playbook.")],
    k: Annotated[int, typer.Option("--k", help="How many passages.")] = 5,
    json_out: JsonOpt = False,
) -> None:
    """Search the playbook (retrieval only, no data needed)."""
    from assistant.knowledge_access import open_knowledge

    if k < 1:
        raise RevOpsInputError(f"--k must be at least 1, got {k}")
    kb = open_knowledge()
    _print_notes(kb.last_report)
    results = kb.search(question, k=k)
    if json_out:
        _print_json({"results": [r.to_dict() for r in results]})
        return
    for r in results:
        _say(f"[{r.score:.3f}] {r.topic} ({r.lang}) {r.title} — {r.source}")
        _say(f"    {r.excerpt}")


@app.command()
@user_errors
def memo(
    files: FilesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="memo.md, memo.docx or memo.pdf")],
    targets: TargetsOpt = None,
    map: MapOpt = None,  # noqa: A002
    mapping_file: MappingFileOpt = None,
    lang: LangOpt = "en",
    force: ForceOpt = False,
    role: RoleOpt = None,
    date_order: DateOrderOpt = None,
    years: YearsOpt = None,
) -> None:
    """Write an improvement memo (format from the extension: .md, .docx, .pdf)."""
    from assistant.memo.build import write_memo

    language = _check_lang(lang)
    if output.suffix.lower() not in (".md", ".docx", ".pdf"):
        raise RevOpsInputError(
            f"unknown memo format '{output.suffix or output.name}'", hint="Use -o memo.md, memo.docx or memo.pdf"
        )
    _check_output(output)
    loaded = _load(files, map, mapping_file, force=force, roles=role, date_order=date_order, years=years)
    try:
        path = write_memo(loaded, output, targets=_targets(targets), lang=language)
    except OSError as err:  # a full disk, a read-only mount, a permission the pre-check cannot see
        raise RevOpsInputError(f"cannot write the memo ({err.strerror or type(err).__name__})",
                               file=str(err.filename or output), hint="Choose another path with -o") from err
    typer.echo(str(path))


def _check_output(output: Path) -> None:
    """Fail before any work when ``output`` cannot be written (a folder, a file as folder, no access)."""
    if output.is_dir():
        raise RevOpsInputError("this is a folder, not a file name", file=str(output),
                               hint="Give a file name, e.g. -o memo.md")
    ancestor = output.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise RevOpsInputError(f"cannot write here: {ancestor} is a file, not a folder", file=str(output),
                               hint="Choose another path with -o")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise RevOpsInputError(f"cannot write here: no permission to write in {ancestor}", file=str(output),
                               hint="Choose a folder you can write to with -o")


@app.command()
@user_errors
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop and rebuild the store.")] = False,
    add: Annotated[
        list[Path] | None, typer.Option("--add", help="Add your own playbook pages (.md, .txt, .pdf).")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Remove a user document (its path or source name).")
    ] = None,
    list_docs: Annotated[bool, typer.Option("--list", help="List indexed documents.")] = False,
) -> None:
    """Build or extend the knowledge store (built-in playbook plus your documents)."""
    from assistant.knowledge_access import open_knowledge

    kb = open_knowledge(auto_index=False, repair=rebuild)
    report = kb.index(rebuild=rebuild, add=list(add or []), remove=list(remove or []), progress=_embedding_progress())
    _say(report.render_text())
    if list_docs:
        for doc in kb.list_documents():
            typer.echo(f"{plain_text(doc.topic)}\t{doc.lang}\t{plain_text(doc.source)}")


def _print_notes(report: Any) -> None:
    """What opening the store had to do (a read-only copy, documents re-added), on stderr."""
    for note in getattr(report, "notes", None) or []:
        typer.echo(f"note: {plain_text(note)}", err=True)


#: Below this many chunks an index run is quick and prints no progress.
PROGRESS_FROM_CHUNKS = 1000


def _embedding_progress() -> Callable[[int, int], None]:
    """Progress lines on stderr for a large index run (every tenth of the way)."""
    shown = {"step": -1}

    def show(done: int, total: int) -> None:
        step = done * 10 // max(total, 1)
        if total >= PROGRESS_FROM_CHUNKS and step != shown["step"]:
            shown["step"] = step
            typer.echo(f"index: embedded {done:,} of {total:,} chunks ({done / total:.0%})", err=True)

    return show


@app.command()
@user_errors
def ui(
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 7860,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Load the bundled demo data on start.")] = True,
) -> None:
    """Start the Gradio chat app."""
    from assistant.settings import get_settings
    from ui.app import launch

    get_settings()  # bad settings are one clear line (exit 2) before the app starts
    try:
        launch(host=host, port=port, demo=demo)
    except OSError as err:  # the port is taken or the host cannot be bound
        raise RevOpsInputError(f"cannot serve on {host}:{port}: the port is in use or the host cannot be bound",
                               hint="Choose another --port or --host") from err


@app.command()
@user_errors
def sample(
    outdir: Annotated[Path, typer.Argument(help="Folder to write the demo exports into.")],
) -> None:
    """Write the bundled demo exports (several CRM dialects) and a targets file."""
    from tools.demo.sample import write_sample

    for path in write_sample(outdir):
        typer.echo(str(path))


def _tune_for_one_diagnosis() -> None:
    """Settings for a process that diagnoses once and exits, made before numpy loads.

    The engine does no linear algebra: OpenBLAS's thread pool, started when numpy loads, would only
    cost start-up CPU (~0.05 s). A million-row diagnosis allocates and frees hundreds of 8 MB
    arrays: glibc's malloc would hand many back to the system and fault them in again (about 20,000
    page faults, 0.1-0.2 s of system CPU); it keeps them instead (the process exits right after).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        mallopt = ctypes.CDLL(None).mallopt  # glibc; elsewhere there is nothing to tune
    except (AttributeError, OSError, TypeError):
        return
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: arrays up to 32 MB come from the heap, not mmap
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: the heap's free top is kept, not trimmed
    mallopt(-2, 64 << 20)  # M_TOP_PAD: the heap grows 64 MB at a time


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:2] != ["diagnose"]:
        app(prog_name="revops")
        return
    _tune_for_one_diagnosis()
    try:
        app(prog_name="revops")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    # a diagnosis leaves a million-row frame, pyarrow tables and pandas behind: the interpreter's
    # teardown would spend 0.1-0.3 s freeing what the process is about to give back anyway
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
