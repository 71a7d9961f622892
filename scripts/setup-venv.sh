#!/usr/bin/env bash
# Create .venv (if missing) and install a requirements file into it, only when that file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$req")"
sum=$(cat "$req" requirements.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$sum" > "$stamp"
fi
# Bytecode of the project's modules, compiled again only when a .py file changed: without it (PYTHONDONTWRITEBYTECODE
# set, or a read-only checkout) every start compiles them all, about half a second.
pystamp=".venv/.compiled"
src="bot.py bootstrap.py config.py core rules lang calculators frontends storage"
# shellcheck disable=SC2086
if [ ! -f "$pystamp" ] || [ -n "$(find $src -name '*.py' -newer "$pystamp" -print -quit 2>/dev/null)" ]; then
  # shellcheck disable=SC2086
  .venv/bin/python -m compileall -q -j 0 $src >/dev/null && touch "$pystamp"
fi
