#!/usr/bin/env bash
# Regenerates every golden file (diagnostics, formatted contracts, statements, language-server answers, the bad-input
# corpus, and the VS Code grammar's token snapshots of the example contracts) from the current code.
# Review the diff (git diff tests/ editors/) before committing: each change must be one you meant.
set -euo pipefail
cd "$(dirname "$0")/.."
VBC_ACCEPT_GOLDENS=1 dotnet test Dsl.sln "$@"
if command -v npm >/dev/null; then
  (cd editors/vscode && { [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null; } && VBC_ACCEPT_GOLDENS=1 npm run --silent test:grammar)
else
  echo "npm is not installed: the grammar snapshots in editors/vscode/test/baselines were not regenerated." >&2
fi
git status --short -- tests/ editors/
