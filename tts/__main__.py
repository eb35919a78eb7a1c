"""python -m tts say "TEXT" [-o OUT.wav] [--voice NAME] [--rate R] | voices | normalize "TEXT" """
from __future__ import annotations

import argparse
import json
import logging
import sys

from .types import SynthesisOptions, TTSError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    say = commands.add_parser("say", help="speak text on the default output device, or write a WAV")
    say.add_argument("text")
    say.add_argument("-o", "--output", help="write this WAV file instead of playing")
    say.add_argument("--voice", default="", help="voice name from `python -m tts voices`")
    say.add_argument("--rate", type=float, default=1.0, help="speaking rate, 1.0 is normal")
    say.add_argument("--volume", type=float, default=1.0)
    voices = commands.add_parser("voices", help="list the voices")
    voices.add_argument("--json", action="store_true", help="one JSON object a line")
    normalize = commands.add_parser("normalize", help="print the text as it would be spoken")
    normalize.add_argument("text")
    return parser


def run_say(args: argparse.Namespace) -> int:
    from .synthesizer import Synthesizer

    synthesizer = Synthesizer(SynthesisOptions(args.voice, args.rate, args.volume))
    if args.output:
        import soundfile

        speech = synthesizer.speak(args.text)
        soundfile.write(args.output, speech.audio, speech.sample_rate, subtype="PCM_16")
        print(json.dumps({"file": args.output, "seconds": round(speech.seconds, 3),
                          "sample_rate": speech.sample_rate, "voice": speech.voice,
                          "text": speech.text}))
        return 0
    from .playback import Player

    with Player() as player:
        player.play(synthesizer.stream(args.text))
        player.wait()
    return 0


def run_voices(args: argparse.Namespace) -> int:
    from .voices import list_voices, voices_dir

    voices = list_voices()
    for voice in voices:
        if args.json:
            print(json.dumps({"name": voice.name, "engine": voice.engine,
                              "language": voice.language,
                              "path": str(voice.path) if voice.path else None,
                              "description": voice.description}))
        else:
            print(f"{voice.name:<24} {voice.engine:<7} {voice.language:<6} {voice.description}")
    if not args.json:
        print(f"\nAdd Piper voices (NAME.onnx with NAME.onnx.json) to {voices_dir()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "say":
            return run_say(args)
        if args.command == "voices":
            return run_voices(args)
        from .normalize import normalize

        print(normalize(args.text))
        return 0
    except TTSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
