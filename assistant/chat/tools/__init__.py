"""The session tools (``runtime``: metric queries, the diagnosis, planning, playbook passages, each
returning a typed result and its JSON) and their LangChain shells for a remote model (``catalog``)."""
