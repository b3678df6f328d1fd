"""Serve the web app for the browser tests: ``python -m tests.ui_app PORT [--no-demo]``."""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    from assistant.settings import get_settings
    from ui.app import build_app, launch_options
    from ui.warmup import start_warm_up

    settings = get_settings()
    start_warm_up(settings, demo=not args.no_demo)
    app = build_app(settings, demo=not args.no_demo, host="127.0.0.1")
    app.launch(server_name="127.0.0.1", server_port=args.port, quiet=True, **launch_options(settings))


if __name__ == "__main__":
    main()
