"""Entry point: wires configuration, the knowledge base, storage and the front ends."""

from __future__ import annotations

import argparse
import sys

from config import Config, ConfigError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bot.py", description="磨課師法規助理 MOOC regulations assistant")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("check", help="validate the knowledge base and print a coverage report")
    kb = sub.add_parser("kb", help="list every entry")
    kb.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen front end."""
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from frontends import cli

    if args.command == "check":
        return cli.check_command(config.knowledge_dir)
    if args.command == "kb":
        return cli.kb_command(config.knowledge_dir, args.json)
    print("not yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
