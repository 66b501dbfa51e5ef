#!/bin/sh
# Fuzzes the SharpKeras readers with afl++ and SharpFuzz (see fuzz/README.md).
# usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (targets: keras h5 weights npy npz)
set -e
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-120}
[ $# -gt 0 ] && shift
targets=${*:-keras h5 weights npy npz}
work=${FUZZ_WORK:-/tmp/sharpkeras-fuzz}
export PATH="$PATH:$HOME/.dotnet/tools"
rm -rf "$work/out"
dotnet publish "$here/SharpKeras.Fuzz" -c Release -o "$work/out" >/dev/null
sharpfuzz "$work/out/SharpKeras.dll"
sharpfuzz "$work/out/PureHDF.dll"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
mkdir -p "$work/findings"
for t in $targets; do
  nice -n 10 afl-fuzz -V "$secs" -t 5000 -m none -i "$here/corpus/$t" -o "$work/findings/$t" -- dotnet "$work/out/SharpKeras.Fuzz.dll" "$t" > "$work/$t.log" 2>&1 || true
  echo "$t: $(grep -E '^(execs_done|run_time|saved_crashes|saved_hangs|corpus_count)' "$work/findings/$t/default/fuzzer_stats" | tr -s ' ' | tr '\n' ' ')"
done
