"""The public-benchmark path runs end to end on a few hundred examples, so it cannot rot."""
import argparse
import json

import pytest

from nlu.benchmark import SHARED, run_benchmark, write_report


@pytest.mark.parametrize("name", ["snips", "clinc150"])
def test_benchmark_path_on_a_small_subset(name, tmp_path, capsys):
    if not (SHARED / ("snips" if name == "snips" else "clinc150")).exists():
        pytest.skip("the shared benchmark data is not beside this checkout")
    report = tmp_path / "benchmarks.md"
    seeds = 2 if name == "clinc150" else 1  # and average the two into one model
    args = argparse.Namespace(name=name, data=None, seeds=seeds, first_seed=0, epochs=1, limit=240,
                              out=str(tmp_path / "runs"), report=str(report), device="cpu", rescore=False,
                              lr=3e-4, train_embeddings=False, soup=seeds > 1,
                              init_seed=0 if seeds > 1 else None)
    assert run_benchmark(args) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["benchmark"] == name and len(summary["runs"]) == seeds
    assert summary["runs"][0]["learning_rate"] == 3e-4
    text = report.read_text()
    assert "--lr 0.0003" in text
    if seeds > 1:
        assert 0 < summary["soup"]["in_scope_accuracy"] <= 1 and "--soup --init-seed 0" in text
        assert "the mean of those 2 runs' weights" in text
    assert f"## {name}" in text and "this project" in text and ("Larson" in text or "Chen" in text)

    # Scoring the saved model again gives the same figures and keeps the training time.
    args.rescore = True
    assert run_benchmark(args) == 0
    rescored = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rescored["mean"] == summary["mean"]
    assert rescored["runs"][0]["train_minutes"] == summary["runs"][0]["train_minutes"]
    assert rescored["runs"][0]["learning_rate"] == 3e-4
    assert "scored again with `--rescore`" in report.read_text()


def test_rerunning_one_benchmark_replaces_only_its_section(tmp_path):
    report = tmp_path / "benchmarks.md"
    snips = {"intent_accuracy": 0.99, "slot_f1": 0.97, "exact_match": 0.93}
    clinc = {"in_scope_accuracy": 0.97, "oos_recall": 0.75}
    runs = [{"train_minutes": 1.0, "trained_on": "2 CPU cores, no GPU"}]
    write_report(report, "snips", "first", snips, runs, "cmd")
    write_report(report, "clinc150", "clinc line", clinc, runs, "cmd")
    write_report(report, "snips", "second", snips, runs, "cmd")
    text = report.read_text()
    assert "first" not in text and text.count("## snips") == 1 and text.count("## clinc150") == 1
    assert "second" in text and "clinc line" in text
    assert "\n\n## clinc150" in text  # sections stay apart
