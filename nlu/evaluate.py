"""Intent accuracy, slot F1 (exact span and label, micro) and exact match."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .data import Example, spans_from_tags
from .model import JointIntentSlotModel
from .parser import Parser
from .tokens import joined_tokens
from .types import Interpretation


def gold_spans(example: Example) -> set[tuple[str, int, int]]:
    """(slot, start char, end char) in the space-joined words."""
    tokens = joined_tokens(example.words)
    return {(name, tokens[a].start, tokens[b - 1].end) for a, b, name in spans_from_tags(example.tags)}


def predicted_spans(interpretation: Interpretation) -> set[tuple[str, int, int]]:
    return {(name, slot.start, slot.end) for name, slot in interpretation.slots.items()}


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
    precision = true_positive / predicted_total if predicted_total else 1.0
    recall = true_positive / gold_total if gold_total else 1.0
    n = max(1, len(examples))
    return {
        "n": len(examples),
        "intent_accuracy": round(correct_intents / n, 4),
        "slot_precision": round(precision, 4),
        "slot_recall": round(recall, 4),
        "slot_f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4),
        "exact_match": round(exact / n, 4),
        "top_confusions": [f"{g} -> {p}: {c}" for (g, p), c in confusions.most_common(8)],
    }


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
