"""The embedded offline model: a deterministic planner (``planner``) that calls the same tools as a remote model and composes a grounded, cited answer from their results (``compose*``)."""
