"""Multi-turn conversations through the engine, with the shipped model and real SQLite."""
import re
import time

import pytest

from assistant_app.engine import Assistant


def say(assistant, text):
    return assistant.handle_text(text)


def test_missing_duration_is_asked_for_then_filled(assistant):
    first = say(assistant, "set a timer")
    assert first.awaiting == "duration"
    second = say(assistant, "ten minutes")
    assert second.awaiting is None
    (started,) = [a for a in second.actions if a["type"] == "timer.started"]
    assert started["seconds"] == 600
    assert [e.seconds for e in assistant.store.active_events("timer")] == [600]


def test_a_name_given_for_how_long_labels_the_timer_and_asks_again(assistant):
    say(assistant, "timer")
    again = say(assistant, "pizza")
    assert again.awaiting == "duration" and "pizza" in again.reply
    say(assistant, "12 minutes")
    assert [(e.label, e.seconds) for e in assistant.store.active_events("timer")] == [("pizza", 720)]


def test_asking_how_to_use_a_skill_gets_its_help(assistant):
    reply = say(assistant, "how do I set a reminder")
    assert "reminders" in reply.reply and not assistant.store.active_events()


def test_cancel_abandons_the_pending_question(assistant):
    assert say(assistant, "remind me to call mom").awaiting == "time"
    reply = say(assistant, "never mind")
    assert reply.awaiting is None
    assert assistant.store.active_events() == []
    assert say(assistant, "in ten minutes").actions == () or \
        not any(a["type"] == "reminder.set" for a in say(assistant, "what time is it").actions)


def test_reminder_gathers_task_and_time_over_turns(assistant):
    assert say(assistant, "set a reminder").awaiting == "task"
    assert say(assistant, "water the plants").awaiting == "time"
    done = say(assistant, "in 20 minutes")
    (event,) = assistant.store.active_events("reminder")
    assert event.label == "water the plants"
    assert 19 * 60 < event.due_at - time.time() <= 20 * 60
    assert "water the plants" in done.reply


@pytest.mark.parametrize("answer, hour", [("tomorrow evening", 18), ("tomorrow afternoon", 15),
                                          ("tomorrow", 9)])
def test_a_part_of_the_day_sets_the_reminder_hour(assistant, answer, hour):
    import datetime as dt

    assert say(assistant, "remind me to call mom").awaiting == "time"
    say(assistant, answer)
    (event,) = assistant.store.active_events("reminder")
    moment = dt.datetime.fromtimestamp(event.due_at)
    assert (moment.date(), moment.hour) == (dt.date.today() + dt.timedelta(days=1), hour)


def test_a_repeating_alarm_is_set_once_and_says_so(assistant):
    reply = say(assistant, "set an alarm for 7am every weekday")
    assert len(assistant.store.active_events("alarm")) == 1
    assert "repeat" in reply.reply
    assert "repeat" not in say(assistant, "set an alarm for 8am").reply


def test_list_follow_ups_use_the_list_in_context(assistant):
    say(assistant, "add milk to my shopping list")
    say(assistant, "and eggs")
    assert assistant.store.list_items("shopping") == ["milk", "eggs"]
    say(assistant, "remove milk from it")
    assert assistant.store.list_items("shopping") == ["eggs"]
    shown = say(assistant, "what's on my shopping list")
    assert "eggs" in shown.reply and "milk" not in shown.reply


def test_an_accented_item_is_found_as_speech_spells_it(assistant):
    say(assistant, "add Crème brûlée and jalapeños to my shopping list")
    say(assistant, "remove creme brulee and jalapenos from my shopping list")
    assert assistant.store.list_items("shopping") == []


def test_replies_about_items_read_right_for_one_or_several(assistant):
    for text in ["add bananas, apples and oat milk to my shopping list", "add tomatoes to my shopping list",
                 "add bread to my shopping list", "add bread to my shopping list",
                 "remove bananas and apples from my shopping list"]:
        reply = say(assistant, text).reply
        assert not re.search(r"\b(?:is|are)\b", reply), reply  # no "tomatoes is", "bread are"
    assert assistant.store.list_items("shopping") == ["oat milk", "tomatoes", "bread"]


