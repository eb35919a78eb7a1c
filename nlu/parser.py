"""`Parser.parse(text) -> Interpretation`: the NLU's public face."""
from __future__ import annotations

import datetime as dt
import logging
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from .base import load_tokenizer
from .calibration import OUT_OF_SCOPE
from .data import spans_from_tags
from .decoding import allowed_starts, allowed_transitions, viterbi
from .encoding import Batch, encode
from .model import JointIntentSlotModel, JointOutput
from .normalize import normalize_slots
from .novelty import novelty
from .tokens import Token, joined_tokens, tokenize
from .traced import traced_forward
from .types import Interpretation, Slot

log = logging.getLogger(__name__)
MAX_CHARS = 1000  # longer input is cut: no command needs more, and parsing stays fast
SHIPPED_MODEL = Path(__file__).resolve().parents[1] / "resources/models/nlu"
"""The typed model; the one for speech is its `speech` folder."""


def default_model_dir() -> Path:
    override = os.environ.get("ASSISTANT_NLU_MODEL")
    return Path(override) if override else SHIPPED_MODEL


def speech_model_dir() -> Path:
    """The model that reads transcribed speech: trained on the same lines and on those lines as
    the recognizer hears them (`python -m asr hear`), so a misheard request is more often read
    right or as nothing, and less often as another command. A model chosen with
    ASSISTANT_NLU_MODEL reads speech too; so does the typed model where this one is missing."""
    override = os.environ.get("ASSISTANT_NLU_SPEECH_MODEL") or os.environ.get("ASSISTANT_NLU_MODEL")
    if override:
        return Path(override)
    shipped = SHIPPED_MODEL / "speech"
    return shipped if (shipped / "config.json").exists() else default_model_dir()


