"""What a remote model reads of a diagnosis: the SPEC JSON, trimmed to what answers need.

The JSON exists only here, at the edge to a model (and in ``revops diagnose --json``); offline
composers read the typed ``Diagnosis``.
"""

from __future__ import annotations

from typing import Any


def compact_diagnosis(diagnosis: Any) -> dict[str, Any]:
    """Funnel, headline metrics, bottleneck, findings and data quality of a ``Diagnosis``."""
    full = diagnosis.to_dict()
    conversions = [
        {k: c.get(k) for k in ("transition", "rate", "baseline_rate", "current_rate", "n_baseline", "n_current",
                               "p_value")}
        for c in full["funnel"]["conversions"]
    ]
    out = {
        "as_of": full["as_of"],
        "periods": full["periods"],
        "rows": full["rows"],
        "stages": full["funnel"]["stages"],
        "conversions": conversions,
        "metrics": {k: v for k, v in full["metrics"].items() if k != "stage_days"},
        "bottleneck": full["bottleneck"],
        "findings": full["findings"],
        "data_quality": [{"code": d["code"], "rows": d["rows"]} for d in full["data_quality"]],
        "dimensions": full["dimensions"],
        # analyses the upload cannot support and what each needs (trends without dates, ...)
        "not_analysed": diagnosis.load.capabilities.missing if diagnosis.load.capabilities else {},
    }
    for key in ("revenue_bridge", "forecast"):  # issue 14's typed fields, when the engine has them
        typed = getattr(diagnosis, key, None)
        if full.get(key) is not None:
            out[key] = full[key]
        elif typed is not None:
            out[key] = typed.to_dict()
    return out