def test_which_lists_there_are(assistant):
    say(assistant, "add milk to my shopping list")
    say(assistant, "add balloons to the party list")
    reply = say(assistant, "what lists do i have").reply
    assert "shopping" in reply and "party" in reply
    assert say(assistant, "remove the party list").awaiting == "confirm"
    say(assistant, "yes")
    assert assistant.store.list_items("party") == [] and assistant.store.list_items("shopping") == ["milk"]
    assert "milk" in say(assistant, "what lists do i have").reply  # the one list left, read out
    say(assistant, "clear the shopping list")
    say(assistant, "yes")
    assert "don't have any lists" in say(assistant, "what lists do i have").reply


def test_quoted_items_are_stored_without_their_quotes(assistant):
    say(assistant, "add 'call grandma' to my to-do list")
    assert assistant.store.list_items("to-do") == ["call grandma"]


def test_clearing_a_whole_list_asks_first_and_removes_what_it_named(assistant):
    say(assistant, "add milk, eggs and bread to my shopping list")
    question = say(assistant, "clear my shopping list")
    assert question.awaiting == "confirm" and "3" in question.reply
    assert say(assistant, "no").awaiting is None
    assert assistant.store.list_items("shopping") == ["milk", "eggs", "bread"]
    assert say(assistant, "remove everything from my shopping list").awaiting == "confirm"
    assistant.store.add_items("shopping", ["butter"])  # added while the question was open: kept
    done = say(assistant, "yes")
    assert any(a["type"] == "list.removed" for a in done.actions)
    assert assistant.store.list_items("shopping") == ["butter"]


def test_clearing_asks_which_list_when_there_are_several(assistant):
    say(assistant, "add milk to my shopping list")
    say(assistant, "add call the bank to my to-do list")
    assistant.state.last_list = None  # no list in context
    assert say(assistant, "clear the list").awaiting == "list"
    assert say(assistant, "the to-do one").awaiting == "confirm"
    say(assistant, "yes")
    assert assistant.store.list_items("to-do") == [] and assistant.store.list_items("shopping") == ["milk"]


def test_an_unsure_request_confirmed_is_carried_out_as_it_was_said(assistant):
    say(assistant, "set a timer for 5 minutes")
    say(assistant, "set a timer for 10 minutes")
    assistant.settings.confirm_below = 1.0  # every request is unsure: "do you want me to cancel a timer?"
    question = say(assistant, "cancel all my timers")
    assert question.awaiting == "confirm"
    say(assistant, "yes")  # the request said all of them
    assert assistant.store.active_events("timer") == []


def test_cancel_it_cancels_the_timer_just_set(assistant):
    say(assistant, "set a pizza timer for 12 minutes")
    say(assistant, "set a pasta timer for 8 minutes")
    reply = say(assistant, "cancel it")
    assert any(a["type"] == "timer.cancelled" for a in reply.actions)
    assert [e.label for e in assistant.store.active_events("timer")] == ["pizza"]


def test_asking_after_a_timer_that_is_not_there_says_what_is(assistant):
    say(assistant, "set a tea timer for 3 minutes")
    reply = say(assistant, "how long is left on the pasta timer").reply
    assert "no pasta timer" in reply or "find the pasta timer" in reply
    assert "tea timer" in reply


def test_several_timers_ask_which_one_to_cancel(assistant):
    say(assistant, "set a pizza timer for 12 minutes")
    say(assistant, "set an egg timer for 5 minutes")
    assistant.state.last_event_id = None  # no "it" in context
    question = say(assistant, "cancel the timer")
    assert question.awaiting == "label"
    say(assistant, "the pizza one")
    assert [e.label for e in assistant.store.active_events("timer")] == ["egg"]


def test_destructive_cancel_all_asks_for_confirmation(assistant):
    say(assistant, "set a timer for 5 minutes")
    say(assistant, "set a timer for 10 minutes")
    question = say(assistant, "cancel all my timers")
    assert question.awaiting == "confirm"
    assert len(assistant.store.active_events("timer")) == 2
    say(assistant, "yes")
    assert assistant.store.active_events("timer") == []


def test_deny_keeps_things_as_they_were(assistant):
    say(assistant, "remind me to pay rent tomorrow at 9 am")
    assert say(assistant, "delete my reminder to pay rent").awaiting == "confirm"
    say(assistant, "no")
    assert len(assistant.store.active_events("reminder")) == 1


def test_repeat_says_the_last_reply_again(assistant):
    first = say(assistant, "what's 12 times 12")
    assert "144" in first.reply
    assert say(assistant, "say that again").reply == first.reply


