"""Named lists (shopping, to-do, ...) and free-text notes."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rapidfuzz import fuzz, process

from ..dialogue.state import Frame
from ..formatting import format_date, join_words
from .base import Outcome, Skill, SkillContext

_LIST_ALIASES = {"grocery": "shopping", "groceries": "shopping", "shop": "shopping",
                 "todo": "to-do", "to do": "to-do", "to dos": "to-do", "todos": "to-do", "tasks": "to-do"}
_PRONOUNS = {"it", "that", "this", "that one", "this one", "them", "the list", "list"}
_EVERYTHING = re.compile(r"^(?:everything|all(?: of it| of them| items| the items| the things)?"
                         r"|every item|the whole (?:thing|list)|the lot)$", re.I)
_CLEARING = re.compile(r"\b(?:clear|empty|wipe|delete|erase|everything|all)\b"
                       r"|\b(?:remove|scrap|trash|get rid of)\s+(?:(?!from\b|off\b)[\w-]+\s+){0,3}?list\b", re.I)
"""Words that mean a whole list, when no item is named: "clear the list", "remove the party list"."""
_ALL_LISTS = re.compile(r"\b(?:lists|all (?:of )?my lists|which lists)\b", re.I)
CLEARING = "_clearing"  # frame slot: the whole list goes; once asked yes or no, the items the question named


def list_name(text: str | None) -> str | None:
    """"my Grocery list" -> "shopping"; pronouns and empty text -> None."""
    if not text:
        return None
    name = re.sub(r"^(?:the|my|our|a)\s+", "", text.strip().lower())
    name = re.sub(r"\s+list$", "", name).strip(" .?!")
    if not name or name in _PRONOUNS:
        return None
    return _LIST_ALIASES.get(name, name)


def split_items(text: str) -> list[str]:
    """"milk, eggs and some bread" -> ["milk", "eggs", "bread"]."""
    parts = re.split(r"\s*(?:,|;|\band also\b|\band\b|&|\bplus\b)\s*", text.strip(" .!?"))
    items = []
    for part in parts:
        part = re.sub(r"^(?:some|a|an|the|more)\s+", "", part.strip(" '\"“”‘’"), flags=re.I)
        if part and part.lower() not in _PRONOUNS:
            items.append(part)
    return items


def find_item(item: str, present: list[str]) -> str | None:
    """The list entry the user means: "egg" finds "eggs", a typo still finds its item, and
    "creme brulee" (as speech spells it) finds "Crème brûlée"."""
    best = process.extractOne(item, present, scorer=fuzz.WRatio, score_cutoff=85,
                              processor=_unaccented) if present else None
    return best[0] if best else None


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def means_whole_list(items: list[str], utterance: str) -> bool:
    """"clear my shopping list", "remove everything from it", "delete the to-do list"."""
    if items:
        return all(_EVERYTHING.match(item) for item in items)
    return bool(_CLEARING.search(utterance))


class ListSkill(Skill):
    name = "lists"
    summary = "keep shopping, to-do and other lists"
    example = "add oat milk to my shopping list"
    intents = ("list.add", "list.remove", "list.show")

    def _which_list(self, frame: Frame, ctx: SkillContext) -> str | None:
        named = list_name(frame.slots.get("list"))
        if named:
            return named
        if ctx.state.last_list:
            return ctx.state.last_list
        names = ctx.store.list_names()
        if len(names) == 1:
            return names[0]
        return ctx.settings.default_list if not names and frame.intent == "list.add" else None

    def asks_first(self, frame: Frame, ctx: SkillContext) -> bool:
        return frame.intent == "list.remove" and \
            means_whole_list(split_items(str(frame.slots.get("item", ""))), ctx.utterance)

    def list_add(self, frame: Frame, ctx: SkillContext) -> Outcome:
        items = split_items(str(frame.slots.get("item", "")))
        if not items:  # "start a packing list": a list is made by what goes on it
            named = list_name(frame.slots.get("list"))
            return Outcome(ctx.say("list.ask_item_for", list=named) if named else ctx.say("list.ask_item"),
                           ask="item", frame=frame)
        name = self._which_list(frame, ctx)
        if name is None:
            return Outcome(ctx.say("list.ask_list", items=join_words(items)), ask="list", frame=frame)
        added = ctx.store.add_items(name, items)
        ctx.state.last_list = name
        skipped = [i for i in items if i not in added]
        if not added:
            return Outcome(ctx.say("list.already", items=join_words(skipped), list=name))
        reply = ctx.say("list.added", items=join_words(added), list=name)
        if skipped:
            reply += " " + ctx.say("list.already", items=join_words(skipped), list=name)
        return Outcome(reply, ({"type": "list.added", "list": name, "items": added},))

    def list_remove(self, frame: Frame, ctx: SkillContext) -> Outcome:
        items = split_items(str(frame.slots.get("item", "")))
        if CLEARING in frame.slots or means_whole_list(items, ctx.utterance):
            return self._clear(frame.with_slot(CLEARING, frame.slots.get(CLEARING), ""), ctx)
        if not items:
            return Outcome(ctx.say("list.ask_remove_item"), ask="item", frame=frame)
        name = self._which_list(frame, ctx)
        if not list_name(frame.slots.get("list")):  # "I bought the milk": the list that has milk
            name = self._list_holding(items, ctx) or name
        if name is None:
            return Outcome(ctx.say("list.ask_list", items=join_words(items)), ask="list", frame=frame)
        present = ctx.store.list_items(name)
        matched, missing = [], []
        for item in items:
            best = find_item(item, present)
            (matched.append(best) if best else missing.append(item))
        removed = ctx.store.remove_items(name, matched)
        ctx.state.last_list = name
        if not removed:
            return Outcome(ctx.say("list.not_on", items=join_words(missing or items), list=name))
        reply = ctx.say("list.removed", items=join_words(removed), list=name)
        if missing:
            reply += " " + ctx.say("list.not_on", items=join_words(missing), list=name)
        return Outcome(reply, ({"type": "list.removed", "list": name, "items": removed},))

    @staticmethod
    def _list_holding(items: list[str], ctx: SkillContext) -> str | None:
        """The one list that has all these items, if exactly one has (the one in use first)."""
        names = ctx.store.list_names()
        if ctx.state.last_list in names:
            names.remove(ctx.state.last_list)
            names.insert(0, ctx.state.last_list)
        holding = [n for n in names if all(find_item(i, ctx.store.list_items(n)) for i in items)]
        return holding[0] if holding and (len(holding) == 1 or holding[0] == ctx.state.last_list) else None

    def _clear(self, frame: Frame, ctx: SkillContext) -> Outcome:
        """Empty a whole list, after a yes: exactly the items it held when asked."""
        name = self._which_list(frame, ctx)
        if name is None:
            return Outcome(ctx.say("list.ask_clear_list"), ask="list", frame=frame)
        ctx.state.last_list = name
        chosen = frame.slots[CLEARING]
        if not (frame.confirmed and isinstance(chosen, list)):  # a yes to "remove something?" is not enough
            present = ctx.store.list_items(name)
            if not present:
                return Outcome(ctx.say("list.empty", list=name))
            count = len(present)
            what = "the one item" if count == 1 else "both items" if count == 2 else f"all {count} items"
            question = ctx.say("list.confirm_clear", what=what, count=count, s="s" if count > 1 else "",
                               list=name)
            return Outcome(question, ask="confirm", frame=frame.with_slot(CLEARING, present, ""))
        removed = ctx.store.remove_items(name, chosen)
        return Outcome(ctx.say("list.cleared", list=name),
                       ({"type": "list.removed", "list": name, "items": removed},))

    def list_show(self, frame: Frame, ctx: SkillContext) -> Outcome:
        named = list_name(frame.slots.get("list"))
        names = ctx.store.list_names() if not named and _ALL_LISTS.search(ctx.utterance) else None
        if names is not None and not names:  # "what lists do I have", after the last was cleared
            return Outcome(ctx.say("list.no_lists"))
        if names and len(names) > 1:  # "what lists do I have"
            return Outcome(ctx.say("list.names", count=len(names), names=join_words(names)))
        name = named or (names[0] if names else self._which_list(frame, ctx))
        if name is None:
            names = ctx.store.list_names()
            if not names:
                return Outcome(ctx.say("list.no_lists"))
            return Outcome(ctx.say("list.which", names=join_words(names, "or")), ask="list", frame=frame)
        items = ctx.store.list_items(name)
        ctx.state.last_list = name
        if not items:
            return Outcome(ctx.say("list.empty", list=name))
        return Outcome(ctx.say("list.show", list=name, count=len(items), items=join_words(items),
                               s="" if len(items) == 1 else "s"))


class NoteSkill(Skill):
    name = "notes"
    summary = "write down notes and read them back"
    example = "take a note: the parking spot is B12"
    intents = ("note.create", "note.show")

    def note_create(self, frame: Frame, ctx: SkillContext) -> Outcome:
        text = str(frame.slots.get("text", "")).strip(" :")
        if not text:
            return Outcome(ctx.say("note.ask_text"), ask="text", frame=frame)
        note_id = ctx.store.add_note(text)
        return Outcome(ctx.say("note.created", text=text), ({"type": "note.created", "id": note_id},))

    def note_show(self, frame: Frame, ctx: SkillContext) -> Outcome:
        just_one = re.search(r"\b(?:last|latest|newest|most recent)\s+note\b", ctx.utterance.lower())
        notes = ctx.store.notes(limit=1 if just_one else 5)
        if not notes:
            return Outcome(ctx.say("note.none"))
        today = ctx.now().date()
        spoken = [f"{text.rstrip('.')} ({format_date(dt.datetime.fromtimestamp(at).date(), today)})"
                  for text, at in notes]
        key = "note.show_last" if just_one else "note.show_one" if len(notes) == 1 else "note.show"
        return Outcome(ctx.say(key, count=len(notes), notes="; ".join(spoken)))
