"""What the voice is given to say: written replies -> the words a person would read aloud."""
import time

import pytest

from tts.normalize import normalize
from tts.text import MAX_CHUNK_CHARS, clean, split_sentences


@pytest.mark.parametrize("text, spoken", [
    # replies the assistant gives (resources/data/responses.json, assistant_app/formatting.py)
    ("Timer set for 10 minutes.", "Timer set for ten minutes."),
    ("It's 7:30 PM.", "It's seven thirty PM."),
    ("Alarm set for 6:30 AM tomorrow.", "Alarm set for six thirty AM tomorrow."),
    ("Okay, I'll wake you at 5 PM on Friday, December 4.",
     "Okay, I'll wake you at five PM on Friday, December fourth."),
    ("Today is Sunday, November 29, 2026.",
     "Today is Sunday, November twenty-ninth, twenty twenty-six."),
    ("Your 10-minute timer is done!", "Your ten-minute timer is done!"),
    ("5 kilometers is 3.11 miles.", "five kilometers is three point one one miles."),
    ("Battery is at 85 percent, about 2 hours and 5 minutes left.",
     "Battery is at eighty-five percent, about two hours and five minutes left."),
    ("Memory is 40 percent used; 3.2 of 16 gigabytes free.",
     "Memory is forty percent used; three point two of sixteen gigabytes free."),
    ("23 * 4 is 92.", "twenty-three times four is ninety-two."),
    ("20 - 5 is 15.", "twenty minus five is fifteen."),
    ("Hello! What can I do for you?", "Hello! What can I do for you?"),
])
def test_replies_read_as_a_person_would(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("1,234,567", "one million two hundred and thirty-four thousand five hundred and sixty-seven"),
    ("the 1st, 2nd, 3rd and 22nd", "the first, second, third and twenty-second"),
    ("3.14", "three point one four"), ("0.5", "zero point five"),
    ("-5 degrees", "minus five degrees"), ("It is -3 °C", "It is minus three degrees Celsius"),
    ("15%", "fifteen percent"), ("-2.5%", "minus two point five percent"),
    ("5-10 minutes", "five to ten minutes"), ("007", "zero zero seven"), ("b12", "b twelve"),
    ("1/2", "one half"), ("3/4", "three quarters"), ("24/7", "twenty-four seven"),
    ("in 1999", "in nineteen ninety-nine"), ("version 1.2.3", "version one point two point three"),
])
def test_numbers(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("7:30 am", "seven thirty AM"), ("7:05 pm", "seven oh five PM"), ("7 pm", "seven PM"),
    ("5pm", "five PM"), ("18:05", "six oh five PM"), ("18:00", "six PM"),
    ("12:00", "twelve o'clock"),
    ("07:15", "seven fifteen AM"), ("00:00", "midnight"), ("12:05 am", "twelve oh five AM"),
    ("at 7 a.m. Then go.", "at seven AM. Then go."),
    ("2026-11-29", "November twenty-ninth, twenty twenty-six"), ("Nov 29", "November twenty-ninth"),
    ("Nov. 29", "November twenty-ninth"), ("on 3 Dec.", "on the third of December."),
    ("Fri, Nov 29", "Friday, November twenty-ninth"),
    ("1 h 30 min", "one hour thirty minutes"), ("90 s", "ninety seconds"), ("2 hrs", "two hours"),
    ("1 min", "one minute"), ("1h30", "one hour thirty minutes"),
])
def test_times_dates_and_durations(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("5 km", "five kilometers"), ("1 km", "one kilometer"), ("3 kg", "three kilograms"),
    ("20 °C", "twenty degrees Celsius"), ("20°C", "twenty degrees Celsius"),
    ("68 °F", "sixty-eight degrees Fahrenheit"), ("50 km/h", "fifty kilometers per hour"),
    ("250 ml", "two hundred and fifty milliliters"), ("2 lb", "two pounds"), ("1 ft", "one foot"),
    ("$5.50", "five dollars and fifty cents"), ("$1", "one dollar"), ("€3", "three euros"),
    ("£10", "ten pounds"), ("5 €", "five euros"), ("$0.99", "ninety-nine cents"),
    ("$1.01", "one dollar and one cent"),
    ("$1.5 million", "one point five million dollars"),
    ("Dr. Smith lives on Elm St.", "Doctor Smith lives on Elm Street."),
    ("St. Louis", "Saint Louis"),
    ("Fruit, e.g. apples, etc.", "Fruit, for example apples, et cetera."),
    ("approx. 5 kg", "approximately five kilograms"), ("Rock & roll", "Rock and roll"),
])
def test_units_money_and_abbreviations(text, spoken):
    assert normalize(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("", ""), ("   ", ""), ("🙂👍🏽❤️", ""), ("Done 🎉!", "Done!"),
    ("**Note:** see [the docs](https://example.com) or `run()`", "Note: see the docs or run()"),
    ("<p>Hi &amp; bye</p>", "Hi and bye."), ("# Title\n- one\n- two", "Title. one. two"),
    ("Open https://www.example.com/path?q=1 now", "Open example dot com now"),
    ("Hello 你好 world", "Hello world"), ("你好", ""), ("Привет, Bob!", "Bob!"),
    ("Café déjà vu", "Café déjà vu"),
])
def test_markup_emoji_and_other_scripts(text, spoken):
    assert normalize(text) == spoken


def test_other_languages_keep_their_letters_and_digits():
    assert normalize("**Привет**, 5 🙂", language="ru") == "Привет, 5"
    assert clean("Привет", latin_only=False) == "Привет"


def test_sentences_are_split_and_long_ones_cut():
    assert split_sentences("Hello there. How are you? Fine! Ok.") == [
        "Hello there.", "How are you?", "Fine!", "Ok."]
    long = "word, " * 300 + "x" * 1000 + ". End."
    chunks = split_sentences(long)
    assert max(len(chunk) for chunk in chunks) <= MAX_CHUNK_CHARS
    assert chunks[-1] == "End."
    assert "".join(chunks).count("x") == 1000


@pytest.mark.parametrize("hostile", [
    "[" * 20_000, "**a " * 5_000, "1" * 20_000, "$" + "1" * 20_000, "1" * 20_000 + "th",
    "Dr. " * 5_000, "1:" * 10_000, "<script" * 3_000, "`a " * 6_666, "\n" * 20_000,
])
def test_hostile_text_normalises_quickly(hostile):
    started = time.perf_counter()
    chunks = split_sentences(normalize(hostile))
    assert time.perf_counter() - started < 3.0  # linear, not quadratic: ~0.1 s each here
    assert all(len(chunk) <= MAX_CHUNK_CHARS for chunk in chunks)
