#!/usr/bin/env bash
# Regenerate the lock files from requirements.txt (runtime) and requirements-dev.txt (tests and tools):
# every package, transitive ones included, at an exact version with the hashes of its files.
# `./run`, `./test` (scripts/setup-venv.sh) and the Dockerfile install only from the lock files, with
# --require-hashes. Run this after changing a requirements file, review the diff, commit the .lock files.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
tools=.venv-lock  # pip-tools in a venv of its own, so the project's venvs hold only what the lock files list
if [ ! -x "$tools/bin/pip-compile" ]; then
  "$py" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check pip-tools==7.6.2
fi
# Only pip's default index, no local mirrors or wheel folders: the hashes are those of the files every
# machine (and the Docker build) downloads.
export PIP_CONFIG_FILE=/dev/null
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT
compile=("$tools/bin/pip-compile" --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --newline LF)
"${compile[@]}" --output-file requirements.lock requirements.txt
# The dev lock keeps every runtime package at its runtime version.
"${compile[@]}" --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt
echo "requirements.lock: $(grep -c '==' requirements.lock) packages; requirements-dev.lock: $(grep -c '==' requirements-dev.lock) packages"