def test_out_of_scope_is_answered_from_the_knowledge_base(assistant):
    reply = say(assistant, "does this work without internet")
    assert any(a["type"] == "knowledge.answer" for a in reply.actions)


def test_out_of_scope_without_an_answer_says_what_it_can_do(assistant):
    reply = say(assistant, "book me a flight to paris")
    assert reply.interpretation.intent == "out_of_scope"
    assert "I can set timers" in reply.reply and not reply.actions


def test_user_knowledge_file_is_picked_up_without_restart(assistant):
    folder = assistant.config_dir / "knowledge"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "home.md").write_text("## what is the wifi password | wifi password\nIt's hunter2, on the fridge.\n")
    assert "hunter2" in say(assistant, "what's the wifi password").reply


def test_an_unsure_reading_defers_to_a_question_the_user_wrote_down(assistant):
    folder = assistant.config_dir / "knowledge"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "home.md").write_text("## When is the bin collection? | When do the bins go out?\n"
                                    "Bins go out on Thursday evening.\n")
    response = say(assistant, "what bins go out")
    assert response.interpretation.confidence < assistant.settings.confirm_below  # not sure it is a list
    assert "Thursday" in response.reply
    assert "milk" in say(assistant, "add milk to my shopping list").reply  # sure readings are acted on


def test_a_request_a_skill_cannot_make_sense_of_defers_to_the_knowledge_base(assistant):
    folder = assistant.config_dir / "knowledge"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "home.md").write_text("## When is bin day?\nBins go out on Thursday evening.\n")
    response = say(assistant, "when is bin day")
    assert response.interpretation.intent == "date.query"  # and "bin day" is no date it knows
    assert "Thursday" in response.reply
    assert "couldn't work out" in say(assistant, "what day is blorp day").reply


def test_pending_question_survives_a_restart(parser):
    with Assistant(parser=parser) as first:
        assert first.handle_text("set a timer").awaiting == "duration"
    with Assistant(parser=parser) as second:
        reply = second.handle_text("five minutes")
        assert any(a["type"] == "timer.started" and a["seconds"] == 300 for a in reply.actions)


def test_replies_vary(assistant):
    replies = {say(assistant, "hello").reply for _ in range(6)}
    assert len(replies) > 1


def test_bad_input_always_gets_a_reply(assistant):
    for text in ["", "   ", "x" * 10_000, "🙂🙂🙂", "今日は何曜日ですか", "asdf ;lkj qwer", "\x00\x1b[31m",
                 "set a timer for " + "9" * 400 + " minutes"]:
        response = say(assistant, text)
        assert response.reply.strip()
    assert assistant.store.active_events() == []


@pytest.mark.parametrize("text", ["今日は何曜日ですか", "Wie spät ist es heute?", "¿Qué tiempo hace hoy?",
                                  "Quelle heure est-il, s'il vous plaît ?"])
def test_another_language_is_told_it_is_english_only(assistant, text):
    response = say(assistant, text)
    assert "English" in response.reply and not response.actions


def test_english_out_of_scope_is_not_taken_for_another_language(assistant):
    for text in ["book me a flight to paris", "order a pizza with extra cheese", "do me a favor and hack nasa"]:
        assert "English" not in say(assistant, text).reply


def test_alarm_time_asked_for_then_given(assistant):
    assert say(assistant, "set an alarm").awaiting == "time"
    done = say(assistant, "7:15 tomorrow morning")
    (alarm,) = assistant.store.active_events("alarm")
    import datetime as dt
    moment = dt.datetime.fromtimestamp(alarm.due_at)
    assert (moment.hour, moment.minute) == (7, 15)
    assert moment.date() == dt.date.today() + dt.timedelta(days=1)
    assert "7:15 AM tomorrow" in done.reply


@pytest.mark.parametrize("answers, days_ahead", [(["7:15"], None), (["tomorrow", "7:15"], 1),
                                                (["tomorrow", "at 7:15"], 1)])
def test_a_bare_clock_time_answers_what_time(assistant, answers, days_ahead):
    import datetime as dt

    assert say(assistant, "set an alarm").awaiting == "time"
    for answer in answers:
        say(assistant, answer)
    (alarm,) = assistant.store.active_events("alarm")
    moment = dt.datetime.fromtimestamp(alarm.due_at)
    assert (moment.hour % 12, moment.minute) == (7, 15)  # not a delay of 7 minutes 15 seconds
    if days_ahead is None:  # the next 7:15, morning or evening
        assert dt.timedelta(0) < moment - dt.datetime.now() <= dt.timedelta(hours=12)
    else:
        assert moment.hour == 7
        assert moment.date() == dt.date.today() + dt.timedelta(days=days_ahead)


