#!/usr/bin/env bash
# Rewrites src/SharpKeras/PublicAPI.Unshipped.txt from the library's current public API, with the
# PublicApiAnalyzers code fix (RS0016 adds undeclared members, RS0017 drops removed ones). Run it after a
# merge or a deliberate API change, review the diff, commit it. At a release, move the lines to
# PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
unshipped=src/SharpKeras/PublicAPI.Unshipped.txt
printf '#nullable enable\n' > "$unshipped"
dotnet format analyzers src/SharpKeras/SharpKeras.csproj --diagnostics RS0016 RS0017 --severity warn
echo "$(($(wc -l < "$unshipped") - 1)) public API entries in $unshipped"
