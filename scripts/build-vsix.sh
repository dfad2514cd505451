#!/usr/bin/env bash
# Builds the VS Code extension offline: bundles src/ with esbuild, packages editors/vscode/dist/vbc-contracts.vsix with
# vsce (--no-dependencies: the bundle holds them), then checks what the .vsix contains. CI runs this.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
rm -rf dist
npm run --silent bundle
npx vsce package --no-dependencies --skip-license --allow-missing-repository --out dist/vbc-contracts.vsix
python3 - dist/vbc-contracts.vsix <<'PY'
import json, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    names = set(z.namelist())
    required = ["extension/package.json", "extension/dist/extension.js", "extension/syntaxes/vbc.tmLanguage.json",
                "extension/language-configuration.json", "extension/readme.md", "extension.vsixmanifest", "[Content_Types].xml"]
    missing = [n for n in required if n not in names]
    unwanted = sorted(n for n in names if n.startswith(("extension/node_modules/", "extension/src/", "extension/test/")))
    manifest = json.loads(z.read("extension/package.json"))
    bundle = z.read("extension/dist/extension.js").decode("utf-8")
    grammar = json.loads(z.read("extension/syntaxes/vbc.tmLanguage.json"))
problems = []
if missing: problems.append(f"missing: {missing}")
if unwanted: problems.append(f"should not be packaged: {unwanted[:5]}")
if [l["id"] for l in manifest["contributes"]["languages"]] != ["vbc"]: problems.append("the vbc language is not contributed")
if {c["command"] for c in manifest["contributes"]["commands"]} != {"vbc.format", "vbc.settleWithData"}: problems.append("commands")
if manifest["main"] != "./dist/extension.js": problems.append("main is not the bundle")
if 'require("vscode-languageclient' in bundle: problems.append("vscode-languageclient is not bundled")
if "LanguageClient" not in bundle: problems.append("the bundle has no language client")
if grammar.get("scopeName") != "source.vbc": problems.append("grammar scope")
if problems:
    print(f"{path}: BAD: " + "; ".join(problems)); sys.exit(1)
print(f"{path}: contents checked ({len(names)} files): {', '.join(sorted(n for n in names if n.startswith('extension/')))}")
PY
