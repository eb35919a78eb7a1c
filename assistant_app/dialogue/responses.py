"""Reply templates with variation, from resources/data/responses.json."""
from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Responses:
    """`say(key, **values)` picks one of the key's templates, avoiding the last one used."""

    def __init__(self, templates: dict[str, list[str]], seed: int | None = None) -> None:
        self.templates = templates
        self._random = random.Random(seed)
        self._last: dict[str, str] = {}

    @classmethod
    def load(cls, path: str | Path, seed: int | None = None) -> "Responses":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({k: v if isinstance(v, list) else [v] for k, v in data.items()
                    if not k.startswith("_")}, seed)

    def say(self, key: str, **values: Any) -> str:
        """A reply: the phrase, starting a sentence ("pasta timer set" -> "Pasta timer set")."""
        text = self.phrase(key, **values)
        return text[:1].upper() + text[1:]

    def phrase(self, key: str, **values: Any) -> str:
        """The template filled in as written, to go inside another reply."""
        options = self.templates.get(key)
        if not options:
            log.error("no response template %r", key)
            return self.say("error.generic") if key != "error.generic" else "Sorry, something went wrong."
        choices = [o for o in options if o != self._last.get(key)] or options
        template = self._random.choice(choices)
        self._last[key] = template
        try:
            return template.format(**values)
        except (KeyError, IndexError) as error:
            log.error("template %r misses value %s", key, error)
            return options[0].format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
