"""Shared fixtures: isolated user dirs, the shipped NLU model, a running assistant."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
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


@pytest.fixture(scope="session")
def speech_parser():
    """The shipped NLU model for transcribed speech."""
    from nlu import Parser

    return Parser.from_pretrained(ROOT / "resources/models/nlu/speech")


@pytest.fixture
def assistant(parser, speech_parser):
    from assistant_app.engine import Assistant

    with Assistant(parser=parser, seed=0, speech_parser=speech_parser) as engine:
        yield engine


def pactl(*args: str, check: bool = True) -> str:
    return subprocess.run(["pactl", *args], check=check, capture_output=True, text=True).stdout


def null_sink(name: str) -> str:
    """A PulseAudio null sink (created once per server): plays in real time, to nowhere; its
    `.monitor` source hears what is played into it."""
    if name not in pactl("list", "short", "sinks"):
        pactl("load-module", "module-null-sink", f"sink_name={name}")
    return name


@pytest.fixture
def pulse_server(monkeypatch):
    """A real PulseAudio server (started if none runs) with a null sink as the default output."""
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        pytest.skip("PulseAudio is not installed (setup.sh installs it)")
    if subprocess.run(["pactl", "info"], check=False, capture_output=True).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1"], check=False, capture_output=True)
        for _ in range(50):
            if subprocess.run(["pactl", "info"], check=False, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    info = subprocess.run(["pactl", "info"], check=False, capture_output=True, text=True)
    if info.returncode != 0:
        pytest.skip("PulseAudio would not start here")
    server = re.search(r"Server String: (\S+)", info.stdout).group(1)
    monkeypatch.setenv("PULSE_SERVER", server)
    pactl("set-default-sink", null_sink("assistant_test"))
    return server
