"""The ``sidewise`` command: serve, migrate, vapid, dispatch."""

from __future__ import annotations

import argparse
import sys

from backend.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="sidewise", description="Sidewise server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", help="bind address (SIDEWISE_HOST)")
    serve.add_argument("--port", type=int, help="port (SIDEWISE_PORT)")
    serve.add_argument("--workers", type=int, help="processes (SIDEWISE_WORKERS)")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    vapid = commands.add_parser(
        "vapid", help="create the VAPID key for push messages once; show its public key"
    )
    vapid.add_argument(
        "--private",
        action="store_true",
        help="also print the private key as a SIDEWISE_VAPID_PRIVATE_KEY line (keep it secret)",
    )
    commands.add_parser(
        "dispatch",
        help="send due reminders and alert pushes until SIGTERM/SIGINT (PostgreSQL; any number "
        "of hosts)",
    )
    args = parser.parse_args(argv)

    overrides = {
        name: getattr(args, name)
        for name in ("host", "port", "workers")
        if getattr(args, name, None) is not None
    }
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        sys.exit(f"sidewise: {exc}")

    if args.command == "vapid":
        from backend.push.vapid import vapid_command

        print(vapid_command(settings, show_private=args.private))
    elif args.command == "dispatch":
        import asyncio
        import logging

        from backend.app import dispatch_until_signalled
        from backend.db.schema import SchemaNotCurrent
        from backend.push.vapid import VapidKeyMissing

        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(message)s")
        try:
            asyncio.run(dispatch_until_signalled(settings))
        except (SettingsError, VapidKeyMissing, SchemaNotCurrent) as exc:
            sys.exit(f"sidewise: {exc}")
    elif args.command == "migrate":
        from backend.db.migrate import migrate

        print(f"sidewise: {migrate(settings.effective_database_url)}")
    else:
        import asyncio
        import os

        from backend.db.schema import SchemaNotCurrent, is_newer, newer_note, require_servable

        url = settings.effective_database_url
        try:
            revision = asyncio.run(require_servable(url))
        except SchemaNotCurrent as exc:
            sys.exit(f"sidewise: {exc}")
        if is_newer(revision):
            print(f"sidewise: {newer_note(url, revision)}", file=sys.stderr)
        from backend.web_server import serve as run_server

        # Workers re-read the environment, so pass the command-line overrides through it.
        for name, value in overrides.items():
            os.environ[f"SIDEWISE_{name.upper()}"] = str(value)
        run_server(settings)
