"""The LangChain tools the agent calls (``catalog``) and the session side they read (``runtime``): thin, typed wrappers over ``tools/`` and ``knowledge/``."""