@torch.inference_mode()
def sentence_outputs(model: JointIntentSlotModel, sentences: Sequence[Sequence[str]]
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """Raw intent logits [sentences, intents] and sentence vectors [sentences, dim], in batches."""
    logits, vectors = [], []
    for i in range(0, len(sentences), 64):
        batch = encode(load_tokenizer(), sentences[i:i + 64], model.config.max_words)
        output = run_model(model, batch)
        logits.append(output.intent_logits)
        vectors.append(output.sentence_vectors)
    if not logits:
        return (torch.empty(0, len(model.config.intents)),
                torch.empty(0, model.encoder.config.hidden_size))
    return torch.cat(logits), torch.cat(vectors)


def run_model(model: JointIntentSlotModel, batch: Batch) -> JointOutput:
    """The model's outputs for an encoded batch, on the CPU whichever device the model is on."""
    output = model(batch.input_ids.to(model.device), batch.attention_mask.to(model.device))
    return JointOutput(*(tensor.cpu() for tensor in output))


def merge_adjacent(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join a span to the one before it when both have the same slot and touch: the tagger
    sometimes starts a name twice ("the" + "cold dead hand"); the user meant one value."""
    merged: list[tuple[int, int, str]] = []
    for first, last, name in spans:
        if merged and merged[-1][2] == name and merged[-1][1] == first:
            merged[-1] = (merged[-1][0], last, name)
        else:
            merged.append((first, last, name))
    return merged


@dataclass(frozen=True, eq=False)  # tensors have no one truth value to compare by
class Reading:
    """What the model made of one sentence, before slot decoding; no probabilities where the
    sentence had nothing to read (empty, or only symbols)."""
    text: str
    tokens: list[Token]
    intent_probs: torch.Tensor | None = None  # [intents], calibrated
    word_log_probs: torch.Tensor | None = None  # [words, tags], each word's first piece
    distance: float = 0.0  # novelty distance; 0 where novelty is off


def clean_text(text: str) -> str:
    """Normalise Unicode and whitespace, drop control characters, cut to MAX_CHARS."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:MAX_CHARS]


class Parser:
    """Finds the intent and slots of an utterance with the joint MiniLM model."""

    def __init__(self, model: JointIntentSlotModel, traced: bool = True, int8: bool = False) -> None:
        """`traced`: run a traced, frozen forward pass where the CPU allows (traced.py), the
        same answers sooner; `int8`: on an int8 copy, sooner still but a little less accurate.
        The eager model on a GPU, or when tracing fails."""
        self.model = model.eval()
        self.tokenizer = load_tokenizer()
        int8 = int8 and model.config.novelty_threshold is None  # its cut was fitted on float vectors
        self._traced_forward = traced_forward(self.model, int8) if traced or int8 else None
        self.weights = ("int8" if int8 else "float32") if self._traced_forward else "float32 eager"
        """What parsing runs on: "float32", "int8" (both traced) or "float32 eager"."""
        tags = model.config.slot_tags
        self._allowed = allowed_transitions(tags)
        self._starts = allowed_starts(tags)

    @classmethod
    def from_pretrained(cls, folder: str | Path | None = None, traced: bool = True,
                        int8: bool = False) -> Parser:
        return cls(JointIntentSlotModel.from_pretrained(folder or default_model_dir()), traced, int8)

    @property
    def intents(self) -> list[str]:
        return list(self.model.config.intents)

    def parse(self, text: str, now: dt.datetime | None = None) -> Interpretation:
        return self.parse_batch([text], now)[0]

    def parse_batch(self, texts: Sequence[str], now: dt.datetime | None = None) -> list[Interpretation]:
        cleaned = [clean_text(t) for t in texts]
        return self.decode(self._read_tokens(cleaned, [tokenize(t) for t in cleaned]), now)

    def parse_words(self, sentences: Sequence[Sequence[str]],
                    now: dt.datetime | None = None) -> list[Interpretation]:
        """Parse sentences already split into words (a benchmark's own tokenisation, which
        its slot spans are counted in); slot offsets are into the space-joined words."""
        return self.decode(self.read_words(sentences), now)

    def read_words(self, sentences: Sequence[Sequence[str]]) -> list[Reading]:
        """The model's outputs for sentences split into words, not yet decoded: what decoding
        settings (the gazetteer's weight) can be tried on without running the model again."""
        return self._read_tokens([" ".join(words) for words in sentences],
                                 [joined_tokens(words) for words in sentences])

    @torch.inference_mode()
    def _read_tokens(self, texts: Sequence[str], tokens: Sequence[Sequence[Token]]) -> list[Reading]:
        tokens = [list(words[: self.model.config.max_words]) for words in tokens]
        readings = [Reading(text, words) for text, words in zip(texts, tokens)]
        # empty, or only symbols and emoji: nothing for the model to read
        todo = [i for i, words in enumerate(tokens) if any(ch.isalnum() for t in words for ch in t.text)]
        for start in range(0, len(todo), 64):
            chunk = todo[start:start + 64]
            batch = encode(self.tokenizer, [[t.text for t in tokens[i]] for i in chunk],
                           self.model.config.max_words)
            output = (self._traced_forward(batch.input_ids, batch.attention_mask)
                      if self._traced_forward else run_model(self.model, batch))
            probs = torch.softmax(output.intent_logits / self.model.config.temperature, dim=-1)
            slot_log_probs = torch.log_softmax(output.slot_logits, dim=-1)
            distances = (novelty(output.sentence_vectors, self.model.novelty_bank.cpu())
                         if self.model.config.novelty_threshold is not None else torch.zeros(len(chunk)))
            for row, i in enumerate(chunk):
                readings[i] = Reading(texts[i], tokens[i], probs[row],
                                      slot_log_probs[row, batch.first_piece[row]], float(distances[row]))
        return readings

    def decode(self, readings: Sequence[Reading], now: dt.datetime | None = None) -> list[Interpretation]:
        """Interpretations of what `read_words` (or parsing) read, with the model's decoding
        settings as they are now."""
        config = self.model.config
        results = []
        for reading in readings:
            if reading.intent_probs is None:
                results.append(Interpretation(reading.text, OUT_OF_SCOPE, 1.0, {}))
                continue
            word_log_probs = reading.word_log_probs  # [words, tags]
            if self.model.gazetteer and config.gazetteer_weight:
                word_log_probs = word_log_probs + self.model.gazetteer.bias(
                    [t.text for t in reading.tokens[:len(word_log_probs)]], config.slot_tags,
                    config.gazetteer_weight)
            tags = [config.slot_tags[t] for t in viterbi(word_log_probs, self._allowed, self._starts)]
            results.append(self._interpret(reading.text, reading.tokens, reading.intent_probs,
                                           reading.distance, tags, now))
        return results

    def _interpret(self, text: str, tokens: list[Token], probs: torch.Tensor, distance: float,
                   tags: list[str], now: dt.datetime | None) -> Interpretation:
        config = self.model.config
        intents = config.intents
        ranked = torch.argsort(probs, descending=True).tolist()
        intent, confidence = intents[ranked[0]], float(probs[ranked[0]])
        alternatives = tuple((intents[j], round(float(probs[j]), 4)) for j in ranked[1:4])
        too_far = config.novelty_threshold is not None and distance > config.novelty_threshold
        if (confidence < config.oos_threshold or too_far) and OUT_OF_SCOPE in intents:
            alternatives = ((intent, round(confidence, 4)),) + alternatives
            intent, confidence = OUT_OF_SCOPE, float(probs[intents.index(OUT_OF_SCOPE)])
        if intent == OUT_OF_SCOPE:
            return Interpretation(text, intent, confidence, {}, alternatives)
        spans: dict[str, tuple[int, int]] = {}
        for first, last, name in merge_adjacent(spans_from_tags(tags)):
            if name not in spans:  # the first span of a slot wins
                spans[name] = (tokens[first].start, tokens[last - 1].end)
        values = normalize_slots({n: text[a:b] for n, (a, b) in spans.items()}, now)
        slots = {n: Slot(text[a:b], values[n], a, b) for n, (a, b) in spans.items()}
        return Interpretation(text, intent, confidence, slots, alternatives)
