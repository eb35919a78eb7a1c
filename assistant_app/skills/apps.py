"""Launching desktop applications from their .desktop entries, and web searches in the browser."""
from __future__ import annotations

import configparser
import logging
import os
import shlex
import shutil
import subprocess
import urllib.parse
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from ..dialogue.state import Frame
from .base import Outcome, Skill, SkillContext

log = logging.getLogger(__name__)
_FIELD_CODES = {"%f", "%F", "%u", "%U", "%d", "%D", "%n", "%N", "%i", "%c", "%k", "%v", "%m"}


@dataclass(frozen=True)
class DesktopApp:
    name: str
    command: tuple[str, ...]
    keywords: tuple[str, ...]
    path: Path


def application_dirs() -> list[Path]:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return [data_home / "applications"] + [Path(d) / "applications" for d in data_dirs.split(":") if d]


def read_desktop_file(path: Path) -> DesktopApp | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path, encoding="utf-8")
        entry = parser["Desktop Entry"]
    except (configparser.Error, KeyError, UnicodeDecodeError, OSError):
        return None
    if entry.get("Type", "Application") != "Application" or \
            entry.get("NoDisplay", "false").lower() == "true" or entry.get("Hidden", "false").lower() == "true":
        return None
    try:  # Exec is split like a shell would, but never run by one
        command = [a for a in shlex.split(entry.get("Exec", "")) if a not in _FIELD_CODES]
    except ValueError:
        return None
    if not command or not entry.get("Name"):
        return None
    keywords = [entry.get("GenericName", ""), *entry.get("Keywords", "").split(";"), path.stem]
    return DesktopApp(entry["Name"], tuple(command), tuple(k.strip() for k in keywords if k.strip()), path)


def installed_apps() -> list[DesktopApp]:
    apps: dict[str, DesktopApp] = {}
    for folder in application_dirs():
        for path in sorted(folder.glob("**/*.desktop")) if folder.is_dir() else []:
            app = read_desktop_file(path)
            if app and path.name not in apps:  # the user's own entries come first and win
                apps[path.name] = app
    return list(apps.values())


def find_app(spoken: str, apps: list[DesktopApp]) -> tuple[DesktopApp, float] | None:
    """Best fuzzy match of a spoken name against names, generic names and keywords."""
    choices = {}
    for index, app in enumerate(apps):
        for alias in (app.name, *app.keywords):
            choices[(index, alias)] = alias.lower()
    best = process.extractOne(spoken.lower(), choices, scorer=fuzz.WRatio, score_cutoff=70)
    if not best:
        return None
    (index, alias), score = best[2], best[1]
    if alias != apps[index].name:
        score -= 5  # a keyword match is a little less sure than the name itself
    return apps[index], score


def launch(app: DesktopApp) -> None:
    if not shutil.which(app.command[0]):
        raise FileNotFoundError(app.command[0])
    subprocess.Popen(list(app.command), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


class AppSkill(Skill):
    name = "apps"
    summary = "open the applications installed on this desktop"
    example = "open firefox"
    intents = ("app.open",)

    def app_open(self, frame: Frame, ctx: SkillContext) -> Outcome:
        spoken = str(frame.slots.get("app", "")).strip()
        if not spoken:
            return Outcome(ctx.say("app.ask"), ask="app", frame=frame)
        found = find_app(spoken, installed_apps())
        if found is None:
            return Outcome(ctx.say("app.not_found", app=spoken))
        app, score = found
        if score < 88 and not frame.confirmed:
            return Outcome(ctx.say("app.confirm", app=app.name), ask="confirm", frame=frame)
        try:
            launch(app)
        except OSError as error:
            log.warning("could not launch %s: %s", app.path, error)
            return Outcome(ctx.say("app.failed", app=app.name))
        return Outcome(ctx.say("app.opened", app=app.name),
                       ({"type": "app.opened", "name": app.name, "desktop_file": str(app.path)},))


class WebSearchSkill(Skill):
    name = "web search"
    summary = "open a web search in your browser (I make no network requests myself)"
    example = "search the web for pasta recipes"
    intents = ("web.search",)

    def web_search(self, frame: Frame, ctx: SkillContext) -> Outcome:
        query = str(frame.slots.get("query", "")).strip()
        if not query:
            return Outcome(ctx.say("web.ask"), ask="query", frame=frame)
        template = ctx.settings.search_url if "{query}" in ctx.settings.search_url \
            else "https://duckduckgo.com/?q={query}"
        url = template.replace("{query}", urllib.parse.quote_plus(query))
        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
        if not opened:
            return Outcome(ctx.say("web.no_browser", query=query), ({"type": "web.search", "url": url,
                                                                     "opened": False},))
        return Outcome(ctx.say("web.searching", query=query),
                       ({"type": "web.search", "url": url, "opened": True},))
