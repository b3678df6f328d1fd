"""Serve the web app for the browser tests: ``python -m tests.ui_app PORT [--no-demo] [--funnel-exhibit]``.

``--funnel-exhibit`` gives each answer that has no chart of its own the funnel of the very
diagnosis its tools read (``Exhibit`` kind ``funnel``), so the browser tests can check how charts
are drawn, streamed and downloaded before every answer type carries its own exhibits.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from assistant.chat.answer import Answer, Exhibit
from assistant.chat.conversation import Conversation
from tools.wording import stage_label


class FunnelExhibitConversation(Conversation):
    """The real conversation; an answer without charts gets the funnel of its diagnosis."""

    def ask_stream(self, question: str) -> Iterator[str | Answer]:
        for item in super().ask_stream(question):
            if isinstance(item, Answer) and not item.exhibits and self.data is not None:
                item.exhibits.append(funnel_exhibit(self.context.diagnosis(), item.language))
            yield item


def funnel_exhibit(diagnosis: dict[str, Any], lang: str) -> Exhibit:
    """The diagnosis's stage counts as a funnel exhibit, labelled in ``lang``."""
    stages = diagnosis["funnel"]["stages"]
    stage, count = ("Stage", "Records") if lang == "en" else ("ステージ", "件数")
    return Exhibit("funnel", "Funnel" if lang == "en" else "ファネル", [stage, count],
                   [[stage_label(s["stage"], lang), s["count"]] for s in stages], stage, [count], "count")


def make_conversation(data: Any, targets: Any, settings: Any) -> Conversation:
    return FunnelExhibitConversation(data=data, targets=targets, settings=settings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--funnel-exhibit", action="store_true")
    args = parser.parse_args()
    from assistant.settings import get_settings
    from ui.app import build_app, launch_options
    from ui.warmup import start_warm_up

    settings = get_settings()
    start_warm_up(settings, demo=not args.no_demo)
    app = build_app(settings, demo=not args.no_demo, host="127.0.0.1",
                    conversation_factory=make_conversation if args.funnel_exhibit else None)
    app.launch(server_name="127.0.0.1", server_port=args.port, quiet=True, **launch_options(settings))


if __name__ == "__main__":
    main()
