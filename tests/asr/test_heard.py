"""Training lines as the recognizer hears them: slots carried over to misheard words."""
import shutil
from pathlib import Path

import pytest

from nlu.data import bio_tags, parse_markup_line

from asr.heard import (RUNNERS_UP, RUNNERS_UP_FILE, fold_of, heard_line, leave_out_sentences, made_from,
                       markup_line, runners_up, spoken_words, without_held_out, write_heard)
from asr.prepare import held_out_sentences

ROOT = Path(__file__).resolve().parents[2]


def heard_as(line: str, heard: str) -> str:
    intent, text, spans = parse_markup_line(line)
    said, tags = spoken_words(text, spans)
    return heard_line(intent, said, tags, heard)


def test_spoken_words_say_numbers_and_keep_the_slots():
    intent, text, spans = parse_markup_line("reminder.set\tremind me to [call Bob](task) at [5:30 pm](time)!")
    words, tags = spoken_words(text, spans)
    assert words == ["remind", "me", "to", "call", "bob", "at", "five", "thirty", "p", "m"]
    assert tags == ["O", "O", "O", "B-task", "I-task", "O", "B-time", "I-time", "I-time", "I-time"]


def test_a_misheard_slot_value_keeps_its_slot():
    assert heard_as("list.add\tadd [tahini](item) to the [groceries](list) list",
                      "add to hen to the grocery list") == "list.add\tadd to [hen](item) to the [grocery](list) list"


def test_inserted_and_dropped_words():
    # "please" was never said (after the slot: outside it); "minutes" was not heard
    assert heard_as("timer.set\tset a timer for [5 minutes](duration)", "set a time for five minutes please") == \
        "timer.set\tset a time for [five minutes](duration) please"
    assert heard_as("timer.set\tset a timer for [5 minutes](duration)", "set a timer for five") == \
        "timer.set\tset a timer for [five](duration)"
    # a word heard inside a value stays in it
    assert heard_as("note.create\tnote [buy new shoes](content)", "note buy a new shoes") == \
        "note.create\tnote [buy a new shoes](content)"


def test_two_values_of_one_slot_stay_apart():
    line = heard_as("list.add\tadd [eggs](item) [milk](item) to my list", "add eggs milk to my list")
    assert parse_markup_line(line)[2] == [(4, 8, "item"), (9, 13, "item")]


def test_markup_reads_back_as_the_same_tags():
    words, tags = ["wake", "me", "at", "seven", "tomorrow"], ["O", "O", "O", "B-time", "B-date"]
    intent, text, spans = parse_markup_line(markup_line("alarm.set", words, tags))
    assert (intent, bio_tags(text, spans)) == ("alarm.set", (words, tags))


def test_each_half_is_decoded_without_its_own_lines():
    rows = [parse_markup_line(f"timer.set\tset a timer for [{n} minutes](duration) for the {name}")
            for n, name in [(3, "eggs"), (4, "tea"), (7, "rice"), (9, "pasta"), (11, "bread"), (13, "soup")]]
    for fold in (0, 1):
        sentences = set(leave_out_sentences(rows, fold))
        for _, text, _ in rows:
            said = " ".join(spoken_words(text, [])[0])
            assert (said in sentences) == (fold_of(text) != fold), (fold, said)


def test_lines_heard_as_a_held_out_line_are_dropped(tmp_path):
    (tmp_path / "test.tsv").write_text("media.pause\tpause the music\n")
    lines = ["media.pause\tpause the music", "media.pause\tpause them music please"]
    held_out = held_out_sentences([tmp_path, tmp_path / "missing"])
    assert without_held_out(lines, held_out) == lines[1:]


def test_hear_speaks_and_transcribes_training_lines(tmp_path):
    (tmp_path / "train.tsv").write_text("\n".join([
        "timer.set\tset a timer for [ten minutes](duration)",
        "weather.query\twhat's the weather like [tomorrow](date)",
        "greet\t..."]) + "\n")  # nothing to say: left out
    assert write_heard(tmp_path / "heard.tsv", tmp_path / "train.tsv", workers=1) in (1, 2)
    written = (tmp_path / "heard.tsv").read_text().splitlines()
    assert f"# made from: {made_from(tmp_path / 'train.tsv', ROOT / 'resources/models/asr')}" in written
    lines = [line for line in written if not line.startswith("#")]
    assert 1 <= len(lines) <= 2
    runners = (tmp_path / RUNNERS_UP_FILE).read_text().splitlines()
    assert f"# made from: {made_from(tmp_path / 'train.tsv', ROOT / 'resources/models/asr')}" in runners
    runners = [line for line in runners if not line.startswith("#")]
    assert 1 <= len(runners) <= RUNNERS_UP * len(lines)  # a beam search has runners-up
    for line in lines + runners:
        intent, text, _ = parse_markup_line(line)
        assert intent in ("timer.set", "weather.query") and text == text.lower() and text.strip()
    assert not set(lines) & set(runners)


def test_runners_up_are_the_next_distinct_readings():
    alternatives = [("set a timer for ten", -1.0), ("", -1.5), ("set a timer for ten", -2.0),
                    ("set the timer for ten minutes", -3.0), ("set a time for ten minutes", -4.0)]
    assert runners_up("set a timer for ten minutes", alternatives) == [
        "set a timer for ten", "set the timer for ten minutes"][:RUNNERS_UP]


@pytest.mark.parametrize("name", ["train.tsv", RUNNERS_UP_FILE])
def test_the_shipped_heard_lines_come_from_the_shipped_recognizer_and_training_lines(name):
    header = (ROOT / "resources/data/nlu/heard" / name).read_text(encoding="utf-8").splitlines()[:3]
    now = made_from(ROOT / "resources/data/nlu/train", ROOT / "resources/models/asr")
    assert f"# made from: {now}" in header, (
        "the training lines or the acoustic model changed since the heard lines were made: run "
        "python -m asr hear, then train resources/models/nlu/speech again (its model card)")


def test_a_new_training_line_or_acoustic_model_makes_the_heard_lines_stale(tmp_path):
    data, model = tmp_path / "train", tmp_path / "asr"
    data.mkdir()
    (data / "a.tsv").write_text("timer.set\tset a timer for [5 minutes](duration)\n")
    shutil.copytree(ROOT / "resources/models/asr", model, ignore=shutil.ignore_patterns("lm_corpus.txt"))
    first = made_from(data, model)
    (data / "b.tsv").write_text("# a comment changes nothing\n")
    assert made_from(data, model) == first
    (data / "b.tsv").write_text("greet\thello there\n")
    second = made_from(data, model)
    assert second != first
    (model / "decoder.json").write_text("{}")
    assert made_from(data, model) != second
