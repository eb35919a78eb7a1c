"""Manifests and word/character error rates."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .text import edit_distance, scoring_form

if TYPE_CHECKING:
    from .decoding import BeamOptions
    from .recognizer import Recognizer
    from .rescoring import Rescorer


def read_manifest(path: str | Path) -> Iterator[tuple[Path, str, str]]:
    """TSV lines `path<TAB>transcript[<TAB>source]`, paths relative to the TSV -> (path, text, source)."""
    path = Path(path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}:{number}: expected path<TAB>transcript")
        audio = Path(parts[0]) if Path(parts[0]).is_absolute() else path.parent / parts[0]
        yield audio, parts[1], parts[2] if len(parts) > 2 else path.stem


def error_rates(references: Sequence[str], hypotheses: Sequence[str]) -> dict:
    """Corpus WER and CER over scoring forms (numbers as digits, so "5" and "five" agree)."""
    word_errors = words = char_errors = chars = 0
    for reference, hypothesis in zip(references, hypotheses):
        ref_words, hyp_words = scoring_form(reference), scoring_form(hypothesis)
        word_errors += edit_distance(ref_words, hyp_words)
        words += len(ref_words)
        ref_chars, hyp_chars = " ".join(ref_words), " ".join(hyp_words)
        char_errors += edit_distance(list(ref_chars), list(hyp_chars))
        chars += len(ref_chars)
    return {"n": len(references), "wer": word_errors / max(words, 1), "cer": char_errors / max(chars, 1)}


def evaluate_manifest(recognizer: Recognizer, manifest: Path, predictions: str | None = None) -> dict:
    """WER/CER/RTF of `recognizer` on a manifest, overall and per source (voice or corpus)."""
    rows = list(read_manifest(manifest))
    hypotheses, audio_seconds, processing = [], 0.0, 0.0
    for path, _, _ in rows:
        transcript = recognizer.transcribe(path)
        hypotheses.append(transcript.text)
        audio_seconds += transcript.audio_seconds
        processing += transcript.processing_seconds
    references = [text for _, text, _ in rows]
    report = error_rates(references, hypotheses) | {"rtf": processing / max(audio_seconds, 1e-9)}
    by_source: dict[str, list[int]] = {}
    for index, (_, _, source) in enumerate(rows):
        by_source.setdefault(source, []).append(index)
    if len(by_source) > 1:
        report["by_source"] = {source: error_rates([references[i] for i in indices], [hypotheses[i] for i in indices])
                               for source, indices in sorted(by_source.items())}
    if predictions:
        lines = [f"{path}\t{ref}\t{hyp}" for (path, ref, _), hyp in zip(rows, hypotheses)]
        Path(predictions).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


LM_WEIGHTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
WORD_SCORES = (-1.0, 0.0, 1.0, 2.0, 3.0)
"""The grid `tune_decoder` searches: well past the settings that have won so far (2.0 at most)."""


def tune_decoder(recognizer: Recognizer, manifest: Path, lm_weights: Sequence[float] = LM_WEIGHTS,
                 word_scores: Sequence[float] = WORD_SCORES) -> tuple[BeamOptions, list[dict]]:
    """Grid-search the LM weight and word score on a dev manifest (acoustic model run once)."""
    from .audio import load_audio

    rows = list(read_manifest(manifest))
    emissions = [recognizer.acoustic.log_probs(load_audio(path)) for path, _, _ in rows]
    references = [text for _, text, _ in rows]
    results = []
    for lm_weight in lm_weights:
        for word_score in word_scores:
            decoder = recognizer.search(replace(recognizer.options, lm_weight=lm_weight, word_score=word_score))
            hypotheses = [decoder.decode(e).text for e in emissions]
            results.append({"lm_weight": lm_weight, "word_score": word_score,
                            **error_rates(references, hypotheses)})
    best = min(results, key=lambda r: r["wer"])
    return replace(recognizer.options, lm_weight=best["lm_weight"], word_score=best["word_score"]), results


RESCORE_WEIGHTS = (0.0, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0)
"""The second pass's weights `tune_rescoring` tries (1.0 won on the dev set: WER 20.2 -> 18.8 %)."""


def tune_rescoring(recognizer: Recognizer, rescorer: Rescorer, manifest: Path, options: BeamOptions,
                   weights: Sequence[float] = RESCORE_WEIGHTS) -> tuple[BeamOptions, list[dict]]:
    """Grid-search the second pass's weight on a dev manifest, after the beam search with
    `options` (Whisper reads each utterance once)."""
    from .audio import load_audio
    from .recognizer import written_hypothesis
    from .rescoring import reorder

    rows = list(read_manifest(manifest))
    decoder = recognizer.search(options)
    first_pass, heard = [], []
    for path, _, _ in rows:
        audio = load_audio(path)
        hypothesis = written_hypothesis(decoder.decode(recognizer.acoustic.log_probs(audio)))
        first_pass.append(hypothesis)
        heard.append(rescorer.heard(audio, hypothesis))
    references = [text for _, text, _ in rows]
    results = [{"rescore_weight": weight, **error_rates(references, [
        reorder(hypothesis, scores, weight).text for hypothesis, scores in zip(first_pass, heard)])}
        for weight in weights]
    best = min(results, key=lambda r: r["wer"])
    return replace(options, rescore_weight=best["rescore_weight"]), results
