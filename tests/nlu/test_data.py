"""Reading the markup and BIO formats, and turning BIO tags back into spans."""
from pathlib import Path

import pytest

from nlu.data import parse_markup_line, read_examples, spans_from_tags

ROOT = Path(__file__).resolve().parents[2]


def test_markup_line_gives_plain_text_and_spans():
    intent, text, spans = parse_markup_line("timer.set\tset a [pizza](label) timer for [12 minutes](duration)")
    assert intent == "timer.set"
    assert text == "set a pizza timer for 12 minutes"
    assert [(text[a:b], name) for a, b, name in spans] == [("pizza", "label"), ("12 minutes", "duration")]


def test_markup_folder_becomes_bio_examples(tmp_path):
    (tmp_path / "a.tsv").write_text("# comment\n\nlist.add\tadd [oat milk](item) to my [shopping](list) list\n")
    (example,) = read_examples(tmp_path, "markup")
    assert example.words == ("add", "oat", "milk", "to", "my", "shopping", "list")
    assert example.tags == ("O", "B-item", "I-item", "O", "O", "B-list", "O")


def test_bad_markup_names_file_and_line(tmp_path):
    (tmp_path / "bad.tsv").write_text("greet\thello\nno tab here\n")
    with pytest.raises(ValueError, match=r"bad.tsv:2"):
        read_examples(tmp_path, "markup")


def test_bio_folder(tmp_path):
    split = tmp_path / "train"
    split.mkdir()
    (split / "seq.in").write_text("play jazz now\n")
    (split / "seq.out").write_text("O B-genre O\n")
    (split / "label").write_text("PlayMusic\n")
    (example,) = read_examples(tmp_path, "bio", "train")
    assert example.intent == "PlayMusic" and example.tags == ("O", "B-genre", "O")


def test_stray_inside_tag_starts_a_span():
    assert spans_from_tags(["O", "I-x", "I-x", "B-y", "O", "B-x"]) == [(1, 3, "x"), (3, 4, "y"), (5, 6, "x")]


def test_team_data_covers_every_intent_of_the_schema():
    schema = (Path(__file__).resolve().parents[3] / "shared/spec/intents.md")
    if not schema.exists():
        pytest.skip("the shared spec is not beside this checkout")
    import re
    intents = set(re.findall(r"^\| `([a-z_.]+)` \|", schema.read_text(), re.MULTILINE))
    for split in ("train", "test", "dev"):
        assert intents <= {e.intent for e in read_examples(ROOT / "resources/data/nlu" / split)}, split


def test_held_out_lines_never_appear_in_training():
    # Only test/: blind/ was written apart and shares many canonical commands ("hello", "yes").
    def normalised(examples):
        return {" ".join(w.lower() for w in e.words if any(c.isalnum() for c in w)) for e in examples} - {""}

    train = normalised(read_examples(ROOT / "resources/data/nlu/train"))
    train |= normalised(read_examples(ROOT / "resources/data/nlu/heard"))  # the same lines, misheard
    leaked = train & normalised(read_examples(ROOT / "resources/data/nlu/test"))
    assert not leaked, f"held-out lines leak into training: {sorted(leaked)[:5]}"
