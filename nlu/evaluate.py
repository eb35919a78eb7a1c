"""Intent accuracy, slot F1 (exact span and label, micro) and exact match."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .data import Example, spans_from_tags
from .model import JointIntentSlotModel
from .normalize import normalize_slots, words_to_digits
from .parser import Parser
from .tokens import joined_tokens
from .types import Interpretation


def gold_spans(example: Example) -> set[tuple[str, int, int]]:
    """(slot, start char, end char) in the space-joined words."""
    tokens = joined_tokens(example.words)
    return {(name, tokens[a].start, tokens[b - 1].end) for a, b, name in spans_from_tags(example.tags)}


def predicted_spans(interpretation: Interpretation) -> set[tuple[str, int, int]]:
    return {(name, slot.start, slot.end) for name, slot in interpretation.slots.items()}


def precision_recall_f1(true_positive: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / gold if gold else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(examples: Sequence[Example], predictions: Sequence[Interpretation]) -> dict:
    correct_intents = exact = true_positive = predicted_total = gold_total = 0
    confusions: Counter = Counter()
    for example, prediction in zip(examples, predictions):
        gold, found = gold_spans(example), predicted_spans(prediction)
        true_positive += len(gold & found)
        predicted_total += len(found)
        gold_total += len(gold)
        intent_ok = prediction.intent == example.intent
        correct_intents += intent_ok
        exact += intent_ok and gold == found
        if not intent_ok:
            confusions[(example.intent, prediction.intent)] += 1
    precision, recall, f1 = precision_recall_f1(true_positive, predicted_total, gold_total)
    n = max(1, len(examples))
    return {
        "n": len(examples),
        "intent_accuracy": round(correct_intents / n, 4),
        "slot_precision": round(precision, 4),
        "slot_recall": round(recall, 4),
        "slot_f1": round(f1, 4),
        "exact_match": round(exact / n, 4),
        "top_confusions": [f"{g} -> {p}: {c}" for (g, p), c in confusions.most_common(8)],
    }


def comparable(value: Any) -> Any:
    """A slot value as a user would judge it: "B12", "b twelve" and "b 12" are one note title."""
    if not isinstance(value, str) or re.fullmatch(r"\d{4}-\d\d-\d\d(T[\d:]+)?", value):
        return value  # seconds, numbers, ISO dates and times: already normalised
    return re.sub(r"[\W_]", "", words_to_digits(value.lower()))


def score_values(rows: Sequence[tuple[str, str, list[tuple[int, int, str]]]],
                 predictions: Sequence[Interpretation], now: dt.datetime) -> dict:
    """How often each request was understood, judged on slot values, not on where they stand
    in the text: what matters when the text is a transcript whose words differ from what was
    said. `rows` are markup lines (`data.read_markup_lines`), `predictions` parsed at `now`.
    Returns slot F1 over (slot, value) pairs and the share of requests with the right intent
    and exactly the right slot values."""
    true_positive = predicted_total = gold_total = understood = 0
    for (intent, text, spans), prediction in zip(rows, predictions):
        said: dict[str, str] = {}
        for start, end, name in spans:
            said.setdefault(name, text[start:end])  # the parser also keeps a slot's first span
        gold = {(n, comparable(v)) for n, v in normalize_slots(said, now).items()}
        found = {(n, comparable(s.value)) for n, s in prediction.slots.items()}
        true_positive += len(gold & found)
        predicted_total += len(found)
        gold_total += len(gold)
        understood += prediction.intent == intent and gold == found
    return {"slot_value_f1": round(precision_recall_f1(true_positive, predicted_total, gold_total)[2], 4),
            "understood": round(understood / max(1, len(rows)), 4)}


def predict(parser: Parser, examples: Sequence[Example], pretokenized: bool = False
            ) -> list[Interpretation]:
    """Parse each example's text as a user would type it or, `pretokenized`, in the example's
    own words (how benchmarks count slot spans: conlleval scores the data's tokens)."""
    if pretokenized:
        return parser.parse_words([e.words for e in examples])
    return parser.parse_batch([" ".join(e.words) for e in examples])


def evaluate_model(model: JointIntentSlotModel, examples: Sequence[Example]) -> dict:
    """Scores of the model as it is now (each epoch's model selection: no tracing)."""
    return score(examples, predict(Parser(model, traced=False), examples, pretokenized=True))


def write_predictions(path: str | Path, predictions: Sequence[Interpretation]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(prediction.to_json(), ensure_ascii=False) + "\n" for prediction in predictions)
