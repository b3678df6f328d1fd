"""Static charts for the memo (matplotlib, Agg backend), readable in print and in Japanese.

Each function takes numbers that came from a tool result and returns PNG bytes. Text uses a
CJK-capable font (Noto Sans CJK JP, else IPAGothic) found through fontconfig, so Japanese labels
never render as boxes. Charts use the same plain colours in every format.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from tools.safe_text import plain_text  # noqa: E402

PRIMARY = "#1f4e79"
ACCENT = "#c55a11"
MUTED = "#a6a6a6"
DPI = 200

#: Font files tried in order (Debian fonts-noto-cjk, fonts-ipafont-gothic).
CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
CJK_FONT_FAMILIES: tuple[str, ...] = ("Noto Sans CJK JP", "IPAGothic")


class FontNotFoundError(RuntimeError):
    """No CJK-capable font is installed."""

    def __init__(self) -> None:
        super().__init__(
            "no Japanese (CJK) font found for the memo. Install one, e.g. "
            "'apt-get install fonts-noto-cjk' or 'apt-get install fonts-ipafont-gothic'."
        )


def _fc_match(family: str) -> Path | None:
    """Ask fontconfig for ``family``; only accept an exact family match."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{family}", family],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.splitlines()
    if len(lines) >= 2 and family.lower() in lines[1].lower() and Path(lines[0]).is_file():
        return Path(lines[0])
    return None


@lru_cache(maxsize=1)
def cjk_font_file() -> Path:
    """The CJK font file to use (regular weight); raises ``FontNotFoundError`` if none."""
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    for family in CJK_FONT_FAMILIES:
        found = _fc_match(family)
        if found is not None:
            return found
    raise FontNotFoundError()


@lru_cache(maxsize=1)
def _font_family() -> str:
    path = cjk_font_file()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(width_in: float = 7.0, height_in: float = 3.4) -> tuple[MplFigure, plt.Axes]:
    plt.rcParams["font.family"] = [_font_family(), "DejaVu Sans"]
    plt.rcParams["font.size"] = 10
    plt.rcParams["text.parse_math"] = False  # a "$…$" in a lead source is a label, not TeX
    plt.rcParams["axes.spines.top"] = False
    plt.rcParams["axes.spines.right"] = False
    fig = MplFigure(figsize=(width_in, height_in))
    ax = fig.add_subplot(1, 1, 1)
    return fig, ax


def _png(fig: MplFigure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def trend_chart(
    periods: list[str],
    values: list[float | None],
    *,
    ylabel: str,
    windows: tuple[str | None, str | None],
    spans: list[list[int]],
    immature: list[bool] | None = None,
    percent: bool = True,
    legend: tuple[str, str, str] = ("baseline", "current", "immature"),
) -> bytes:
    """The bottleneck metric by period; ``spans`` (period indexes of the engine's baseline and
    current windows) are shaded, periods whose cohorts have not had time to convert are greyed."""
    fig, ax = _figure()
    scale = 100.0 if percent else 1.0
    xs = list(range(len(periods)))
    ys = [None if v is None else v * scale for v in values]
    pts = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    immature = immature or [False] * len(periods)
    mature_pts = [(x, y) for x, y in pts if not immature[x]]
    if mature_pts:
        ax.plot(*zip(*mature_pts, strict=True), color=PRIMARY, marker="o", markersize=4, linewidth=1.8)
    young = [(x, y) for x, y in pts if immature[x]]
    if young:
        ax.plot(*zip(*young, strict=True), color=MUTED, marker="o", markersize=4, linestyle="none",
                label=legend[2])
    for label_text, window, span, color in zip(legend[:2], windows, spans, (MUTED, ACCENT), strict=False):
        if span:
            ax.axvspan(min(span) - 0.4, max(span) + 0.4, color=color, alpha=0.18, linewidth=0,
                       label=f"{label_text} ({window})")
    step = max(1, len(periods) // 12)
    ax.set_xticks(xs[::step], periods[::step], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(ylabel + (" (%)" if percent else ""))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _png(fig)


def breakdown_chart(
    categories: list[str],
    series: dict[str, list[float | None]],
    *,
    ylabel: str,
    highlight: str | None = None,
    percent: bool = True,
) -> bytes:
    """Grouped bars of a metric per dimension value (e.g. baseline vs current per lead source);
    the value behind the finding is labelled in bold."""
    fig, ax = _figure(height_in=3.2)
    scale = 100.0 if percent else 1.0
    names = list(series)
    width = 0.8 / max(1, len(names))
    palette = [MUTED, PRIMARY, ACCENT]
    for i, name in enumerate(names):
        xs = [c + (i - (len(names) - 1) / 2) * width for c in range(len(categories))]
        ys = [0.0 if v is None else v * scale for v in series[name]]
        ax.bar(xs, ys, width=width * 0.95, color=palette[(i + (3 - len(names))) % 3], label=name)
    ax.set_xticks(range(len(categories)), [plain_text(c) for c in categories], fontsize=8,
                  rotation=30 if len(categories) > 4 else 0, ha="right" if len(categories) > 4 else "center")
    for tick in ax.get_xticklabels():
        if highlight is not None and tick.get_text() == plain_text(highlight):
            tick.set_fontweight("bold")
            tick.set_color(ACCENT)
    ax.set_ylabel(ylabel + (" (%)" if percent else ""))
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    if len(names) > 1:
        ax.legend(fontsize=8, frameon=False, ncol=len(names), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _png(fig)


def waterfall_chart(labels: list[str], amounts: list[float], *, start: float, end: float,
                    start_label: str, end_label: str, value_labels: list[str], ylabel: str = "") -> bytes:
    """Revenue bridge: the start bar, one floating bar per driver (down in accent, up in primary),
    the end bar; ``value_labels`` are the already formatted amounts printed on each bar."""
    names = [plain_text(name) for name in (start_label, *labels, end_label)]
    fig, ax = _figure(height_in=3.3)
    running = start
    bottoms, heights, colors = [0.0], [start], [MUTED]
    for amount in amounts:
        bottoms.append(running if amount >= 0 else running + amount)
        heights.append(abs(amount))
        colors.append(PRIMARY if amount >= 0 else ACCENT)
        running += amount
    bottoms.append(0.0)
    heights.append(end)
    colors.append(MUTED)
    xs = list(range(len(names)))
    ax.bar(xs, heights, bottom=bottoms, color=colors, width=0.62)
    top = max(b + h for b, h in zip(bottoms, heights, strict=True)) or 1.0
    for x, bottom, height, text in zip(xs, bottoms, heights, value_labels, strict=False):
        ax.text(x, bottom + height + top * 0.01, text, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, names, fontsize=8, rotation=25 if len(names) > 5 else 0,
                  ha="right" if len(names) > 5 else "center")
    ax.set_ylim(0, top * 1.12)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    if ylabel:
        ax.set_title(ylabel, fontsize=9, loc="left")
    return _png(fig)
