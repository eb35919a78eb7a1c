"""The `assistant` command: ask, chat, bench (and the desktop app when given no command)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading

from .storage import StorageError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="An offline desktop voice assistant.")
    parser.add_argument("--wake", action="store_true", help="wake the running app (start listening)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command")
    ask = commands.add_parser("ask", help="one typed turn, then exit")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print the turn as JSON")
    chat = commands.add_parser("chat", help="a typed conversation on stdin/stdout")
    chat.add_argument("--jsonl", action="store_true", help="one JSON object a line in and out")
    bench = commands.add_parser("bench", help="print measured speed figures")
    bench.add_argument("what", nargs="?", default="nlu", choices=["nlu", "asr", "tts", "e2e"])
    bench.add_argument("--runs", type=int, default=None,
                       help="how many measurements (default: 200 for nlu and asr, 100 tts, 30 e2e)")
    return parser


class Printer:
    """Serialises output from the conversation and the alert thread."""

    def __init__(self, jsonl: bool) -> None:
        self.jsonl = jsonl
        self._lock = threading.Lock()

    def turn(self, response) -> None:
        self._write(response.to_json(), response.reply)

    def alert(self, alert) -> None:
        self._write(alert.to_json(), f"[{alert.kind}] {alert.message}")

    def notice(self, message: str) -> None:
        self._write({"event": "notice", "message": message}, f"[notice] {message}")

    def _write(self, data: dict, text: str) -> None:
        with self._lock:
            print(json.dumps(data, ensure_ascii=False) if self.jsonl else text, flush=True)


def _open_assistant(one_turn: bool = False):
    """The engine; for `one_turn` its parser skips tracing (0.4 s to save a few ms a parse)."""
    from nlu import Parser

    from .engine import Assistant

    return Assistant(parser=Parser.from_pretrained(traced=not one_turn))


def _ask_running_app(args: argparse.Namespace) -> bool:
    """Let a running desktop app answer (same conversation, no model loading); False if none."""
    try:
        from .ui.single_instance import ask_running_app
    except ImportError:
        return False
    turn = ask_running_app(args.text)
    if turn is None:
        return False
    print(json.dumps(turn, ensure_ascii=False) if args.json else turn.get("reply", ""), flush=True)
    return True


def run_app(args: argparse.Namespace) -> int:
    """The desktop app; `--wake` wakes a running one. Falls back to the terminal chat when
    there is no display or no Qt."""
    try:
        from .ui.single_instance import wake_running_app
        if args.wake and wake_running_app():
            return 0
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM")):
            raise ImportError("no display")
        from .ui.app import run_app as run_desktop_app
    except ImportError as error:
        print(f"The desktop window can't start ({error}); starting a typed chat instead "
              "(Ctrl+D to quit).", file=sys.stderr)
        return run_chat(argparse.Namespace(jsonl=False))
    return run_desktop_app(args)


def run_ask(args: argparse.Namespace) -> int:
    if _ask_running_app(args):
        return 0
    with _open_assistant(one_turn=True) as assistant:
        printer = Printer(args.json)
        for notice in assistant.notices:
            printer.notice(notice)
        for alert in assistant.missed:
            printer.alert(alert)
        printer.turn(assistant.handle_text(args.text))
    return 0


def run_chat(args: argparse.Namespace) -> int:
    printer = Printer(args.jsonl)
    with _open_assistant() as assistant:
        assistant.add_listener(printer.alert)
        for notice in assistant.notices:
            printer.notice(notice)
        for alert in assistant.missed:
            printer.alert(alert)
        interactive = sys.stdin.isatty() and not args.jsonl
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            text = line.rstrip("\n")
            if args.jsonl and text.lstrip().startswith("{"):
                try:
                    text = str(json.loads(text).get("text", ""))
                except (json.JSONDecodeError, AttributeError):
                    pass
            printer.turn(assistant.handle_text(text))
    return 0


def setup_logging(verbose: bool) -> None:
    """Warnings to the terminal; everything from INFO up to a small rotating log file."""
    from logging.handlers import RotatingFileHandler

    from .paths import data_dir

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.INFO if verbose else logging.WARNING)
    terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(terminal)
    try:
        data_dir().mkdir(parents=True, exist_ok=True)
        logfile = RotatingFileHandler(data_dir() / "assistant.log", maxBytes=1_000_000, backupCount=2,
                                      encoding="utf-8")
    except OSError as error:
        log.warning("no log file: %s", error)
        return
    logfile.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(logfile)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        if args.command == "ask":
            return run_ask(args)
        if args.command == "chat":
            return run_chat(args)
        if args.command == "bench":
            from .bench import run_bench
            return run_bench(args.what, args.runs)
        return run_app(args)
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
