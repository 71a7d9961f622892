"""Entry point: parses the command line and hands over to bootstrap (which wires everything)."""

from __future__ import annotations

import argparse
import gc
import os
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
    ask.add_argument("--workers", type=int, default=None, help="processes answering standard input (default: one a core, at most 4; 1 when typing)")
    calc = sub.add_parser("calc", help="run a calculator: calc NAME key=value ...")
    calc.add_argument("--list", action="store_true")
    calc.add_argument("--json", action="store_true")
    calc.add_argument("name", nargs="?")
    calc.add_argument("params", nargs="*")
    sub.add_parser("console", help="chat in the terminal")
    sub.add_parser("line-setup", help="create or replace the LINE default rich menu")
    return p


def main(argv: list[str] | None = None, leave: bool = False) -> int:
    """Parse the command line and run the chosen front end. `leave`: a command that holds nothing open (`ask`,
    `calc`) ends the process itself once its output is written (see _leave)."""
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if config.cache_dir is not None:
        import regexcache

        regexcache.preload(config.cache_dir)  # the compiled regular expressions of an earlier start, before the imports compile them
    collecting = gc.isenabled()
    gc.disable()  # the imports make objects that live as long as the process: no collection walks them meanwhile
    try:
        from logsetup import configure_logging

        configure_logging(config)  # secrets redacted from every log line, tracebacks included
        import bootstrap
        from frontends import cli
    finally:
        if collecting:
            gc.enable()

    if args.command == "check":
        return cli.check_command(config.knowledge_dir, bootstrap.calculator_names())
    if args.command == "kb":
        return cli.kb_command(config.knowledge_dir, bootstrap.calculator_names(), args.json)
    if args.command == "ask":
        engine = bootstrap.engine_or_exit(config)
        workers = args.workers if args.workers is not None else (1 if args.question or sys.stdin.isatty() else min(os.cpu_count() or 1, 4))
        code = cli.ask_command(engine, args.question, args.json, workers=max(1, min(workers, 16)))
        return _leave(code) if leave else code
    if args.command == "calc":
        code = cli.calc_command(bootstrap.engine_or_exit(config), args.name, args.params, args.json, args.list)
        return _leave(code) if leave else code
    if args.command == "line-setup":
        return bootstrap.line_setup(config)
    return bootstrap.run(config, console=args.command == "console")


def _leave(code: int) -> int:
    """End the process now that its output is written, skipping the interpreter's tidying-up at exit (freeing the
    knowledge base and the index object by object: two or three hundredths of a second, a tenth of a one-question
    start). Log handlers are flushed first. When the output cannot be flushed (a closed pipe), returns the code and
    the interpreter exits as it always does, reporting it."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        return code
    import logging

    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    try:
        status = main(leave=True)
    except BrokenPipeError:
        # The reader of the output went away (`bot.py calc --list | head`): nothing more to write, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
