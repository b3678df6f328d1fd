"""Which of an upload's own columns become extra dimensions, on a file whose every column's fate is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from assistant.chat.privacy import Privacy
from tools.ingest.loading import load_exports


def test_only_low_cardinality_categories_become_extra_dimensions(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "Lead ID": [f"L{i}" for i in range(n)],
        "Created": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "Lead Source": rng.choice(["Web", "Event"], n),
        "Industry Cluster": rng.choice(["Alpha", "Beta", "Gamma"], n),        # a category: kept
        "SDR": rng.choice(["Aiko Sato", "Ben Ito", "Chie Mori"], n),          # people: kept, marked person
        "Email": [f"p{i % 4}@example.com" for i in range(n)],                 # contact details: never
        "Next Call Date": rng.choice(["soon", "later"], n),                   # a date header: never
        "Score": rng.integers(0, 5, n).astype(str),                           # numbers: never
        "Notes": [f"call back about item {i}" for i in range(n)],             # free text: never
        "Constant": ["same"] * n,                                             # one value: never
        "Tiny Groups": [f"g{i % 200}" for i in range(n)],                     # 2 records per value: never
    })
    frame["Created"] = frame["Created"].dt.strftime("%Y-%m-%d")
    frame.to_csv(tmp_path / "leads.csv", index=False)
    loaded = load_exports([tmp_path / "leads.csv"])
    extras = {e.label: e for e in loaded.report.extra_dimensions}
    assert set(extras) == {"Industry Cluster", "SDR"}
    assert extras["SDR"].person and not extras["Industry Cluster"].person
    assert extras["Industry Cluster"].values == 3
    assert all(not c.endswith("_date") or not c.startswith("x_") for c in loaded.frame.columns)
    real = loaded.frame.set_index("record_id")[extras["Industry Cluster"].name]
    assert real.loc[frame["Lead ID"]].tolist() == frame["Industry Cluster"].tolist()
    # the people column is pseudonymised for a remote model, the category is not
    privacy = Privacy.from_frame(loaded.frame, (extras["SDR"].name,))
    assert privacy.label("Aiko Sato").startswith("Person ") and privacy.label("Alpha") == "Alpha"
