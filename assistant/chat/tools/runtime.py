"""The session side of the agent's tools: the data, cached diagnoses, privacy, and a call log.

The frame never leaves this object. Tools ask it for a segment's ``LoadedData`` or a cached
diagnosis, and every tool result passes through ``ToolRuntime.emit`` — compact JSON with owner
names pseudonymised — which also logs the call so the service can ground, cite and report it.
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from assistant.chat.privacy import Privacy, clean_label
from tools.errors import RevOpsInputError

#: Longest list kept in a tool result (the model gets aggregates, not tables).
MAX_ITEMS = 12
MAX_TEXT = 400
#: Diagnoses kept per process (keyed by upload identity and segment; the UI asks many questions).
CACHE_SIZE = 16
_DIAGNOSES: dict[tuple[int, int, tuple[str, str] | None], tuple[weakref.ref[Any], dict[str, Any]]] = {}
_CACHE_LOCK = threading.Lock()
#: Where ``ToolRuntime.emit`` records calls made in this context (``None``: the runtime's ``log``).
_CALL_LOG: ContextVar[list[ToolRecord] | None] = ContextVar("revops_call_log", default=None)


def log_calls_into(records: list[ToolRecord]) -> None:
    """Record the tool calls of the current context (an async task and the threads it starts) in
    ``records`` instead of ``ToolRuntime.log``: a remote run abandoned at its deadline may still
    finish a tool call, and that record must not land in the offline answer that replaces it."""
    _CALL_LOG.set(records)


@dataclass
class ToolRecord:
    """One executed tool call and its (already scrubbed) JSON result."""

    name: str
    args: dict[str, Any]
    output: str

    @property
    def payload(self) -> Any:
        try:
            return json.loads(self.output)
        except ValueError:
            return {"text": self.output}


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


class ToolRuntime:
    """Everything the agent's tools read, for one conversation."""

    def __init__(self, data: Any, targets: Any = None, settings: Any = None) -> None:
        self.data = data
        self.targets = targets
        self.settings = settings
        self.privacy = Privacy.from_frame(data.frame if data is not None else None)
        self.log: list[ToolRecord] = []
        self._knowledge: Any = None
        #: per-conversation memo of deterministic results (vocabulary, metric lookups, playbook searches):
        #: the upload of a context never changes, so the same arguments give the same answer
        self.memo: dict[Any, Any] = {}
        #: the agent's tools and compiled offline agent, built once per conversation (see service)
        self.tools: list[Any] | None = None
        self.offline: tuple[Any, Any, int] | None = None

    def cached(self, key: Any, compute: Any) -> Any:
        """``compute()`` once per ``key`` for this conversation."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    # --- data ------------------------------------------------------------------------------------

    def require_data(self) -> Any:
        if self.data is None:
            raise RevOpsInputError(
                "no data uploaded", hint="Upload CSV/XLSX exports first (revops ask --data FILE)"
            )
        return self.data

    def vocabulary(self, max_values: int = 60) -> dict[str, list[str]]:
        """Dimension labels (pseudonymised) per dimension, for recognising segments in questions."""
        if self.data is None:
            return {}
        return dict(self.cached(("vocabulary", max_values), lambda: self._vocabulary(max_values)))

    def _vocabulary(self, max_values: int) -> dict[str, list[str]]:
        frame = self.data.frame
        out: dict[str, list[str]] = {}
        for dim in self.data.dimensions:
            if dim == "employee_count":
                continue
            values = frame[dim].dropna().astype("string").unique()
            if len(values) <= max_values:
                out[dim] = [self.privacy.label(v) for v in values]
        return out

    def subset(self, dimension: str | None, value: str | None) -> Any:
        """The upload restricted to one dimension value (or all of it)."""
        data = self.require_data()
        if not dimension and not value:
            return data
        if not dimension or not value:
            raise RevOpsInputError("give both segment_dimension and segment_value, or neither")
        from tools.dataset import LoadedData
        from tools.funnel import check_dimension, dimension_key

        check_dimension(data.frame, dimension)
        keys = dimension_key(data.frame, dimension)
        labels = {str(v): v for v in keys.dropna().unique()}
        wanted = self.privacy.real(value).casefold()
        match = next((raw for raw in labels if raw.casefold() == wanted), None)
        if match is None:
            match = next((raw for raw in labels if self.privacy.label(raw).casefold() == value.casefold()), None)
        if match is None:
            valid = ", ".join(sorted(self.privacy.label(v) for v in labels)[:20])
            raise RevOpsInputError(f"unknown {dimension} '{clean_label(value)}'", hint=f"Valid values: {valid}")
        frame = data.frame[(keys == match).to_numpy()].reset_index(drop=True)
        return LoadedData(frame=frame, mapping=dict(data.mapping), dialect=data.dialect)

    def diagnosis(self, dimension: str | None = None, value: str | None = None) -> dict[str, Any]:
        """``tools.diagnosis.diagnose(...).to_dict()`` for the data or a segment, cached per upload."""
        data = self.require_data()
        segment = (dimension, value) if dimension and value else None
        key = (id(data), id(self.targets), segment)
        with _CACHE_LOCK:
            hit = _DIAGNOSES.get(key)
            if hit is not None and hit[0]() is data:
                return hit[1]
        from tools.diagnosis import diagnose

        subset = self.subset(dimension, value)
        result = diagnose(subset, targets=self.targets if segment is None else None).to_dict()
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

    # --- results ---------------------------------------------------------------------------------

    def emit(self, name: str, args: dict[str, Any], result: Any) -> str:
        """Serialise a tool result (compact, pseudonymised) and log it."""
        # pseudonymise before compacting: a cut-short sentence could no longer be matched
        text = json.dumps(compact(self.privacy.scrub_value(result)), ensure_ascii=False, separators=(",", ":"),
                          default=str)
        target = _CALL_LOG.get()
        (self.log if target is None else target).append(
            ToolRecord(name, {k: v for k, v in args.items() if v is not None}, text))
        return text

    def error(self, name: str, args: dict[str, Any], err: Exception) -> str:
        """A tool error as a message the model can act on (never a traceback)."""
        message = str(err) if isinstance(err, RevOpsInputError) else f"internal error: {type(err).__name__}"
        return self.emit(name, args, {"error": message})
