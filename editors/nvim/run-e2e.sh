#!/usr/bin/env bash
# End-to-end test of vbc lsp with a real client: headless Neovim (its built-in LSP client) opens a contract with a
# mistake and checks that diagnostics, hover, completion and go-to-definition arrive. Needs nvim (0.7+) and a built
# vbc (dotnet build Dsl.sln). CI (.ci/run) installs Neovim when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
vbc_dll="src/vbc/bin/Debug/net10.0/vbc.dll"
if [ ! -f "$vbc_dll" ]; then
  echo "run-e2e.sh: $vbc_dll is missing: run dotnet build Dsl.sln first." >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The sample contract with one mistake: scaled_rate misspelt where the sharing rate uses it.
sed 's/rate: scaled_rate \* diabetes_control/rate: scaled_rat * diabetes_control/' tests/lsp/sample.vbc > "$work/contract.vbc"
export VBC_E2E_CONTRACT="$work/contract.vbc"
export VBC_E2E_CMD="dotnet $PWD/$vbc_dll lsp --stdio"
export VBC_E2E_NVIM_DIR="$PWD/editors/nvim"
timeout 120 nvim --headless --clean -n -c "luafile editors/nvim/e2e-test.lua" 2>&1 </dev/null
