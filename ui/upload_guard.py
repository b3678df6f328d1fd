"""The upload size limit, said in the app's language before a byte is sent.

Gradio enforces ``max_file_size`` itself (the server refuses larger uploads), but its browser-side
refusal is an English-only toast. This script runs first: a file over the limit dropped on or
chosen in one of the app's upload areas is stopped in the browser, and a notice under the area
says, in the current UI language, which file and what the limit is. The server's own limit stays
as the second wall.
"""

from __future__ import annotations

import json

from ui.labels import LABELS

UPLOAD_AREAS = ("#revops-exports", "#revops-targets")
NOTICE_ID = "revops-upload-notice"


def upload_guard_head(limit_mb: int) -> str:
    """A ``<script>`` for ``launch(head=...)`` that refuses files over ``limit_mb`` with a notice."""
    messages = json.dumps({lang: LABELS["upload_limit"][lang] for lang in ("en", "ja")}, ensure_ascii=False)
    areas = json.dumps(", ".join(UPLOAD_AREAS))
    return f"""<script>
(() => {{
  const limit = {int(limit_mb)} * 1024 * 1024, messages = {messages}, areas = {areas};
  const notice = (area, names) => {{
    let box = document.getElementById('{NOTICE_ID}');
    if (!box) {{ box = document.createElement('div'); box.id = '{NOTICE_ID}'; box.className = 'revops-error'; }}
    (area.closest('.row') || area).insertAdjacentElement('afterend', box);
    const lang = document.documentElement.lang === 'ja' ? 'ja' : 'en';
    box.textContent = messages[lang].replace('{{files}}', names.join(', ')).replace('{{limit}}', String({int(limit_mb)}));
  }};
  const guard = (event, files) => {{
    const area = event.target instanceof Element ? event.target.closest(areas) : null;
    if (!area || !files) return;
    const big = [...files].filter(f => f.size > limit).map(f => f.name);
    const old = document.getElementById('{NOTICE_ID}');
    if (!big.length) {{ if (old) old.remove(); return; }}
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.target instanceof HTMLInputElement) event.target.value = '';
    notice(area, big);
  }};
  document.addEventListener('change', e => guard(e, e.target && e.target.files), true);
  document.addEventListener('drop', e => guard(e, e.dataTransfer && e.dataTransfer.files), true);
}})();
</script>"""
