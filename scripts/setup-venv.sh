#!/usr/bin/env bash
# Create .venv (if missing) and install a lock file into it, only when that file changed. Lock files pin every
# package, transitive ones included, with the hashes of its files (pip refuses anything else): requirements.lock
# for running, requirements-dev.lock for testing. Regenerate them with scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
lock="${1:-requirements.lock}"
py="${PYTHON:-python3}"
if [ -x .venv/bin/python ] && compgen -G ".venv/.installed-*.txt" > /dev/null; then
  rm -rf .venv  # installed from the unlocked requirements files before the lock files existed: start clean
fi
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$lock")"
sum=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  echo "$sum" > "$stamp"
fi
# Bytecode of the project's modules, compiled again only when a .py file changed: without it (PYTHONDONTWRITEBYTECODE
# set, or a read-only checkout) every start compiles them all, about half a second.
pystamp=".venv/.compiled"
src="$(ls ./*.py) core rules lang frontends storage"
# shellcheck disable=SC2086
if [ ! -f "$pystamp" ] || [ -n "$(find $src -name '*.py' -newer "$pystamp" -print -quit 2>/dev/null)" ]; then
  # shellcheck disable=SC2086
  .venv/bin/python -m compileall -q -j 0 $src >/dev/null && touch "$pystamp"
fi
