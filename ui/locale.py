"""Gradio's own strings ("Drop File Here", "Click to Upload", …) in the app's language.

Gradio ships Japanese for its built-in component strings and picks them by the browser's locale.
The app has its own language switch, so the switch also sets Gradio's front-end locale: the
browser imports Gradio's ``core`` module (the one its settings panel uses) and calls
``changeLocale``. The module's file name carries a build hash, so it is found in the installed
Gradio package at start-up; the browser test that reads "ファイルをここにドロップ" fails if a Gradio
upgrade moves it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import gradio as gr

#: Strings Gradio's status announcements use but its locales lack (a screen reader would read the
#: raw key "common.complete"), in both of the app's languages.
MISSING_GRADIO_STRINGS: dict[str, dict[str, dict[str, str]]] = {
    "en": {"common": {"complete": "Complete", "progress": "Progress", "loading": "Loading"},
           "status": {"queue_position": "Position {position} of {size} in the queue"}},
    "ja": {"common": {"complete": "完了", "progress": "進行状況", "loading": "読み込み中"},
           "status": {"queue_position": "待ち順 {position} / {size}"}},
}


def gradio_i18n() -> gr.I18n:
    """The app's additions to Gradio's own translations (``launch(i18n=...)``)."""
    return gr.I18n(**MISSING_GRADIO_STRINGS)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def core_module_name() -> str | None:
    """The file name of Gradio's front-end core module (``core-<hash>.js``), if it is installed."""
    assets = Path(gr.__file__).parent / "templates" / "frontend" / "assets"
    found = sorted(assets.glob("core-*.js"))
    return found[0].name if found else None


def set_locale_js(inputs: str = "(lang, ...rest)", returns: str = "[lang, ...rest]") -> str:
    """A browser function for an event's ``js=``: switch Gradio's locale to its first input.

    It waits (up to 2 s) until Gradio has loaded the language, so components the server redraws
    next pick up the new strings, then passes its inputs on unchanged.
    """
    module = json.dumps(core_module_name() or "")
    return f"""async {inputs} => {{
  try {{
    const index = document.querySelector('script[type=module][src*="assets/index-"]');
    if ({module} && index) {{
      const core = await import(new URL({module}, index.src).href);
      core.changeLocale(lang);
      for (let i = 0; i < 40 && document.documentElement.lang !== lang; i++) {{
        await new Promise(done => setTimeout(done, 50));
      }}
    }}
  }} catch (err) {{ console.warn('revops: could not switch the Gradio locale', err); }}
  return {returns};
}}"""
