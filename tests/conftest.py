"""Shared fixtures: isolated user dirs, the shipped NLU model, a running assistant."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own XDG config and data dirs (interfaces.md)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture(scope="session")
def parser():
    from nlu import Parser

    return Parser.from_pretrained(ROOT / "resources/models/nlu")


@pytest.fixture
def assistant(parser):
    from assistant_app.engine import Assistant

    with Assistant(parser=parser, seed=0) as engine:
        yield engine
