"""python -m asr prepare|train|interpolate|transcribe|evaluate|tune|hear"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path


def _prepare(args: argparse.Namespace) -> int:
    from .lm import BACKGROUND_WORDS
    from .prepare import prepare, write_lm_corpus

    if args.lm_only:
        count = write_lm_corpus(Path(args.out))
        print(f"{count} sentences in {Path(args.out) / 'lm_corpus.txt'}, common English words in "
              f"{Path(args.out) / BACKGROUND_WORDS}")
        return 0

    prepare(Path(args.out), command_copies=args.command_copies, workers=args.workers, seed=args.seed,
            more_speech_seed=args.more_speech)
    return 0


def _train(args: argparse.Namespace) -> int:
    from .train import WHISPER_SCHEDULE, TrainOptions, train

    options = TrainOptions(data=args.data, out=args.out, epochs=args.epochs, max_minutes=args.max_minutes,
                           batch_seconds=args.batch_seconds, anneal_epochs=args.anneal_epochs,
                           seed=args.seed)
    if args.real_copies is not None:
        options = dataclasses.replace(options, real_copies=args.real_copies)
    if args.architecture == "whisper":
        options = dataclasses.replace(options, architecture="whisper", **WHISPER_SCHEDULE)
    if args.peak_lr is not None:
        options = dataclasses.replace(options, peak_lr=args.peak_lr)
    print(train(options))
    return 0


def _interpolate(args: argparse.Namespace) -> int:
    import shutil

    from .model import CONFIG_NAME, WEIGHTS_NAME
    from .whisper_ctc import WhisperCTC

    source, out = Path(args.model), Path(args.out)
    if source.resolve() == out.resolve():
        raise SystemExit("--out must be another folder than --model")
    model = WhisperCTC.from_pretrained(source)
    if args.average:
        model = model.averaged_with(WhisperCTC.from_pretrained(Path(args.average)))
    model.toward_whisper(args.keep).save_pretrained(out)
    for path in source.iterdir():  # the decoder's settings and sentences travel with the model
        if path.is_file() and path.name not in (CONFIG_NAME, WEIGHTS_NAME):
            shutil.copyfile(path, out / path.name)
    print(out)
    return 0


def _recognizer(args: argparse.Namespace):
    from .recognizer import Recognizer

    return Recognizer.from_pretrained(args.model, beam=not args.greedy, int8=not args.float32)


ALTERNATIVES_SHOWN = 7
"""Runners-up in `transcribe --json`: as many as the assistant weighs besides the best."""


def _transcribe(args: argparse.Namespace) -> int:
    from .audio import AudioError

    recognizer = _recognizer(args)
    failed = 0
    for file in args.files:
        try:
            transcript = recognizer.transcribe(file)
        except AudioError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        rtf = transcript.processing_seconds / max(transcript.audio_seconds, 1e-9)
        if args.json:
            alternatives = [{"text": text, "score": round(score, 2)}
                            for text, score in transcript.alternatives[:ALTERNATIVES_SHOWN]]
            print(json.dumps({"file": file, "text": transcript.text, "seconds": round(transcript.audio_seconds, 3),
                              "rtf": round(rtf, 4), "confidence": round(transcript.confidence, 3),
                              "alternatives": alternatives}))
        else:
            print(f"{file}\t{transcript.text}")
    return 1 if failed else 0


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_manifest

    report = evaluate_manifest(_recognizer(args), Path(args.manifest), args.predictions)
    print(json.dumps(report, indent=2))
    return 0


TUNED_SETTINGS = ("lm_weight", "word_score", "rescore_weight")


def _tune(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .evaluate import tune_decoder
    from .recognizer import DECODER_CONFIG
    from .rescoring import Rescorer

    recognizer = _recognizer(args)
    rescorer = recognizer.rescorer or Rescorer.installed()
    options, results = tune_decoder(recognizer, Path(args.manifest), rescorer)
    for row in sorted(results, key=lambda r: r["wer"])[:5]:
        print(json.dumps(row))
    if args.model:
        settings = {k: v for k, v in asdict(options).items() if k in TUNED_SETTINGS}
        (Path(args.model) / DECODER_CONFIG).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {Path(args.model) / DECODER_CONFIG}")
    return 0


def _hear(args: argparse.Namespace) -> int:
    from .heard import RUNNERS_UP_FILE, write_heard
    from .prepare import HELD_OUT_SPLITS

    held_out = [Path(args.data).parent / split for split in HELD_OUT_SPLITS]
    count = write_heard(Path(args.out), Path(args.data), held_out, seed=args.seed, workers=args.workers)
    print(f"{count} heard lines in {args.out}, their runner-up readings in "
          f"{Path(args.out).parent / RUNNERS_UP_FILE}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m asr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    prep = commands.add_parser("prepare", help="synthesise the training speech")
    prep.add_argument("--out", default="runs/asr-data")
    prep.add_argument("--command-copies", type=int, default=2, help="voices per assistant command")
    prep.add_argument("--workers", type=int, default=2)
    prep.add_argument("--seed", type=int, default=0)
    prep.add_argument("--more-speech", type=int, metavar="SEED",
                      help="also say about half the commands and every general sentence once more, by "
                           "espeak-ng and flite voices drawn with this seed (stop 32's run: 32)")
    prep.add_argument("--lm-only", action="store_true",
                      help="only write the decoder's sentences and words (lm_corpus.txt, words.tsv) into --out, "
                           "e.g. a model folder")
    prep.set_defaults(run=_prepare)
    fit = commands.add_parser("train", help="train (or resume training) the acoustic model")
    fit.add_argument("--data", default="runs/asr-data", help="folder made by `prepare`")
    fit.add_argument("--out", default="runs/asr")
    fit.add_argument("--epochs", type=int, default=30)
    fit.add_argument("--max-minutes", type=float, default=0.0, help="stop with a checkpoint after this long")
    fit.add_argument("--batch-seconds", type=float, default=90.0)
    fit.add_argument("--real-copies", type=int, help="times each real recording appears per epoch (default 3)")
    fit.add_argument("--anneal-epochs", type=int, default=0,
                     help="take the learning rate linearly down to 1 %% over the last N epochs")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--architecture", choices=("conformer", "whisper"), default="conformer",
                     help="the Conformer from nothing, or Whisper tiny.en's encoder fine-tuned")
    fit.add_argument("--peak-lr", type=float, help="peak learning rate (default 1.5e-3; whisper: 2e-4)")
    fit.set_defaults(run=_train)
    mix = commands.add_parser("interpolate", help="move a fine-tuned Whisper-CTC model's encoder back "
                                                  "toward Whisper's own weights (WiSE-FT)")
    mix.add_argument("--model", required=True, help="a trained whisper-ctc folder")
    mix.add_argument("--keep", type=float, required=True, help="share of the fine-tuned weights, 0 to 1")
    mix.add_argument("--average", metavar="FOLDER",
                     help="first average the model with this one (another checkpoint of the same run)")
    mix.add_argument("--out", required=True)
    mix.set_defaults(run=_interpolate)
    for name, run in (("transcribe", _transcribe), ("evaluate", _evaluate)):
        command = commands.add_parser(name, help=f"{name} speech with a trained model")
        if name == "transcribe":
            command.add_argument("files", nargs="+")
            command.add_argument("--json", action="store_true", help="one JSON object a line")
        else:
            command.add_argument("--manifest", required=True, help="TSV: path<TAB>transcript")
            command.add_argument("--predictions", help="write path<TAB>reference<TAB>hypothesis here")
        command.add_argument("--model", help="model folder (default: the shipped model)")
        command.add_argument("--greedy", action="store_true", help="no language model: greedy decoding")
        command.add_argument("--float32", action="store_true",
                             help="the second pass (Whisper) in float32, not int8 (slower)")
        command.set_defaults(run=run)
    tune = commands.add_parser("tune", help="choose the LM weight, word score and second-pass weight on a dev manifest")
    tune.add_argument("--manifest", required=True)
    tune.add_argument("--model", help="model folder; the chosen settings are written into it")
    tune.set_defaults(run=_tune, greedy=False, float32=False)
    hear = commands.add_parser("hear", help="the NLU's training lines as the recognizer hears them "
                                            "(markup, for python -m nlu train --heard)")
    hear.add_argument("--data", default="resources/data/nlu/train", help="markup file or folder")
    hear.add_argument("--out", default="resources/data/nlu/heard/train.tsv")
    hear.add_argument("--workers", type=int, default=2)
    hear.add_argument("--seed", type=int, default=0)
    hear.set_defaults(run=_hear)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
