"""The assistant: answers about an upload (offline planner or a remote model) and improvement memos.

Public API (imported lazily, so ``import assistant.settings`` stays cheap)::

    from assistant import Conversation, answer_question, write_memo

    chat = Conversation(data, targets)            # data: tools.LoadedData
    print(chat.ask("Where is the funnel leaking?").answer)
    write_memo(data, Path("memo.pdf"), targets, lang="ja")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Answer": "assistant.chat.answer",
    "Conversation": "assistant.chat.conversation",
    "answer_question": "assistant.chat.conversation",
    "build_memo": "assistant.memo.build",
    "write_memo": "assistant.memo.build",
    "Settings": "assistant.settings",
    "get_settings": "assistant.settings",
}

__all__ = [
    "Answer",
    "Conversation",
    "Settings",
    "answer_question",
    "build_memo",
    "get_settings",
    "write_memo",
]

if TYPE_CHECKING:
    from assistant.chat.answer import Answer
    from assistant.chat.conversation import Conversation, answer_question
    from assistant.memo.build import build_memo, write_memo
    from assistant.settings import Settings, get_settings


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
