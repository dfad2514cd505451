#!/usr/bin/env bash
# Publishes the native vbc (compiled ahead of time: starts in a few milliseconds) with the managed vbc beside it.
#
#   scripts/publish-native.sh [OUT]        (default out/vbc; then run OUT/vbc <command> ...)
#
# OUT/vbc is the native executable. OUT/managed/ holds the managed vbc (ReadyToRun, needs the .NET 10 runtime): the
# native vbc hands it the commands that need the .NET runtime (a contract with plug-ins, which are C# scripts compiled
# when they run; vbc lsp; vbc doc; vbc generate --format parquet), with the same arguments, streams and exit code, so
# that every command works from OUT/vbc. Both are built with warnings as errors. Needs the .NET 10 SDK and a C
# toolchain (clang or gcc, and zlib's headers), as every Native AOT build does; the runtime identifier is this
# machine's (linux-x64 or linux-arm64) unless VBC_RID says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/vbc}
case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) rid= ;;
esac
rid=${VBC_RID:-$rid}
[[ -n $rid ]] || { echo "publish-native.sh: set VBC_RID to the runtime identifier of this machine (uname -m says $(uname -m))." >&2; exit 2; }
start=$(date +%s)
rm -rf "$out"
echo "Publishing the native vbc ($rid) into $out..." >&2
dotnet publish src/vbc/vbc.csproj -c Release -r "$rid" -p:PublishAot=true -o "$out" -nologo
echo "Publishing the managed vbc (ReadyToRun) into $out/managed..." >&2
dotnet publish src/vbc/vbc.csproj -c Release -r "$rid" --self-contained false -o "$out/managed" -nologo
# The native vbc's debugging symbols (about 120 MB) are not needed to run it; stack traces keep method names without them.
rm -f "$out/vbc.dbg" "$out"/*.pdb
echo "Published in $(( $(date +%s) - start )) s: $out/vbc (native, $(du -h "$out/vbc" | cut -f1)) and $out/managed/vbc.dll." >&2
