"""The `assistant` command as outside tools use it (interfaces.md)."""
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, stdin="", timeout=120):
    return subprocess.run([sys.executable, "-m", "assistant_app", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=os.environ.copy())


def test_ask_json_matches_the_contract():
    result = run_cli("ask", "set a timer for ten minutes", "--json")
    assert result.returncode == 0, result.stderr
    turn = json.loads(result.stdout.strip().splitlines()[-1])
    assert turn["intent"] == "timer.set"
    assert turn["slots"]["duration"] == {"text": "ten minutes", "value": 600}
    assert turn["awaiting"] is None
    assert turn["actions"][0]["type"] == "timer.started" and turn["actions"][0]["seconds"] == 600
    assert set(turn) >= {"text", "intent", "confidence", "slots", "reply", "awaiting", "actions"}


def test_chat_jsonl_keeps_context_across_lines_and_restarts():
    first = run_cli("chat", "--jsonl", stdin="add milk to my shopping list\nand eggs\nset a timer\n")
    turns = [json.loads(line) for line in first.stdout.splitlines()]
    assert [t["intent"] for t in turns][:2] == ["list.add", "list.add"]
    assert turns[-1]["awaiting"] == "duration"
    second = run_cli("chat", "--jsonl", stdin="ten minutes\nwhat's on my shopping list\n")
    turns = [json.loads(line) for line in second.stdout.splitlines()]
    assert turns[0]["actions"][0]["type"] == "timer.started"
    assert "milk" in turns[1]["reply"] and "eggs" in turns[1]["reply"]


def test_chat_prints_timer_events_as_they_fire():
    process = subprocess.Popen([sys.executable, "-m", "assistant_app", "chat", "--jsonl"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        process.stdin.write("set a timer for 1 second\n")
        process.stdin.flush()
        turn = json.loads(lines.get(timeout=120))
        assert turn["intent"] == "timer.set" and turn["actions"][0]["seconds"] == 1
        event = json.loads(lines.get(timeout=10))
        assert event["event"] == "timer.fired"
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def test_broken_settings_file_is_reported_not_fatal():
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "assistant"
    config.mkdir(parents=True)
    (config / "settings.json").write_text("{not json")
    result = run_cli("ask", "hello")
    assert result.returncode == 0
    assert "settings" in result.stdout.lower()


def test_bench_asr_prints_its_figures():
    """A small `assistant bench asr`: 13 commands of test/, whose sample once held an emoji-only
    line that no voice can say (it must be left out, not crash the benchmark)."""
    result = run_cli("bench", "asr", "--runs", "13", timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["asr"]
    assert figures["utterances"] == 13
    assert 0 < figures["rtf"] < 1 and figures["partial_latency_p50_ms"] > 0
    assert 0 <= figures["wer"] <= 1
    assert 0.5 <= figures["intent_accuracy_from_text"] <= 1  # typed: the parser reads them all but a few
    assert 0.5 <= figures["from_text"]["understood"] <= figures["intent_accuracy_from_text"]
    heard = figures["from_speech"]
    assert 0 <= heard["understood"] <= figures["intent_accuracy_from_speech"]
    assert 0 <= heard["slot_value_f1"] <= 1
    assert 5 < figures["recognizer_load_mb"] < figures["peak_resident_mb"]  # 16 MB of weights at least


def test_bench_e2e_times_each_stage_of_a_spoken_turn():
    """`assistant bench e2e` on 3 commands: every stage timed, and the commands heard."""
    result = run_cli("bench", "e2e", "--runs", "3", timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["e2e"]
    for stage in ("listen", "turn", "first_audio"):
        assert figures[stage]["n"] == 3 and figures[stage]["p50_ms"] > 0
    assert figures["total"]["p50_ms"] >= figures["listen"]["p50_ms"]
    assert figures["wer"] < 0.5  # nothing heard at all would be 1.0
