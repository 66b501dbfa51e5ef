#!/usr/bin/env bash
# Packs SharpKeras to a local feed, builds a throwaway console app against the package (not the project),
# publishes it with NativeAOT and runs it: train, save .keras/.h5/.weights.h5, load, predict, compare.
# Fails on any build warning other than the two named below, and on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
start=$(date +%s)

# NativeAOT links with clang (or gcc) and needs zlib.
if ! command -v clang >/dev/null && ! command -v gcc >/dev/null || [ ! -e /usr/include/zlib.h ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq clang zlib1g-dev
fi
linker=()
command -v clang >/dev/null || linker=(-p:CppCompilerAndLinker=gcc)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
# Release packs in a clone with a GitHub remote carry SourceLink and deterministic paths.
ci=()
git remote get-url origin >/dev/null 2>&1 && ci=(-p:ContinuousIntegrationBuild=true)
dotnet pack src/SharpKeras/SharpKeras.csproj -c Release -o "$feed" "${ci[@]}" | tail -n 3
ls "$feed"/*.snupkg >/dev/null
version=$(basename "$(ls "$feed"/SharpKeras.*.nupkg | grep -v snupkg)" .nupkg); version=${version#SharpKeras.}
# Captured first: `unzip | grep -q` under pipefail fails when grep stops reading before unzip has written everything.
nuspec=$(unzip -p "$feed/SharpKeras.$version.nupkg" SharpKeras.nuspec)
listing=$(unzip -l "$feed/SharpKeras.$version.nupkg")
grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || { echo "nuspec has no MIT licence" >&2; exit 1; }
grep -q 'buildTransitive/SharpKeras.rd.xml' <<<"$listing" || { echo "package lacks buildTransitive/SharpKeras.rd.xml" >&2; exit 1; }
echo "packed SharpKeras $version (+ .snupkg)"

app="$work/app"
mkdir -p "$app"
cp .ci/aot-consumer/Program.cs "$app/"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SharpKeras" Version="$version" />
  </ItemGroup>
</Project>
XML
# A fresh packages folder so that the package comes from the feed, not from an older cache entry.
export NUGET_PACKAGES="$work/packages"
log="$work/publish.log"
dotnet publish "$app/Consumer.csproj" -c Release -r linux-x64 -o "$app/out" "${linker[@]}" 2>&1 | tee "$log" | tail -n 3
# The only warnings allowed: IL2104 and IL3053, NativeAOT's one-line summaries that PureHDF (not annotated for
# trimming) uses reflection; the instantiations it makes are listed in the package's rd.xml, and the run below
# checks that saving and loading work.
unexpected=$(grep -E ': warning ' "$log" | grep -vE 'warning (IL2104|IL3053): Assembly .PureHDF.' | sort -u || true)
if [ -n "$unexpected" ]; then
  echo "unexpected warnings:" >&2; echo "$unexpected" >&2; exit 1
fi
grep -E ': warning ' "$log" | sed -E 's/.*warning (IL[0-9]+).*/allowed warning \1 (PureHDF)/' | sort -u || true
"$app/out/Consumer"
echo "aot consumer check passed in $(( $(date +%s) - start )) s"
