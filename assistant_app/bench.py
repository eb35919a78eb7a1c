"""`assistant bench`: latency figures, printed; targets live here, not in tests."""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "set a timer for ten minutes", "what time is it", "add oat milk to my shopping list",
    "remind me to water the plants in 20 minutes", "what's 15 percent of 80",
    "convert 5 kilometers to miles", "wake me up at 6:30 tomorrow", "tell me a joke",
    "how much battery is left", "what's on my shopping list", "cancel the pizza timer",
    "take a note the parking spot is b12", "what's the date next friday", "hello there",
    "does this work without internet",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
            "n": len(ordered)}


def bench_nlu(runs: int) -> dict:
    from nlu import Parser

    from .engine import Assistant

    parser = Parser.from_pretrained()
    for sentence in SENTENCES:  # warm-up
        parser.parse(sentence)
    parse_times = []
    for i in range(runs):
        started = time.perf_counter()
        parser.parse(SENTENCES[i % len(SENTENCES)])
        parse_times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(home) / "config")
        with Assistant(parser=parser) as assistant:
            turn_times = []
            for i in range(runs):
                text = SENTENCES[i % len(SENTENCES)]
                started = time.perf_counter()
                assistant.handle_text(text)
                turn_times.append(time.perf_counter() - started)
                if assistant.state.pending:
                    assistant.handle_text("cancel")
    import torch

    return {"parse": percentiles(parse_times), "turn": percentiles(turn_times),
            "threads": torch.get_num_threads(), "cpus": os.cpu_count()}


def run_bench(what: str, runs: int) -> int:
    if what != "nlu":
        print(json.dumps({"error": f"bench {what} is not available yet: the {what} stage is not built"}))
        return 2
    print(json.dumps({"nlu": bench_nlu(runs)}, indent=2))
    return 0
