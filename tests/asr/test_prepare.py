"""Preparing training data: the share of sentences Kokoro speaks stays put when sentences are
added (finished speech is never re-synthesised), and the decoder's common-English word list."""
from collections import defaultdict
from pathlib import Path

from asr.lm import read_background_words
from asr.prepare import (Utterance, _assign_share, _nlu_sentences, command_texts, lm_sentences, more_speech,
                         twice, write_background_words)
from asr.text import TOKENS, spoken_form
from asr.voices import held_out_voices, in_turn, kokoro_voices


def test_kokoro_share_is_fixed_by_each_sentence(tmp_path):
    texts = {f"sentence number {i}": 1 for i in range(400)}
    first, second = defaultdict(list), defaultdict(list)
    _assign_share(texts, kokoro_voices(), 0.2, tmp_path, 0, first)
    _assign_share(texts | {f"another sentence {i}": 1 for i in range(400)}, kokoro_voices(), 0.2, tmp_path, 0,
                  second)
    chosen = {item for items in first.values() for item in items}
    assert chosen <= {item for items in second.values() for item in items}
    assert 40 < len(chosen) < 120  # about a fifth of 400
    assert {voice.engine for voice in second} == {"kokoro"}


def test_more_speech_says_half_the_commands_and_all_general_sentences_again_with_fast_voices(tmp_path):
    commands = {f"set timer number {i}": 2 for i in range(400)}
    general = {f"a general sentence {i}": 1 for i in range(100)}
    first, again, other = defaultdict(list), defaultdict(list), defaultdict(list)
    more_speech(commands, general, tmp_path, 32, first)
    more_speech(commands, general, tmp_path, 32, again)
    more_speech(commands, general, tmp_path, 33, other)
    said = [text for items in first.values() for text, _ in items]
    assert {voice.engine for voice in first} == {"espeak", "flite"}
    assert set(general) <= set(said)
    assert 150 < sum(text in commands for text in said) < 250  # about half of 400
    assert len(said) == len(set(said))  # one more copy each, no more
    assert first == again  # the draw is fixed by the seed
    assert first != other


def test_each_dev_line_is_said_by_two_different_voices_whatever_the_line_count():
    voices = held_out_voices()
    for count in (len(voices) * 47, len(voices) * 47 + 2):
        lines = [f"dev line {i}" for i in range(count)]
        spoken = twice(lines, len(voices))
        voices_of = defaultdict(set)
        for voice, indices in in_turn(len(spoken), voices).items():
            for index in indices:
                voices_of[spoken[index]].add(voice)
        assert len(spoken) == 2 * count
        assert all(len(voices_of[line]) == 2 for line in lines), count
    odd = [f"dev line {i}" for i in range(len(voices) * 47 + 2)]
    assert twice(odd, len(voices)) == odd + odd  # the dev set already made stays as it was


def test_common_english_words_for_the_decoder(tmp_path):
    write_background_words(tmp_path / "words.tsv", count=5000)
    words = read_background_words(tmp_path / "words.tsv")
    assert len(words) == 5000 and {"the", "weather", "tomorrow", "don't"} <= set(words)
    assert all(set(word) <= set(TOKENS) for word in words)  # spellable by the model
    assert words["the"] > words["weather"] > 0
    assert not {"dont", "youre", "s", "ll"} & set(words)  # tokenizer debris the decoder would spell
    assert {"its", "were", "well"} <= set(words)


def test_a_damaged_word_list_loses_only_its_bad_lines(tmp_path):
    (tmp_path / "words.tsv").write_text("the\t0.05\nbroken line\nweather\tlots\ndenver\t2e-05\n")
    assert read_background_words(tmp_path / "words.tsv") == {"the": 0.05, "denver": 2e-05}
    assert read_background_words(tmp_path / "missing.tsv") == {}


def test_language_model_sentences_include_the_real_transcripts_once():
    real = [Utterance(Path("a.wav"), "three", "real:fsdd"), Utterance(Path("b.wav"), "three", "real:fsdd"),
            Utterance(Path("c.wav"), "set a timer", "real:speechocean762")]
    sentences = lm_sentences(["set a timer", "what time is it"], real)
    assert sentences == ["set a timer", "what time is it", "three"]


def test_no_substituted_copy_says_a_held_out_line(tmp_path):
    """A slot-substituted copy of a training line can happen to say a held-out line word for word:
    it is left out of the speech and the decoder's sentences, the training lines themselves are not."""
    from nlu.data import read_markup_lines

    (tmp_path / "train").mkdir(), (tmp_path / "test").mkdir()
    (tmp_path / "train" / "a.tsv").write_text("alarm.set\twake me at [six](time)\nalarm.set\tcall me at [seven](time)\n")
    copies = command_texts(read_markup_lines(tmp_path / "train"), 3)[2:]
    (tmp_path / "test" / "a.tsv").write_text(f"alarm.set\t{copies[0]}\nalarm.set\tcall me at seven\n")
    kept = _nlu_sentences(tmp_path / "train", 3)
    assert copies[0] not in kept
    assert kept[:2] == ["wake me at six", "call me at seven"] and copies[1:] == kept[2:]


def test_the_shipped_decoder_knows_every_training_command_and_no_held_out_one():
    """The language model follows the NLU's training sentences (refresh it with
    `python -m asr prepare --lm-only --out resources/models/asr` when they change), and never
    holds a held-out test command: the recognizer's test figures would flatter it."""
    from asr.lm import LM_CORPUS
    from nlu.data import read_markup_lines

    resources = Path(__file__).resolve().parents[2] / "resources"
    corpus = set((resources / "models/asr" / LM_CORPUS).read_text(encoding="utf-8").splitlines())

    def spoken(split):
        return {spoken_form(text) for _, text, _ in read_markup_lines(resources / "data/nlu" / split)}

    training, held_out = spoken("train"), spoken("test")
    assert training - {""} <= corpus, sorted(training - corpus)[:10]
    assert not held_out & corpus, sorted(held_out & corpus)[:10]
