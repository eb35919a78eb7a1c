#!/usr/bin/env bash
# Installs everything the assistant needs on Debian/Ubuntu with Python 3.11:
# system packages (where missing), a virtual environment in .venv, and the project.
#   ./setup.sh          the app
#   ./setup.sh --test   the app and its test tools
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(python3-venv libportaudio2 libsndfile1 pulseaudio pulseaudio-utils
                 libasound2-plugins dbus-daemon espeak-ng libegl1 libxkbcommon0 libgl1 libfontconfig1 libdbus-1-3
                 flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)
# flite and festival (with three voices) speak part of the recognizer's training and test speech;
# the libxcb ones are what Qt's X11 window needs on a desktop
SYSTEM_PACKAGES+=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-xkb1
                  libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0)
if [ "${1:-}" = "--test" ]; then
  SYSTEM_PACKAGES+=(xvfb x11-utils)  # the global-hotkey test runs its own X server
fi
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
extra=""; [ "${1:-}" = "--test" ] && extra="[test]"
log=$(mktemp)
if ! .venv/bin/python -m pip install -q -e ".${extra}" >"$log" 2>&1; then
  grep -v "^WARNING: Location" "$log" >&2; exit 1
fi
.venv/bin/python -c "import nlu, asr, tts, assistant_app" || { echo "install failed" >&2; exit 1; }
echo "Installed. Start the assistant with .venv/bin/assistant"
