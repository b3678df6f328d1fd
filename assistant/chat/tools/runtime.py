"""The session side of the tools: the data, the diagnosis (computed once), privacy, and a call log.

The frame never leaves this object. Every tool runs here as a plain method that returns the typed
result of the ``tools/`` function owning the number (``MetricResult``, ``Diagnosis``,
``ReversePlan``...) and logs a ``ToolRecord`` holding both that typed result (what the offline
composers read) and its compact JSON (what a remote model reads, owner names pseudonymised, and
what grounding checks). The LangChain wrappers in ``catalog`` are thin shells over these methods.
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.chat.privacy import Privacy, clean_label
from assistant.settings import get_settings
from tools.errors import RevOpsInputError

if TYPE_CHECKING:
    from assistant.chat.metric_parse import Vocabulary
    from tools.diagnosis import Diagnosis
    from tools.metric_layer import MetricQuery, MetricResult
    from tools.metric_layer.measures import Scope

#: Longest list kept in a tool result's JSON (a model gets aggregates, not tables).
MAX_ITEMS = 40
MAX_TEXT = 600
#: Segment diagnoses kept per process (keyed by upload identity and segment).
CACHE_SIZE = 16
_DIAGNOSES: dict[tuple[int, int, tuple[str, str] | None], tuple[weakref.ref[Any], Any]] = {}
_CACHE_LOCK = threading.Lock()
#: Where ``ToolRuntime`` logs calls made in this context (``None``: the runtime's own ``log``).
_CALL_LOG: ContextVar[list[ToolRecord] | None] = ContextVar("revops_call_log", default=None)


def log_calls_into(records: list[ToolRecord]) -> None:
    """Record the tool calls of the current context (an async task and the threads it starts) in
    ``records`` instead of ``ToolRuntime.log``: a remote run abandoned at its deadline may still
    finish a tool call, and that record must not land in the offline answer that replaces it."""
    _CALL_LOG.set(records)


@dataclass
class ToolRecord:
    """One executed tool call: its arguments, typed result (or error) and the JSON a model would see."""

    name: str
    args: dict[str, Any]
    output: str
    result: Any = None
    error: RevOpsInputError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def payload(self) -> Any:
        try:
            return json.loads(self.output)
        except ValueError:
            return {"text": self.output}


@dataclass(frozen=True)
class UploadSummary:
    """What the upload holds: size, date span, dimensions and which metrics it can give."""

    rows: int
    first_date: str | None
    last_date: str | None
    dimensions: list[str]
    has_amounts: bool
    has_follow_up: bool
    has_churn: bool
    has_targets: bool
    currency: str | None = None
    values: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def compact(value: Any, depth: int = 0) -> Any:
    """Trim long lists/strings, round floats to 6 significant digits, drop NaN."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 2) if abs(value) >= 1000 else float(f"{value:.6g}")
    if isinstance(value, dict):
        return {str(k): compact(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [compact(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[: MAX_TEXT - 1] + "…"
    return value


def _json(result: Any) -> Any:
    return result.to_dict() if hasattr(result, "to_dict") else result


class ToolRuntime:
    """Everything the tools read, for one conversation."""

    def __init__(self, data: Any, targets: Any = None, settings: Any = None, diagnosis: Diagnosis | None = None) -> None:
        self.data = data
        self.targets = targets
        self.settings = settings
        report = getattr(data, "report", None)
        people = tuple(e.name for e in getattr(report, "extra_dimensions", ()) if e.person)
        self.privacy = Privacy.from_frame(data.frame if data is not None else None, people)
        self.log: list[ToolRecord] = []
        self._knowledge: Any = None
        self._diagnosis = diagnosis
        self._scope: Scope | None = None
        #: per-conversation memo of deterministic results (the upload of a runtime never changes)
        self.memo: dict[Any, Any] = {}
        #: the LangChain tools for a remote model, built once per conversation
        self.tools: list[Any] | None = None

    def cached(self, key: Any, compute: Any) -> Any:
        """``compute()`` once per ``key`` for this conversation."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    # --- data ------------------------------------------------------------------------------------

    def require_data(self) -> Any:
        if self.data is None:
            raise RevOpsInputError("no data uploaded", hint="Upload CSV/XLSX exports first (revops ask --data FILE)")
        return self.data

    @property
    def currency(self) -> str | None:
        """The upload's currency (from the loader), else the ``REVOPS_CURRENCY`` setting."""
        found = self.data.currency if self.data is not None else None
        return found or (self.settings or get_settings()).currency

    def vocabulary(self, max_values: int = 60) -> Vocabulary:
        """The upload's dimension values (real ones: routing is local) and its latest date."""
        from assistant.chat.metric_parse import Vocabulary

        if self.data is None:
            return Vocabulary()

        def build() -> Vocabulary:
            frame = self.data.frame
            values = {}
            labels = self.dimension_labels
            for dim in [*self.data.dimensions, *labels]:
                if dim == "employee_count":
                    continue
                found = frame[dim].dropna().astype("string").unique()
                if len(found) <= max_values:
                    values[dim] = [str(v) for v in found]
            observed = tuple(self.data.capabilities.observed_stages)
            return Vocabulary(values, self.scope.as_of, labels, observed)

        return self.cached(("vocabulary", max_values), build)  # type: ignore[no-any-return]

    @property
    def dimension_labels(self) -> dict[str, str]:
        """The upload's extra dimensions: frame column -> its header (``x_lead_origin`` -> "Lead Origin")."""
        extras = getattr(self.data, "extra_dimensions", None) if self.data is not None else None
        return dict(extras or {})

    @property
    def scope(self) -> Scope:
        """The metric layer's view of the upload (the diagnosis's windows when it exists)."""
        if self._scope is None:
            from tools.metric_layer import make_scope

            periods = self._diagnosis.periods if self._diagnosis is not None else None
            self._scope = make_scope(self.require_data(), periods)
        return self._scope

    def subset(self, dimension: str | None, value: str | None) -> Any:
        """The upload restricted to one dimension value (or all of it)."""
        data = self.require_data()
        if not dimension and not value:
            return data
        if not dimension or not value:
            raise RevOpsInputError("give both segment_dimension and segment_value, or neither")
        from tools.dataset import LoadedData
        from tools.metric_layer.run import filter_mask

        mask = filter_mask(self.scope, ((dimension, self.privacy.real(value)),))
        frame = data.frame[mask].reset_index(drop=True)
        return LoadedData(frame=frame, mapping=dict(data.mapping), dialect=data.dialect)

    def diagnosis(self, dimension: str | None = None, value: str | None = None) -> Diagnosis:
        """The typed diagnosis of the upload (given or computed once) or of one segment (cached)."""
        from tools.diagnosis import diagnose

        data = self.require_data()
        if not (dimension and value):
            if self._diagnosis is None:
                self._diagnosis = diagnose(data, targets=self.targets)
            return self._diagnosis
        key = (id(data), id(self.targets), (dimension, value.casefold()))
        with _CACHE_LOCK:
            hit = _DIAGNOSES.get(key)
            if hit is not None and hit[0]() is data:
                return hit[1]  # type: ignore[no-any-return]
        result = diagnose(self.subset(dimension, value), as_of=self.scope.as_of)  # the upload's windows, not the slice's
        with _CACHE_LOCK:
            while len(_DIAGNOSES) >= CACHE_SIZE:
                _DIAGNOSES.pop(next(iter(_DIAGNOSES)))
            _DIAGNOSES[key] = (weakref.ref(data), result)
        return result

    @property
    def knowledge(self) -> Any:
        if self._knowledge is None:
            from assistant.knowledge_access import open_knowledge

            self._knowledge = open_knowledge(self.settings)
        return self._knowledge

    # --- tools -----------------------------------------------------------------------------------

    def run(self, name: str, args: dict[str, Any], compute: Any, to_json: Any = _json) -> ToolRecord:
        """Run one tool: log its typed result and JSON, or its error as a message a model can act on."""
        clean_args = {k: v for k, v in args.items() if v is not None}
        try:
            result = compute()
        except RevOpsInputError as err:
            return self._log(ToolRecord(name, clean_args, self._text({"error": str(err)}), None, err))
        except Exception as err:  # a tool never raises into the agent loop
            failure = RevOpsInputError(f"internal error: {type(err).__name__}")
            return self._log(ToolRecord(name, clean_args, self._text({"error": str(failure)}), None, failure))
        return self._log(ToolRecord(name, clean_args, self._text(to_json(result)), result))

    def _log(self, record: ToolRecord) -> ToolRecord:
        target = _CALL_LOG.get()
        (self.log if target is None else target).append(record)
        return record

    def _text(self, payload: Any) -> str:
        # pseudonymise every string before compacting (a cut-short sentence could no longer be
        # matched) and before JSON (escaping would hide a label with quotes or backslashes)
        return json.dumps(compact(self.privacy.scrub_value(payload)), ensure_ascii=False, separators=(",", ":"),
                          default=str)

    def query_metric(self, query: MetricQuery) -> ToolRecord:
        """``tools.metric_layer.run_query`` on the session's data."""
        from tools.metric_layer import run_query

        real = type(query)(**{**query.__dict__, "filters": tuple((d, self.privacy.real(v)) for d, v in query.filters)})

        def compute() -> MetricResult:
            self.require_data()
            return self.cached(("query", real), lambda: run_query(self.scope, real, self.targets))  # type: ignore[no-any-return]

        return self.run("query_metric", query.to_dict(), compute)

    def diagnose_funnel(self, dimension: str | None = None, value: str | None = None) -> ToolRecord:
        from assistant.chat.tools.summaries import compact_diagnosis

        args = {"segment_dimension": dimension, "segment_value": value}
        return self.run("diagnose_funnel", args, lambda: self.diagnosis(dimension, value), compact_diagnosis)

    def describe_upload(self) -> ToolRecord:
        """Rows, date span, dimensions and which families of metrics the upload supports."""

        def compute() -> UploadSummary:
            data = self.require_data()
            frame = data.frame
            scope = self.scope
            first = frame["created_date"].min() if "created_date" in frame else None
            return UploadSummary(
                rows=int(data.rows), first_date=None if first is None or first != first else str(first.date()),
                last_date=str(scope.as_of.date()), dimensions=[*data.dimensions, *self.dimension_labels],
                has_amounts=scope.has("amount"), has_follow_up=scope.has("first_touch_date"),
                has_churn=scope.has("churn_date"), has_targets=self.targets is not None, currency=self.currency,
                values={d: int(frame[d].nunique()) for d in [*data.dimensions, *self.dimension_labels]})

        return self.run("describe_upload", {}, compute)

    def note(self, name: str, payload: dict[str, Any]) -> ToolRecord:
        """Log fixed product values an answer quotes (an example in a clarifying question, an SLA)."""
        return self.run(name, {}, lambda: payload, lambda p: p)

    def clean(self, value: object) -> str:
        return clean_label(value)
