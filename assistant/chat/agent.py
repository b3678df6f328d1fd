"""The agent loop: LangChain ``create_agent`` over our tools, with bounded tool and model calls.

The remote model (``ChatOpenAI``) decides which tools to call here; the tools are the runtime
methods the offline planner calls directly (``assistant.offline.planner``), so both modes read
the same numbers and log them the same way.

Bounds: ``ToolCallLimitMiddleware(run_limit=max_tool_calls)`` blocks further tool calls (the
model is told and must answer), ``ModelCallLimitMiddleware`` ends a run that keeps asking, and
the graph's ``recursion_limit`` is the hard stop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import ModelCallLimitMiddleware, ToolCallLimitMiddleware
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage
from langchain_core.tools import BaseTool


@dataclass
class AgentRun:
    """What one agent run produced."""

    answer: str
    messages: list[BaseMessage]


def history_messages(history: Sequence[tuple[str, str]]) -> list[AnyMessage]:
    """Earlier turns as plain Human/AI messages (text only: no tool payloads are replayed)."""
    out: list[AnyMessage] = []
    for question, answer in history:
        out.append(HumanMessage(question))
        out.append(AIMessage(answer))
    return out


def build_agent(model: BaseChatModel, tools: list[BaseTool], system_prompt: str | None, max_tool_calls: int) -> Any:
    """A compiled LangChain agent graph with call limits."""
    middleware: list[Any] = [
        ToolCallLimitMiddleware(run_limit=max(1, max_tool_calls), exit_behavior="continue"),
        ModelCallLimitMiddleware(run_limit=max(2, max_tool_calls + 2), exit_behavior="end"),
    ]
    return create_agent(model, tools, system_prompt=system_prompt, middleware=middleware)


def _config(max_tool_calls: int) -> dict[str, Any]:
    # each step is a model node plus a tools node; leave room for the final answer
    return {"recursion_limit": 2 * max(1, max_tool_calls) + 6}


def _final_text(messages: list[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, AIMessage) and not message.tool_calls:
            content = message.content
            if isinstance(content, str):
                return content
            return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


def stream_agent(
    model: BaseChatModel,
    tools: list[BaseTool],
    question: str,
    *,
    system_prompt: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    max_tool_calls: int = 8,
    agent: Any = None,
) -> Iterator[str | AgentRun]:
    """Run the agent on one question: yields the name of each tool as it is called, then the ``AgentRun``.

    ``agent`` is a graph from ``build_agent`` over the same model and tools, to reuse across turns.
    """
    agent = agent if agent is not None else build_agent(model, tools, system_prompt, max_tool_calls)
    messages: list[BaseMessage] = [*history_messages(history), HumanMessage(question)]
    for update in agent.stream({"messages": list(messages)}, config=_config(max_tool_calls), stream_mode="updates"):
        yield from _absorb(update, messages)
    yield AgentRun(answer=_final_text(messages), messages=messages)


async def astream_agent(
    model: BaseChatModel,
    tools: list[BaseTool],
    question: str,
    *,
    system_prompt: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    max_tool_calls: int = 8,
) -> AsyncIterator[str | AgentRun]:
    """``stream_agent`` as an async iterator: the remote path runs this under a deadline, because
    cancelling an async run also cancels its open HTTP request (``assistant.chat.deadline``)."""
    agent = build_agent(model, tools, system_prompt, max_tool_calls)
    messages: list[BaseMessage] = [*history_messages(history), HumanMessage(question)]
    async for update in agent.astream({"messages": list(messages)}, config=_config(max_tool_calls),
                                      stream_mode="updates"):
        for name in _absorb(update, messages):
            yield name
    yield AgentRun(answer=_final_text(messages), messages=messages)


def _absorb(update: Any, messages: list[BaseMessage]) -> list[str]:
    """Append one graph update's messages to ``messages``; the names of the tools it calls."""
    called: list[str] = []
    for node_update in update.values():
        if not isinstance(node_update, dict):
            continue
        for message in node_update.get("messages", []) or []:
            messages.append(message)
            if isinstance(message, AIMessage):
                called.extend(call["name"] for call in message.tool_calls)
    return called
