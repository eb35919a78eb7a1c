"""Manifests and word/character error rates."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
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


LM_WEIGHTS = (1.5, 2.0, 2.5, 3.0, 3.5)
WORD_SCORES = (-1.0, 0.0, 1.0)
"""The first-pass grid `tune_decoder` searches, around every setting that has won so far (LM
weight 2.0-3.0, word score -1 to 2; 2.0 only with the 4,423-word lexicon): each point decodes
the whole dev set with a beam of 512, so a wider grid took a quarter of an hour on 2 cores."""
RESCORE_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
"""The second pass's weights `tune_decoder` tries with each first-pass setting (1.0 won with the
beam's readings alone, 2.5 with Whisper's own readings among them)."""


def tune_decoder(recognizer: Recognizer, manifest: Path, rescorer: Rescorer | None = None,
                 lm_weights: Sequence[float] = LM_WEIGHTS, word_scores: Sequence[float] = WORD_SCORES,
                 rescore_weights: Sequence[float] = RESCORE_WEIGHTS) -> tuple[BeamOptions, list[dict]]:
    """Grid-search the LM weight, word score and (with `rescorer`) second-pass weight together
    on a dev manifest, by the WER of the final readings: the best first-pass setting need not be
    the best one to rescore. The acoustic model reads each file once, and Whisper each distinct
    set of close readings once (with its own readings, as `Recognizer.decode` reads them)."""
    from .audio import load_audio
    from .recognizer import written_hypothesis
    from .rescoring import close_readings, own_readings, reorder

    rows = list(read_manifest(manifest))
    audio = [load_audio(path) for path, _, _ in rows]
    emissions = [recognizer.acoustic.log_probs(clip) for clip in audio]
    references = [text for _, text, _ in rows]
    listened: dict[tuple[int, tuple[str, ...]], tuple[dict, dict]] = {}
    results = []
    for lm_weight in lm_weights:
        for word_score in word_scores:
            options = replace(recognizer.options, lm_weight=lm_weight, word_score=word_score)
            decoder = recognizer.search(options)
            hypotheses = [written_hypothesis(decoder.decode(e)) for e in emissions]
            second = []
            for i, hypothesis in enumerate(hypotheses):
                key = (i, tuple(close_readings(hypothesis)))
                if rescorer and key not in listened:
                    listened[key] = rescorer.listen(audio[i], hypothesis, own=True)
                heard, own = listened.get(key, ({}, {}))
                second.append((heard, own_readings(hypothesis, own, partial(decoder.score, emissions[i])) if own else {}))
            for weight in rescore_weights if rescorer else (0.0,):
                texts = [reorder(h, heard, weight, own).text for h, (heard, own) in zip(hypotheses, second)]
                results.append({"lm_weight": options.lm_weight, "word_score": options.word_score,
                                "rescore_weight": weight, **error_rates(references, texts)})
    best = min(results, key=lambda r: r["wer"])
    return replace(recognizer.options, lm_weight=best["lm_weight"], word_score=best["word_score"],
                   rescore_weight=best["rescore_weight"]), results

