"""The embedded offline model: a deterministic planner (``planner``) that runs the same tools as a
remote model, directly and without LangChain, and composes a grounded, cited answer from their typed
results (``compose*``, worded through ``words``)."""
