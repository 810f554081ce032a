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
        from backend.push.vapid import VapidKeyMissing

        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(message)s")
        try:
            asyncio.run(dispatch_until_signalled(settings))
        except (SettingsError, VapidKeyMissing) as exc:
            sys.exit(f"sidewise: {exc}")
    elif args.command == "migrate":
        from backend.db.migrate import upgrade

        upgrade(settings.effective_database_url)
        print(f"sidewise: database at head ({settings.effective_database_url.split('://')[0]})")
    else:
        import os

        import uvicorn

        # Workers re-read the environment, so pass the command-line overrides through it.
        for name, value in overrides.items():
            os.environ[f"SIDEWISE_{name.upper()}"] = str(value)
        uvicorn.run(
            "backend.app:app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level=settings.log_level,
            # Only the configured proxies' X-Forwarded-For and -Proto are believed (uvicorn
            # would otherwise trust any local peer's); the app applies the same list.
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=list(settings.trusted_proxies),
        )
