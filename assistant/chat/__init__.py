"""The chat: understand a question (``routing``, ``metric_parse``, ``period_parse``, ``question_params``),
answer it with the offline planner or a remote model over the same session tools (``answering``), ground
it, cite it and chart it (``grounding``, ``exhibits``). ``conversation.Conversation`` and
``conversation.answer_question`` are the entry points."""
