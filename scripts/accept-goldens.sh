#!/usr/bin/env bash
# Regenerates every golden file (diagnostics, formatted contracts, statements) from the current code.
# Review the diff (git diff tests/) before committing: each change must be one you meant.
set -euo pipefail
cd "$(dirname "$0")/.."
VBC_ACCEPT_GOLDENS=1 dotnet test Dsl.sln "$@"
git status --short -- tests/