def test_deleting_several_reminders_names_each(assistant):
    say(assistant, "remind me to pick up the kids in 2 hours")
    say(assistant, "remind me to renew my passport tomorrow at 10 am")
    question = say(assistant, "delete all my reminders")
    assert question.awaiting == "confirm"
    assert "2 reminders" in question.reply and "to pick up the kids and to renew" in question.reply
    assert "2 reminders" in say(assistant, "yes").reply
    assert assistant.store.active_events("reminder") == []


def test_reminders_of_next_week_are_the_whole_week(assistant):
    import datetime as dt

    noon = dt.datetime.combine(dt.date.today(), dt.time(12))
    assistant.store.add_event("reminder", "renew the passport", (noon + dt.timedelta(days=7)).timestamp())
    assistant.store.add_event("reminder", "book the dentist", (noon + dt.timedelta(days=14)).timestamp())
    week = say(assistant, "what reminders do i have next week")
    assert "passport" in week.reply and "dentist" not in week.reply
    none = say(assistant, "what reminders do i have tomorrow")
    assert "tomorrow" in none.reply and "passport" not in none.reply


def test_a_new_command_with_a_number_is_not_taken_for_the_time_asked(assistant):
    assert say(assistant, "remind me to call mom").awaiting == "time"
    answer = say(assistant, "what's 12 times 12")
    assert "144" in answer.reply and answer.awaiting is None
    assert assistant.store.active_events() == []  # not a reminder at 12 o'clock


def test_follow_up_with_and_adds_to_the_same_list(assistant):
    say(assistant, "put batteries on the hardware store list")
    say(assistant, "and also some duct tape")
    assert assistant.store.list_items("hardware store") == ["batteries", "duct tape"]


def test_a_plain_new_command_is_not_taken_as_the_answer(assistant):
    assert say(assistant, "set a reminder").awaiting == "task"
    reply = say(assistant, "what time is it")
    assert reply.interpretation.intent == "time.now" and reply.awaiting is None
    assert assistant.store.active_events() == []
    assert say(assistant, "set a reminder").awaiting == "task"
    assert say(assistant, "buy a birthday card").awaiting == "time"


def test_never_mind_later_on_keeps_what_was_set_earlier(assistant):
    say(assistant, "remind me to call the bank tomorrow at 9")
    say(assistant, "what's 12 times 12")
    reply = say(assistant, "never mind")
    assert not reply.actions
    assert [e.label for e in assistant.store.active_events("reminder")] == ["call the bank"]


def _local(event):
    import datetime as dt

    return dt.datetime.fromtimestamp(event.due_at)


def test_make_that_moves_the_alarm_just_set(assistant):
    import datetime as dt

    say(assistant, "wake me up at 6:45 tomorrow")
    reply = say(assistant, "actually make that 7")
    (alarm,) = assistant.store.active_events("alarm")
    assert (_local(alarm).date(), _local(alarm).time()) == (dt.date.today() + dt.timedelta(days=1), dt.time(7))
    assert "7 AM tomorrow" in reply.reply


def test_a_correction_keeps_the_reminders_task(assistant):
    import datetime as dt

    say(assistant, "remind me to call the bank tomorrow at 9")
    say(assistant, "no, make it 10:30 instead")
    (reminder,) = assistant.store.active_events("reminder")
    assert reminder.label == "call the bank"
    assert (_local(reminder).date(), _local(reminder).time()) == \
        (dt.date.today() + dt.timedelta(days=1), dt.time(10, 30))


def test_the_one_reminder_just_listed_can_be_moved(assistant):
    import datetime as dt

    say(assistant, "remind me to call the bank tomorrow at 9")
    say(assistant, "what are my reminders")
    say(assistant, "move it to 11")
    (reminder,) = assistant.store.active_events("reminder")
    assert reminder.label == "call the bank"
    assert (_local(reminder).date(), _local(reminder).time()) == \
        (dt.date.today() + dt.timedelta(days=1), dt.time(11))


