"""Entry point: wires configuration, the knowledge base, storage and the front ends."""

from __future__ import annotations

import argparse
import logging
import sys

from config import Config, ConfigError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bot.py", description="磨課師法規助理 MOOC regulations assistant")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("check", help="validate the knowledge base and print a coverage report")
    kb = sub.add_parser("kb", help="list every entry")
    kb.add_argument("--json", action="store_true")
    ask = sub.add_parser("ask", help="answer a question (or one a line from standard input)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("question", nargs="*")
    calc = sub.add_parser("calc", help="run a calculator: calc NAME key=value ...")
    calc.add_argument("--list", action="store_true")
    calc.add_argument("--json", action="store_true")
    calc.add_argument("name", nargs="?")
    calc.add_argument("params", nargs="*")
    sub.add_parser("console", help="chat in the terminal")
    return p


def load_engine(config: Config):  # type: ignore[no-untyped-def]
    """Load and validate the knowledge base and build the answering core; exit naming every problem if invalid."""
    from calculators import REGISTRY
    from core.engine import Engine
    from core.kb import KnowledgeBaseError, load

    try:
        kb = load(config.knowledge_dir, REGISTRY)
    except KnowledgeBaseError as exc:
        for problem in exc.problems[:50]:
            print(problem, file=sys.stderr)
        print(f"the knowledge base is invalid ({len(exc.problems)} problem(s)); refusing to start. Run: python bot.py check", file=sys.stderr)
        raise SystemExit(1) from exc
    return Engine(kb, REGISTRY)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen front end."""
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from frontends import cli

    if args.command == "check":
        return cli.check_command(config.knowledge_dir)
    if args.command == "kb":
        return cli.kb_command(config.knowledge_dir, args.json)
    engine = load_engine(config)
    if args.command == "ask":
        return cli.ask_command(engine, args.question, args.json)
    if args.command == "calc":
        return cli.calc_command(engine, args.name, args.params, args.json, args.list)
    if config.token and args.command != "console":
        from frontends.telegram.app import run_telegram

        return run_telegram(config, engine)
    from frontends.console import run_console

    return run_console(engine)


if __name__ == "__main__":
    sys.exit(main())
