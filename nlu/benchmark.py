"""`python -m nlu benchmark snips|clinc150`: train on the train split, select on dev, report test.

Same model, trainer and code path as the shipped assistant model. Results go to a
markdown table beside the published systems' figures."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from .calibration import fit_gazetteer
from .data import Example, read_examples
from .evaluate import predict, score
from .model import JointIntentSlotModel
from .parser import Parser
from .train import TrainOptions, average_weights, calibrate_and_save, train

SHARED = Path(__file__).resolve().parents[2] / "shared/data/nlu-bench"
PUBLISHED = {
    "snips": [("Joint BERT-base (110M params), Chen et al. 2019", "98.6 / 97.0 / 92.8"),
              ("Joint DistilBERT (66M), monologg/JointBERT", "98.0 / 96.1 / 91.0"),
              ("Co-Interactive transformer + BERT, Qin et al. 2021", "98.8 / 97.1 / –")],
    "clinc150": [("BERT-large, confidence threshold, Larson et al. 2019", "96.2 / 52.3"),
                 ("BERT-large, trained with the oos class, Larson et al. 2019", "96.7 / 59.2"),
                 ("Rasa (spaCy + sklearn), Larson et al. 2019", "91.5 / 45.3")],
}
DEFAULT_EPOCHS = {"snips": 6, "clinc150": 3}  # as in docs/benchmarks.md (sized to one session)
GOALS = {"snips": {"intent_accuracy": 0.986, "slot_f1": 0.970, "exact_match": 0.928},
         "clinc150": {"in_scope_accuracy": 0.965, "oos_recall": 0.70}}


def load(name: str, folder: Path, limit: int | None) -> tuple[list[Example], list[Example], list[Example]]:
    data_format, path = ("bio", folder / "snips") if name == "snips" else ("clinc", folder / "clinc150")
    splits = [read_examples(path, data_format, split) for split in ("train", "dev", "test")]
    if limit:  # a small, fixed subset keeps the code path testable in minutes
        splits = [s[:: max(1, len(s) // n)][:n] for s, n in zip(splits, (limit, limit // 4, limit // 4))]
    return splits[0], splits[1], splits[2]


def clinc_scores(examples: list[Example], predictions) -> dict:
    in_scope = [(e, p) for e, p in zip(examples, predictions) if e.intent != "out_of_scope"]
    oos = [(e, p) for e, p in zip(examples, predictions) if e.intent == "out_of_scope"]
    return {"in_scope_accuracy": round(sum(p.intent == e.intent for e, p in in_scope) / max(1, len(in_scope)), 4),
            "oos_recall": round(sum(p.intent == "out_of_scope" for _, p in oos) / max(1, len(oos)), 4),
            "n": len(examples)}


def run_seed(name: str, splits, seed: int, epochs: int, out: Path, device: str = "cpu",
             rescore: bool = False, learning_rate: float = TrainOptions.learning_rate,
             train_embeddings: bool = False, init_seed: int | None = None) -> dict:
    """Train one seed (or, `rescore`, load the model a previous run saved) and score it on test."""
    train_split, dev, test = splits
    folder = out / f"{name}-seed{seed}"
    record = folder / "benchmark.json"  # how the saved model was trained
    if rescore:
        model = JointIntentSlotModel.from_pretrained(folder)
        if model.gazetteer is None:  # saved before models had one: fit it as training now does
            fit_gazetteer(model, train_split, dev)
            if model.gazetteer is not None:  # data without slot values (CLINC150) has none to save
                model.save_pretrained(folder)
        trained = json.loads(record.read_text()) if record.exists() else {}
    else:
        started = time.monotonic()
        options = TrainOptions(epochs=epochs, seed=seed, speech_variants=False, device=device,
                               learning_rate=learning_rate, train_embeddings=train_embeddings,
                               init_seed=init_seed)
        model = train(train_split, folder, options, dev)
        trained = {"trained_on": describe_device(device), "epochs": epochs, "learning_rate": learning_rate,
                   "train_minutes": round((time.monotonic() - started) / 60, 1), "init_seed": init_seed}
        record.write_text(json.dumps(trained) + "\n")
    metrics = test_scores(name, model, test)
    metrics.update(seed=seed, epochs=trained.get("epochs", epochs),
                   learning_rate=trained.get("learning_rate", TrainOptions.learning_rate),
                   train_embeddings=model.config.train_embeddings,
                   trained_on=trained.get("trained_on", describe_device("cpu")),
                   train_minutes=trained.get("train_minutes", 0.0), init_seed=trained.get("init_seed"))
    print(json.dumps(metrics), flush=True)
    return metrics


def test_scores(name: str, model: JointIntentSlotModel, test: list[Example]) -> dict:
    predictions = predict(Parser(model), test, pretokenized=True)
    metrics = score(test, predictions) if name == "snips" else clinc_scores(test, predictions)
    metrics.pop("top_confusions", None)
    metrics.update(oos_threshold=round(model.config.oos_threshold, 3),
                   novelty_threshold=model.config.novelty_threshold)
    return metrics


def run_soup(name: str, splits, seeds: range, out: Path) -> dict:
    """Average the weights of the seeds' saved models into one, calibrate it on dev, score it."""
    train_split, dev, test = splits
    models = [JointIntentSlotModel.from_pretrained(out / f"{name}-seed{seed}") for seed in seeds]
    soup = calibrate_and_save(average_weights(models), train_split, dev, out / f"{name}-soup")
    metrics = test_scores(name, soup, test)
    metrics["seeds"] = list(seeds)
    print(json.dumps({"soup": metrics}), flush=True)
    return metrics