def test_the_calculator_goes_on_from_its_last_answer(assistant):
    assert "36" in say(assistant, "what's 15 percent of 240").reply
    assert "108" in say(assistant, "and times 3").reply
    assert "54" in say(assistant, "divide that by 2").reply
    say(assistant, "what time is it")
    assert "54" not in say(assistant, "plus 10").reply  # no longer a follow-up


def test_a_conversion_follow_up_keeps_what_it_does_not_change(assistant):
    assert "16 tablespoons" in say(assistant, "how many tablespoons in a cup").reply
    assert "tablespoons" in say(assistant, "and in a liter").reply


def test_asking_for_alarms_tells_of_the_reminders_there_are(assistant):
    say(assistant, "remind me to pick up the dry cleaning tomorrow at 5 pm")
    reply = say(assistant, "any alarms tomorrow").reply
    assert "no alarms" in reply.lower() or "don't have any alarms" in reply
    assert "dry cleaning" in reply


def test_a_personal_question_finds_the_note_that_answers_it(assistant):
    say(assistant, "jot this down: parking spot is level 3 row F")
    assert "level 3 row F" in say(assistant, "where did I park").reply


def test_two_timers_asked_for_at_once_are_both_set(assistant):
    reply = say(assistant, "set a timer for 10 minutes and another one for 20 minutes")
    assert sorted(e.seconds for e in assistant.store.active_events("timer")) == [600, 1200]
    assert "10 minutes" in reply.reply and "20 minutes" in reply.reply


def test_a_question_about_the_user_is_not_answered_about_the_assistant(assistant):
    reply = say(assistant, "how many days until my birthday").reply
    assert "2026" not in reply and "started" not in reply  # the assistant's own "birthday"


def test_a_correction_changes_the_timer_length(assistant):
    say(assistant, "set a timer for 5 minutes")
    say(assistant, "make it 8 minutes")
    assert [e.seconds for e in assistant.store.active_events("timer")] == [480]


def test_make_it_without_a_time_is_not_a_correction(assistant):
    say(assistant, "set an alarm for 7am tomorrow")
    say(assistant, "make it loud")
    assert len(assistant.store.active_events("alarm")) == 1


def test_time_is_added_to_a_running_timer(assistant):
    say(assistant, "set a pasta timer for 3 minutes")
    say(assistant, "set a sauce timer for 10 minutes")
    reply = say(assistant, "add 2 minutes to the pasta timer")
    assert any(a["type"] == "timer.extended" for a in reply.actions)
    timers = {e.label: e for e in assistant.store.active_events("timer")}
    assert sorted(timers) == ["pasta", "sauce"]
    assert 4 * 60 < timers["pasta"].due_at - time.time() <= 5 * 60
    assert "5 minutes" in reply.reply
    say(assistant, "give it 5 more minutes")  # "it": the pasta timer just talked about
    pasta = next(e for e in assistant.store.active_events("timer") if e.label == "pasta")
    assert 9 * 60 < pasta.due_at - time.time() <= 10 * 60
    assert len(assistant.store.active_events("timer")) == 2


def test_another_timer_is_still_a_new_timer(assistant):
    say(assistant, "set a pasta timer for 3 minutes")
    say(assistant, "and another one for 10 minutes for the sauce")
    assert sorted(e.label for e in assistant.store.active_events("timer")) == ["pasta", "sauce"]


def test_a_question_about_something_noted_reads_the_note(assistant):
    say(assistant, "note that the wifi password is tulip42")
    say(assistant, "make a note: the spare key is under the blue pot")
    say(assistant, "take a note: the parking spot is B12")
    assert "tulip42" in say(assistant, "what was the wifi password").reply
    assert "B12" in say(assistant, "where did I park").reply
    assert "blue pot" in say(assistant, "where is the spare key").reply
    assert "tulip42" not in say(assistant, "what's the capital of peru").reply


def test_a_bare_hour_answers_what_time_not_which_day(assistant):
    assert say(assistant, "set an alarm").awaiting == "time"
    say(assistant, "7")
    (alarm,) = assistant.store.active_events("alarm")
    assert _local(alarm).hour in (7, 19)
    assert 0 < alarm.due_at - time.time() <= 86400  # the next 7 o'clock, not the 7th of the month


def test_the_closer_of_a_note_and_a_shipped_answer_is_given(assistant):
    say(assistant, "take a note: the wifi password is tulip42")
    assert "tulip42" in say(assistant, "what's the wifi password again").reply
    assert "offline" in say(assistant, "can I use you without wifi").reply  # the shipped answer
