"""python -m nlu train|evaluate|parse|average|benchmark"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="markup file/folder, bio folder or clinc json")
    parser.add_argument("--format", default="markup", choices=["markup", "bio", "clinc"])


def resolve_device(name: str) -> str:
    if name != "auto":
        return name
    import torch
    return "cuda" if torch.cuda.is_available() else "cpu"


def _add_device_argument(parser: argparse.ArgumentParser) -> None:
    # argparse passes the string default through `type` too, so "auto" is resolved here once
    parser.add_argument("--device", default="auto", type=resolve_device,
                        help="torch device to train on: auto (a GPU when there is one), cpu, cuda, ...")


def _add_int8_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--int8", action="store_true",
                        help="parse with an int8 copy of the model: faster, a little less accurate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="fine-tune a model")
    _add_data_arguments(train)
    train.add_argument("--out", required=True, help="folder for the trained model")
    train.add_argument("--dev", help="dev data (same format) for model selection, calibration and the "
                                     "gazetteer's weight; "
                                     "for bio/clinc the data's own dev split is used when present")
    train.add_argument("--epochs", type=int, default=8)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--lr", type=float, default=1.5e-4)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--init-seed", type=int, default=None,
                       help="seed of the heads' initial weights (default: --seed); runs meant to be "
                            "averaged (python -m nlu average) can share it")
    train.add_argument("--oos-threshold", type=float, default=None,
                       help="confidence below which an intent becomes out_of_scope "
                            "(default: fitted on dev; without dev 0, the trained out_of_scope class decides)")
    train.add_argument("--augment", type=int, default=None,
                       help="slot-substituted copies per example (default: 3 for markup, 0 otherwise)")
    train.add_argument("--max-steps", type=int, default=None, help="stop after N steps (quick runs)")
    train.add_argument("--heard", help="markup of training lines as the speech recognizer heard them "
                                       "(python -m asr hear): trained on as they are, not augmented")
    _add_device_argument(train)

    evaluate = commands.add_parser("evaluate", help="score a model on labelled data")
    _add_data_arguments(evaluate)
    evaluate.add_argument("--split", default="test", help="split of a bio/clinc data set")
    evaluate.add_argument("--model", help="model folder (default: the shipped model)")
    evaluate.add_argument("--predictions", help="write one turn JSON a line here")
    _add_int8_argument(evaluate)

    parse = commands.add_parser("parse", help="parse one utterance, print JSON")
    parse.add_argument("text")
    parse.add_argument("--model", help="model folder (default: the shipped model)")
    _add_int8_argument(parse)

    average = commands.add_parser("average",
                                  help="average the weights of models trained on the same labels")
    average.add_argument("models", nargs="+",
                         help="model folders (e.g. the same recipe with other seeds)")
    average.add_argument("--out", required=True, help="folder for the averaged model")
    average.add_argument("--dev", help="dev data to calibrate the averaged model on (else not)")
    average.add_argument("--data", help="the models' training data, for the novelty bank")
    average.add_argument("--format", default="markup", choices=["markup", "bio", "clinc"])

    bench = commands.add_parser("benchmark", help="train and test on a public benchmark")
    bench.add_argument("name", choices=["snips", "clinc150"])
    bench.add_argument("--data", help="benchmark folder (default: the shared data folder)")
    bench.add_argument("--seeds", type=int, default=3)
    bench.add_argument("--first-seed", type=int, default=0,
                       help="seeds run are first-seed .. first-seed+seeds-1 (split a benchmark over processes)")
    bench.add_argument("--epochs", type=int, default=None)
    bench.add_argument("--lr", type=float, default=None,
                       help="encoder learning rate (default: the trainer's, as for the assistant model)")
    bench.add_argument("--train-embeddings", action="store_true",
                       help="fine-tune the word embeddings too (the saved models then carry them)")
    bench.add_argument("--limit", type=int, default=None, help="use only N training examples")
    bench.add_argument("--out", default="runs/benchmarks")
    bench.add_argument("--report", default="docs/benchmarks.md")
    bench.add_argument("--rescore", action="store_true",
                       help="score the models a previous run saved in --out instead of training "
                            "(after a change to decoding or scoring)")
    bench.add_argument("--init-seed", type=int, default=None,
                       help="every seed's run starts from the heads this seed draws (for --soup)")
    bench.add_argument("--soup", action="store_true",
                       help="also average the seeds' weights into one model, calibrate it on dev "
                            "and score it")
    _add_device_argument(bench)
    return parser


def run_train(args: argparse.Namespace) -> int:
    from .data import read_examples
    from .train import TrainOptions, train

    examples = read_examples(args.data, args.format, "train")
    dev = None
    if args.dev:
        dev = read_examples(args.dev, args.format, "dev")
    elif args.format != "markup":
        try:
            dev = read_examples(args.data, args.format, "dev")
        except (FileNotFoundError, KeyError):
            dev = None
    options = TrainOptions(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                           seed=args.seed, init_seed=args.init_seed, max_steps=args.max_steps,
                           device=args.device,
                           augment_copies=args.augment if args.augment is not None
                           else (3 if args.format == "markup" else 0))
    heard = read_examples(args.heard, "markup") if args.heard else None
    started = time.monotonic()
    model = train(examples, args.out, options, dev, heard)
    if args.oos_threshold is not None:
        model.config.oos_threshold = args.oos_threshold
        model.save_pretrained(args.out)
    print(json.dumps({"out": str(args.out), "examples": len(examples), "heard": len(heard or []),
                      "seconds": round(time.monotonic() - started, 1),
                      "temperature": model.config.temperature,
                      "oos_threshold": model.config.oos_threshold}))
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from .data import read_examples
    from .evaluate import predict, score, write_predictions
    from .parser import Parser

    examples = read_examples(args.data, args.format, args.split)
    parser = Parser.from_pretrained(args.model, int8=args.int8)
    started = time.monotonic()
    predictions = predict(parser, examples, pretokenized=args.format != "markup")
    metrics = score(examples, predictions)
    metrics["seconds"] = round(time.monotonic() - started, 2)
    metrics["weights"] = parser.weights
    if args.predictions:
        write_predictions(args.predictions, predictions)
    print(json.dumps(metrics, indent=2))
    return 0


def run_average(args: argparse.Namespace) -> int:
    from .data import read_examples
    from .model import JointIntentSlotModel
    from .train import average_weights, calibrate_and_save

    models = [JointIntentSlotModel.from_pretrained(folder) for folder in args.models]
    dev = read_examples(args.dev, args.format, "dev") if args.dev else None
    examples = read_examples(args.data, args.format, "train") if args.data and dev else []
    model = calibrate_and_save(average_weights(models), examples, dev, args.out)
    print(json.dumps({"out": str(args.out), "models": len(models),
                      "temperature": model.config.temperature,
                      "oos_threshold": model.config.oos_threshold,
                      "novelty_threshold": model.config.novelty_threshold}))
    return 0


def run_parse(args: argparse.Namespace) -> int:
    from .parser import Parser

    parser = Parser.from_pretrained(args.model, int8=args.int8)
    print(json.dumps(parser.parse(args.text).to_json(), ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "benchmark":
            from .benchmark import run_benchmark
            return run_benchmark(args)
        return {"train": run_train, "evaluate": run_evaluate, "parse": run_parse,
                "average": run_average}[args.command](args)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
