"""Slot normalisation tables: what a user says -> the value the skills get."""
import datetime as dt

import pytest

from nlu.normalize import (
    normalize_slots,
    parse_date,
    parse_duration,
    parse_level,
    parse_number,
    parse_time,
)

NOW = dt.datetime(2026, 11, 29, 14, 10)  # a Sunday afternoon


@pytest.mark.parametrize("text, seconds", [
    ("ten minutes", 600), ("an hour and a half", 5400), ("90 seconds", 90), ("half an hour", 1800),
    ("a minute", 60), ("two and a half hours", 9000), ("45 secs", 45), ("3 mins", 180), ("1h", 3600),
    ("quarter of an hour", 900), ("three quarters of an hour", 2700), ("1 hour 30 minutes", 5400),
    ("1h30", 5400), ("one hour and thirty minutes", 5400), ("a couple of minutes", 120),
    ("twenty five minutes", 1500), ("a day", 86400), ("5 and a half minutes", 330), ("1 second", 1),
    ("one minute and one second", 61), ("5-minute", 300), ("twenty-five minutes", 1500),
    ("a half-hour", 1800), ("5 more minutes", 300), ("2 extra minutes", 120),
])
def test_durations_become_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "pizza", "tomorrow", "10"])
def test_non_durations_give_none(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize("text, expected", [
    ("6:30", "2026-11-29T18:30:00"),  # 6:30 am has passed; the next 6:30 is this evening
    ("7 am", "2026-11-30T07:00:00"), ("7am", "2026-11-30T07:00:00"),
    ("seven thirty", "2026-11-29T19:30:00"), ("half past six", "2026-11-29T18:30:00"),
    ("quarter to eight", "2026-11-29T19:45:00"), ("noon", "2026-11-30T12:00:00"),
    ("midnight", "2026-11-30T00:00:00"), ("18:05", "2026-11-29T18:05:00"),
    ("6 30 pm", "2026-11-29T18:30:00"), ("five o'clock", "2026-11-29T17:00:00"),
    ("7:15 in the morning", "2026-11-30T07:15:00"), ("6:30 p.m.", "2026-11-29T18:30:00"),
    ("twenty past nine", "2026-11-29T21:20:00"), ("3 in the afternoon", "2026-11-29T15:00:00"),
])
def test_times_are_the_next_such_moment(text, expected):
    assert parse_time(text, None, NOW).isoformat() == expected


def test_time_on_a_later_day_prefers_morning_for_alarm_hours():
    tomorrow = dt.date(2026, 11, 30)
    assert parse_time("6:30", tomorrow, NOW).isoformat() == "2026-11-30T06:30:00"
    assert parse_time("5", tomorrow, NOW).isoformat() == "2026-11-30T17:00:00"


@pytest.mark.parametrize("text, expected", [
    ("tomorrow", "2026-11-30"), ("today", "2026-11-29"), ("tonight", "2026-11-29"),
    ("next friday", "2026-12-04"), ("friday", "2026-12-04"), ("on monday", "2026-11-30"),
    ("next sunday", "2026-12-06"), ("december 3rd", "2026-12-03"), ("the 3rd of december", "2026-12-03"),
    ("5 march", "2027-03-05"), ("march fifth", "2027-03-05"), ("the fifth of march", "2027-03-05"),
    ("christmas", "2026-12-25"), ("new year's eve", "2026-12-31"), ("in 3 days", "2026-12-02"),
    ("next week", "2026-12-06"), ("2027-01-05", "2027-01-05"), ("the day after tomorrow", "2026-12-01"),
    ("this weekend", "2026-12-05"), ("july 4th 1976", "1976-07-04"), ("4 july 1976", "1976-07-04"),
    ("christmas 2030", "2030-12-25"), ("march 3rd, 2031", "2031-03-03"),
    ("3 days ago", "2026-11-26"), ("a week ago", "2026-11-22"), ("two weeks from today", "2026-12-13"),
    ("5 days from now", "2026-12-04"), ("last friday", "2026-11-27"), ("last sunday", "2026-11-22"),
    ("10 days", "2026-12-09"),
    ("christmas eve", "2026-12-24"), ("fourth of july", "2027-07-04"), ("st. patrick's day", "2027-03-17"),
    ("thanksgiving", "2027-11-25"), ("till thanksgiving", "2027-11-25"), ("easter", "2027-03-28"),
    ("good friday", "2027-03-26"), ("easter monday", "2027-03-29"), ("mother's day", "2027-05-09"), ("fathers day", "2027-06-20"),
    ("memorial day 2027", "2027-05-31"), ("labour day", "2027-09-06"), ("mlk day", "2027-01-18"),
    ("thanksgiving 2026", "2026-11-26"), ("last christmas", "2025-12-25"), ("last thanksgiving", "2026-11-26"),
    ("last march 3rd", "2026-03-03"),
    ("feb 29", "2028-02-29"), ("2/29", "2028-02-29"), ("last february 29th", "2024-02-29"),
])
def test_dates_resolve_against_today(text, expected):
    assert parse_date(text, NOW).isoformat() == expected


@pytest.mark.parametrize("text", ["february 30", "2/30", "feb 29 2027", "13/45"])
def test_days_no_calendar_has_resolve_to_nothing(text):
    assert parse_date(text, NOW) is None


@pytest.mark.parametrize("text, number", [
    ("twenty three", 23), ("a hundred", 100), ("3.5", 3.5), ("one and a half", 1.5), ("1,000", 1000),
    ("minus five", -5), ("seven", 7), ("two hundred and fifty", 250),
])
def test_number_words(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text, level", [
    ("seventy percent", 70), ("half", 50), ("50%", 50), ("max", 100), ("7 out of 10", 70), ("thirty", 30),
    ("150", 100),
])
def test_volume_levels(text, level):
    assert parse_level(text) == level


def test_time_uses_the_date_slot():
    values = normalize_slots({"time": "6:30", "date": "tomorrow", "item": "milk"}, NOW)
    assert values == {"time": "2026-11-30T06:30:00", "date": "2026-11-30", "item": "milk"}


@pytest.mark.parametrize("date, time, expected", [
    ("this afternoon", "3", "2026-11-29T15:00:00"), ("tonight", "8", "2026-11-29T20:00:00"),
    ("tomorrow morning", "7", "2026-11-30T07:00:00"), ("tomorrow evening", "6:30", "2026-11-30T18:30:00"),
    ("friday afternoon", "2", "2026-12-04T14:00:00"), ("tonight", "1", "2026-11-30T01:00:00"),
    ("tomorrow morning", "7 pm", "2026-11-30T19:00:00"),
])
def test_a_part_of_the_day_settles_a_bare_hour(date, time, expected):
    assert normalize_slots({"date": date, "time": time}, NOW)["time"] == expected
