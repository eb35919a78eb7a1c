"""Where things live: user config and data in the XDG dirs, shipped resources beside the code."""
from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "assistant"


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/assistant: settings and the user's knowledge base."""
    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """$XDG_DATA_HOME/assistant: the database and logs."""
    return user_data_path(APP_NAME, appauthor=False)


def knowledge_dir() -> Path:
    return config_dir() / "knowledge"


def resources_dir() -> Path:
    override = os.environ.get("ASSISTANT_RESOURCES")
    return Path(override) if override else Path(__file__).resolve().parents[1] / "resources"


def database_path() -> Path:
    return data_dir() / "assistant.db"