METRICS = {"snips": ["intent_accuracy", "slot_f1", "exact_match"],
           "clinc150": ["in_scope_accuracy", "oos_recall"]}


def summarise(name: str, runs: list[dict]) -> tuple[str, dict]:
    keys = METRICS[name]
    mean = {k: statistics.mean(r[k] for r in runs) for k in keys}
    spread = {k: (min(r[k] for r in runs), max(r[k] for r in runs)) for k in keys}
    figures = " / ".join(f"{100 * mean[k]:.1f}" for k in keys)
    ranges = ", ".join(f"{k} {100 * lo:.1f}–{100 * hi:.1f}" for k, (lo, hi) in spread.items())
    seeds = f"{len(runs)} seed{'s' if len(runs) > 1 else ''}"
    return f"{figures} (mean of {seeds}; {ranges})", mean


def describe_device(device: str) -> str:
    if device.startswith("cuda"):
        import torch
        return torch.cuda.get_device_name(device)
    return f"{os.cpu_count()} CPU cores, no GPU" if device == "cpu" else device


def write_report(path: Path, name: str, line: str, mean: dict, runs: list[dict], command: str,
                 rescored: bool = False, soup: dict | None = None) -> None:
    metric_names = ("intent accuracy / slot F1 / sentence accuracy" if name == "snips"
                    else "in-scope accuracy / out-of-scope recall")
    minutes = sum(r["train_minutes"] for r in runs)
    missed = [k for k, goal in GOALS[name].items() if mean[k] < goal]
    verdict = ("Goal met." if not missed else
               "Goal not met yet on " + ", ".join(f"{k} ({100 * mean[k]:.1f} < {100 * GOALS[name][k]:.1f})"
                                                   for k in missed) + ".")
    where = "; ".join(sorted({r["trained_on"] for r in runs}))
    rows = [f"| {system} | {figures} |" for system, figures in PUBLISHED[name]]
    rows.append(f"| **this project**: MiniLM-L6 joint model (22M params) | **{line}** |")
    if soup is not None:
        figures = " / ".join(f"{100 * soup[k]:.1f}" for k in METRICS[name])
        rows.append(f"| **this project**: one model, the mean of those {len(runs)} runs' weights"
                    f" (22M params, `--soup`) | **{figures}** |")
        missed_by_soup = [k for k, goal in GOALS[name].items() if soup[k] < goal]
        shortfalls = ", ".join(f"{k} ({100 * soup[k]:.1f} < {100 * GOALS[name][k]:.1f})"
                               for k in missed_by_soup)
        verdict += (" The averaged model meets the goal." if not missed_by_soup else
                    f" The averaged model misses it on {shortfalls}.")
    section = [f"## {name}", "", (f"Test split, {metric_names}, in percent. `{command}`: "
                                  f"{minutes:.0f} minutes of training on {where}"
                                  + (", scored again with `--rescore`." if rescored else ".")),
               "", "| system | figures |",
               "| --- | --- |", *rows, "", verdict, ""]
    text = path.read_text() if path.exists() else "# NLU benchmarks\n\n"
    start = text.find(f"## {name}\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + "\n".join(section) + ("\n" + text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def run_benchmark(args: argparse.Namespace) -> int:
    folder = Path(args.data) if args.data else SHARED
    splits = load(args.name, folder, args.limit)
    epochs = args.epochs or DEFAULT_EPOCHS[args.name]
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    learning_rate = args.lr if args.lr is not None else TrainOptions.learning_rate
    runs = [run_seed(args.name, splits, seed, epochs, Path(args.out), args.device, args.rescore,
                     learning_rate, args.train_embeddings, args.init_seed)
            for seed in seeds]
    averaged = args.soup and len(runs) > 1
    soup = run_soup(args.name, splits, seeds, Path(args.out)) if averaged else None
    line, mean = summarise(args.name, runs)
    print(json.dumps({"benchmark": args.name, "mean": mean, "runs": runs, "soup": soup}))
    if args.report:
        trained_epochs = "/".join(sorted({str(r["epochs"]) for r in runs}))
        rates = "/".join(sorted({f"{r['learning_rate']:g}" for r in runs}))
        command = (f"python -m nlu benchmark {args.name} --seeds {args.seeds} --epochs {trained_epochs}"
                   f" --lr {rates}" + (" --train-embeddings" if all(r["train_embeddings"] for r in runs) else "")
                   + (f" --limit {args.limit}" if args.limit else "") + (" --soup" if soup else ""))
        init_seeds = {r["init_seed"] for r in runs}
        if len(init_seeds) == 1 and None not in init_seeds:
            command += f" --init-seed {init_seeds.pop()}"
        write_report(Path(args.report), args.name, line, mean, runs, command, args.rescore, soup)
    return 0
