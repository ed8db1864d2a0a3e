#!/usr/bin/env bash
# The part of `./build.sh fuzz` that runs where TorchSharp and afl-fuzz work (inside the Debian 13 root on Debian 12):
# afl-fuzz on each target for N seconds, then the report. Arguments: seconds jobs hang-scale configuration target...
# afl-fuzz stops an input at the target's hang limit times hang-scale (1 on an idle machine; more where other work
# slows every input down); every input it saves as a hang is then replayed alone against the limit itself.
# Output: one line per target, each finding replayed in a plain (uninstrumented) process with its exception, and last
#   fuzz: <targets> targets, <inputs> inputs, <findings> findings
# Exit status 1 when there is a finding.
set -euo pipefail
seconds="$1"; jobs="$2"; hang_scale="$3"; configuration="$4"; shift 4
work=artifacts/fuzz
plain="fuzz/Microsoft.ML.Deberta.Fuzz/bin/$configuration/net10.0/Microsoft.ML.Deberta.Fuzz.dll"
instrumented="$work/bin/Microsoft.ML.Deberta.Fuzz.dll"
# dotnet is not an AFL-instrumented binary (the coverage comes from SharpFuzz's instrumentation of our assembly); no
# core dumps to wait for; afl-fuzz's status screen would bury the report; the .NET runtime's start is slower than a
# C fork server's; a seed over the 2 s limit on a loaded machine is skipped rather than ending the run.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_FORKSRV_INIT_TMOUT=60000 AFL_IGNORE_SEED_PROBLEMS=1
export plain instrumented work seconds hang_scale
mkdir -p "$work/logs" "$work/out"

# A hang is an input that runs over the target's limit (2 s; `list` gives it).
fuzz_one() {
  local target="$1" hang_ms
  hang_ms="$(dotnet "$plain" list | awk -F'\t' -v t="$target" '$1 == t { print $2 }')"
  rm -rf "${work:?}/in/$target" "${work:?}/out/$target" "${work:?}/findings/$target"
  dotnet "$plain" seeds "$target" "$work/in/$target" >/dev/null
  afl-fuzz -i "$work/in/$target" -o "$work/out/$target" -t "$((hang_ms * hang_scale))" -m none -V "$seconds" -- \
    dotnet "$instrumented" run "$target" "$(ls -d "$PWD/$work/in/$target"/* | head -n 1)" >"$work/logs/$target.log" 2>&1 || {
      echo "fuzz: afl-fuzz failed on $target; the end of $work/logs/$target.log:" >&2
      tail -n 15 "$work/logs/$target.log" >&2
      return 1
    }
}
export -f fuzz_one
failed=0
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'fuzz_one "$1"' _ {} || failed=1

stat_of() { sed -n "s/^$2 *: *//p" "$work/out/$1/default/fuzzer_stats"; }

total_inputs=0; total_findings=0
for target in "$@"; do
  if [ ! -f "$work/out/$target/default/fuzzer_stats" ]; then echo "$target: afl-fuzz did not run (see above)"; continue; fi
  execs="$(stat_of "$target" execs_done)"; corpus="$(stat_of "$target" corpus_count)"
  coverage="$(stat_of "$target" bitmap_cvg)"; edges="$(stat_of "$target" edges_found)"
  crashes="$(stat_of "$target" saved_crashes)"; hangs="$(stat_of "$target" saved_hangs)"
  findings=0
  mkdir -p "$work/findings/$target"
  for file in "$work/out/$target/default/crashes"/id:* "$work/out/$target/default/hangs"/id:*; do
    [ -f "$file" ] || continue
    copy="$work/findings/$target/$(basename "$(dirname "$file")")-$(basename "$file" | cut -d, -f1 | tr -d :)"
    cp "$file" "$copy"
    # Replayed alone after a seed (so the time excludes JIT warm-up): a crash shows its exception; a saved hang that
    # finishes within the limit alone was the machine's load, not the input, and is reported but not counted.
    seed="$(ls "$work/in/$target"/* | head -n 1)"
    line="$(timeout 60 dotnet "$plain" replay "$target" "$seed" "$copy" 2>&1 | grep -A8 "^$(basename "$copy") " || true)"
    ms="$(sed -n '1s/^[^ ]* (\([0-9]*\) ms).*/\1/p' <<<"$line")"
    if [ -z "$ms" ] || grep -q FINDING <<<"$line"; then
      findings=$((findings + 1))
      echo "  finding $copy:"; echo "${line:-    (no result within 60 s: a hang)}" | sed 's/^/    /'
    else
      echo "  not reproduced alone ($ms ms, accepted or refused as documented): $copy"
    fi
  done
  echo "$target: ${execs} inputs, corpus ${corpus}, coverage ${coverage} (${edges} edges), ${crashes} crashes and ${hangs} hangs saved, ${findings} findings"
  total_inputs=$((total_inputs + execs)); total_findings=$((total_findings + findings))
done
echo "fuzz: $# targets, ${total_inputs} inputs, ${total_findings} findings"
[ "$total_findings" = 0 ] && [ "$failed" = 0 ]
