#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh                        restore and build the solution (Release)
#   ./build.sh test [--filter EXPR]   build, then run the tests; ends with "N passed, M failed"
#   ./build.sh sample [FLAGS]         build, then run samples/AutoML (no flags: a ~3-minute sweep on bundled Yelp data)
#   ./build.sh pack                   write artifacts/packages/Microsoft.ML.Deberta.<version>.nupkg
#   ./build.sh serve [MODEL.zip] [FLAGS]  build, then serve a saved model over HTTP (samples/WebApi; without a model, see serve_without_build)
#   ./build.sh loadtest [--duration S] [--threads N]  build, then load-test the server with batching on and off (autocannon)
#   ./build.sh exec -- COMMAND...     run any command (e.g. `dotnet path/to/app.dll`) where TorchSharp loads
#   ./build.sh bench [FLAGS]          build, then measure speed against ONNX Runtime (bench/Microsoft.ML.Deberta.Bench/README.md)
#   ./build.sh soak [--minutes N]     mixed scoring on four threads for N minutes (default 30): errors and resident memory
#   ./build.sh fuzz [--minutes N | --seconds N] [--target NAME]... [--jobs J] [--hang-scale K]
#                                     fuzz every parser of outside input with AFL++ (default 1 minute each; fuzz/README.md)
#   ./build.sh public-api             rewrite test/.../PublicApi/PublicApi.txt from the built assembly (after a deliberate API change)
#
# TorchSharp 0.107's native library needs libstdc++ with GLIBCXX_3.4.32 (GCC >= 13). Debian 12 has GCC 12's,
# so there the test and sample steps build on the host and run inside a cached Debian 13 root (debootstrap),
# with the dotnet install, the repository and the NuGet cache bind-mounted at the same paths.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
configuration="${CONFIGURATION:-Release}"
solution="$repo/Deberta.ML.sln"
test_project="$repo/test/Microsoft.ML.Deberta.Tests/Microsoft.ML.Deberta.Tests.csproj"

die() { echo "build.sh: $*" >&2; exit 1; }

build() {
  dotnet build "$solution" -c "$configuration" -nologo -v minimal
}

# True when the host's libstdc++ exports the symbol version TorchSharp needs.
host_libstdcxx_is_new_enough() {
  local lib
  lib="$( (ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}') || true)"
  [ -n "$lib" ] || lib=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
  [ -f "$lib" ] || return 0   # not a glibc Linux layout we know: run directly
  grep -q 'GLIBCXX_3\.4\.32' "$lib"
}

# Creates (once) a Debian 13 root for running the tests and prints its path.
debian13_root() {
  local root="${DEBERTA_TEST_ROOT:-}"
  if [ -z "$root" ]; then
    if mkdir -p /var/cache/microsoft-ml-deberta 2>/dev/null && [ -w /var/cache/microsoft-ml-deberta ]; then
      root=/var/cache/microsoft-ml-deberta/trixie-root
    else
      root="$repo/.build/trixie-root"
    fi
  fi
  if [ ! -f "$root/.complete" ]; then
    [ "$(id -u)" = 0 ] || die "tests on this host need a Debian 13 root (libstdc++ lacks GLIBCXX_3.4.32); creating it needs root"
    if ! command -v debootstrap >/dev/null 2>&1; then
      echo "build.sh: installing debootstrap" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
    fi
    echo "build.sh: creating a Debian 13 root at $root (once; about 30 s)" >&2
    rm -rf "$root.tmp"
    debootstrap --variant=minbase --include=libicu76,ca-certificates,libssl3t64 trixie "$root.tmp" \
      http://deb.debian.org/debian >&2 || die "debootstrap of Debian 13 failed"
    rm -rf "$root" && mv "$root.tmp" "$root" && touch "$root/.complete"
  fi
  echo "$root"
}

# The script that runs inside the Debian 13 root: bind-mounts the given folders at the same paths, then runs the
# command from the repository folder with a clean environment. Arguments: root dotnet_dir repo dir... -- command...
# Builds started inside (tests that compile projects) use no compiler server: every run shares the root's /tmp, where
# the server's pipe lives, so a server left by an earlier run - in a mount namespace holding another checkout - would
# answer and fail to find this checkout's files ("Source file ... could not be found").
read -r -d '' IN_ROOT_SCRIPT <<'INNER' || true
set -euo pipefail
root="$1"; dotnet_dir="$2"; repo="$3"; shift 3
dirs=("$dotnet_dir" "$repo")
while [ "$1" != "--" ]; do dirs+=("$1"); shift; done
shift
for dir in "${dirs[@]}"; do
  mkdir -p "$root$dir" && mount --bind "$dir" "$root$dir"
done
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mkdir -p "$root/tmp" && chmod 1777 "$root/tmp"
exec chroot "$root" /usr/bin/env -i \
  PATH="$dotnet_dir:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  HOME=/root DOTNET_ROOT="$dotnet_dir" NUGET_PACKAGES="$NUGET_PACKAGES" DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 TERM="${TERM:-dumb}" \
  ${COLUMNS:+COLUMNS="$COLUMNS"} \
  ${DEBERTA_GOLDEN_ROOT:+DEBERTA_GOLDEN_ROOT="$DEBERTA_GOLDEN_ROOT"} \
  ${DEBERTA_EXTRA_SENTIMENT_TSV:+DEBERTA_EXTRA_SENTIMENT_TSV="$DEBERTA_EXTRA_SENTIMENT_TSV"} \
  ${DEBERTA_MEASURE_MLM_TRANSFER:+DEBERTA_MEASURE_MLM_TRANSFER="$DEBERTA_MEASURE_MLM_TRANSFER"} \
  ${DEBERTA_MEASURE_ONNX_SPEED:+DEBERTA_MEASURE_ONNX_SPEED="$DEBERTA_MEASURE_ONNX_SPEED"} \
  ${DEBERTA_UPDATE_PUBLIC_API:+DEBERTA_UPDATE_PUBLIC_API="$DEBERTA_UPDATE_PUBLIC_API"} \
  ${DEBERTA_SOAK_SECONDS:+DEBERTA_SOAK_SECONDS="$DEBERTA_SOAK_SECONDS"} \
  ${CI:+CI="$CI"} \
  UseSharedCompilation=false \
  bash -c 'cd "$0" && exec "$@"' "${ROOT_WORKDIR:-$repo}" "$@"
INNER

# Runs a command (e.g. `dotnet test --no-build ...`), inside the Debian 13 root where TorchSharp needs it. Folders
# the command reads or writes outside the repository go in the array ROOT_EXTRA_DIRS (mounted at the same paths);
# it starts in ROOT_WORKDIR (default: the repository).
run_in_root() {
  if host_libstdcxx_is_new_enough; then
    "$@"
    return
  fi
  local root dotnet_dir nuget_dir
  root="$(debian13_root)"
  dotnet_dir="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  nuget_dir="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  [ -d "$nuget_dir" ] || die "NuGet packages folder $nuget_dir not found (restore first)"
  # Folders the tests are pointed at through the environment must be visible inside the root too.
  local extra_dirs=("$nuget_dir" ${ROOT_EXTRA_DIRS[@]+"${ROOT_EXTRA_DIRS[@]}"})
  if [ -n "${DEBERTA_GOLDEN_ROOT:-}" ]; then
    [ -d "$DEBERTA_GOLDEN_ROOT" ] || die "DEBERTA_GOLDEN_ROOT '$DEBERTA_GOLDEN_ROOT' is not a folder"
    DEBERTA_GOLDEN_ROOT="$(readlink -f "$DEBERTA_GOLDEN_ROOT")"; export DEBERTA_GOLDEN_ROOT
    extra_dirs+=("$DEBERTA_GOLDEN_ROOT")
  fi
  if [ -n "${DEBERTA_EXTRA_SENTIMENT_TSV:-}" ]; then
    [ -f "$DEBERTA_EXTRA_SENTIMENT_TSV" ] || die "DEBERTA_EXTRA_SENTIMENT_TSV '$DEBERTA_EXTRA_SENTIMENT_TSV' is not a file"
    DEBERTA_EXTRA_SENTIMENT_TSV="$(readlink -f "$DEBERTA_EXTRA_SENTIMENT_TSV")"; export DEBERTA_EXTRA_SENTIMENT_TSV
    extra_dirs+=("$(dirname "$DEBERTA_EXTRA_SENTIMENT_TSV")")
  fi
  # Private mount namespace: the bind mounts vanish when the command ends. The script is an argument, not standard
  # input, so the command keeps the caller's terminal (the sample's live progress needs it).
  NUGET_PACKAGES="$nuget_dir" unshare -m -- bash -c "$IN_ROOT_SCRIPT" in-root "$root" "$dotnet_dir" "$repo" "${extra_dirs[@]}" -- "$@"
}

run_tests() {
  local filter=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --filter) [ $# -ge 2 ] || die "--filter needs an expression"; filter=(--filter "$2"); shift 2 ;;
      *) die "unknown test option: $1" ;;
    esac
  done
  build
  local results="$repo/artifacts/test-results"
  rm -rf "$results" && mkdir -p "$results"
  local status=0
  run_in_root dotnet test "$test_project" -c "$configuration" --no-build "${filter[@]}" \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=detailed" \
    --results-directory "$results" || status=$?
  # Count from the TRX file, not from the exit code: a test host that could not load anything
  # prints "Build succeeded" and exits 0 having run nothing.
  local trx="$results/results.trx" passed=0 failed=0 skipped=0
  if [ -f "$trx" ]; then
    local counters
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    local errors; errors="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
    failed=$(( ${failed:-0} + ${errors:-0} ))
    # Inconclusive tests (e.g. a DEBERTA_GOLDEN_ROOT without that kind of reference) are counted as not executed.
    local total executed
    total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
    executed="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    skipped=$(( ${total:-0} - ${executed:-0} ))
  fi
  passed=${passed:-0}
  if [ "${skipped:-0}" -gt 0 ]; then
    echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  else
    echo "${passed} passed, ${failed} failed"
  fi
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
  [ "$passed" -gt 0 ] || die "no test ran"
}

# Makes a folder (or a file's folder) that a command run by run_in_root uses visible inside the root.
mount_for_root() {
  local dir="$1"
  [ -d "$dir" ] || dir="$(dirname "$dir")"
  [ -d "$dir" ] || return 0                       # missing: let the program say so
  case "$dir/" in "$repo"/*) return 0 ;; esac     # the repository is mounted already
  [ "$dir" != / ] || die "cannot mount the file system's root into the Debian 13 root; use a path below it"
  ROOT_EXTRA_DIRS+=("$dir")
}

# Runs samples/AutoML with the given flags (none: the default Yelp sweep). Paths become absolute and their folders
# are mounted into the Debian 13 root; the output goes to ./AutoML-output unless --output says otherwise.
run_sample() {
  build
  local dll="$repo/samples/AutoML/bin/$configuration/net10.0/Microsoft.ML.Deberta.Samples.AutoML.dll"
  local args=() has_output=0 path entry models
  ROOT_EXTRA_DIRS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --output|--checkpoint|--dataset|--test-dataset|--validation-dataset|--tokenizer)
        [ $# -ge 2 ] || die "$1 needs a value"
        if [ "$1" = --output ] || [ "$1" = --checkpoint ]; then mkdir -p "$2"; fi
        [ "$1" != --output ] || has_output=1
        path="$(readlink -m "$2")"
        mount_for_root "$path"
        args+=("$1" "$path"); shift 2 ;;
      --model)
        [ $# -ge 2 ] || die "$1 needs a value"
        models=()
        IFS=',' read -r -a entries <<<"$2"
        for entry in "${entries[@]}"; do
          if [ -d "$entry" ]; then entry="$(readlink -f "$entry")"; mount_for_root "$entry"; fi
          models+=("$entry")
        done
        args+=("$1" "$(IFS=','; echo "${models[*]}")"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  if [ "$has_output" = 0 ]; then
    mkdir -p "$PWD/AutoML-output"
    mount_for_root "$PWD/AutoML-output"
    args+=(--output "$PWD/AutoML-output")
  fi
  run_in_root dotnet "$dll" ${args[@]+"${args[@]}"}
}

# Runs a user's command where TorchSharp loads: directly on a new-enough host, else inside the Debian 13 root, from
# the caller's folder. That folder and the folders of arguments that name existing paths are mounted at the same
# paths; system folders are not (the root has its own, which is the point).
run_exec() {
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "exec needs a command, e.g. ./build.sh exec -- dotnet path/to/app.dll"
  ROOT_EXTRA_DIRS=()
  local arg path
  for arg in "$PWD" "$@"; do
    [ -e "$arg" ] || continue
    path="$(readlink -f "$arg")"
    case "$path/" in
      /|/usr/*|/bin/*|/sbin/*|/lib/*|/lib64/*|/etc/*|/proc/*|/sys/*|/dev/*|/run/*|/var/*|/boot/*) continue ;;
    esac
    mount_for_root "$path"
  done
  ROOT_WORKDIR="$PWD" run_in_root "$@"
}

# Runs bench/Microsoft.ML.Deberta.Bench inside the Debian 13 root. The ONNX Runtime anchor (graphs, read only) is
# ../shared/bench/ort-anchor unless --anchor or DEBERTA_ORT_ANCHOR says otherwise; graphs, generated weights and
# checkpoints go to artifacts/bench/ unless --work says otherwise. Both are mounted into the root.
run_bench() {
  build
  local dll="$repo/bench/Microsoft.ML.Deberta.Bench/bin/$configuration/net10.0/Microsoft.ML.Deberta.Bench.dll"
  local anchor="${DEBERTA_ORT_ANCHOR:-$repo/../shared/bench/ort-anchor}" work="$repo/artifacts/bench" args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --anchor|--work)
        [ $# -ge 2 ] || die "$1 needs a value"
        if [ "$1" = --anchor ]; then anchor="$2"; else work="$2"; fi
        shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [ -d "$anchor/graphs" ] || die "the ONNX Runtime anchor '$anchor' has no graphs/ folder; pass --anchor DIR or set DEBERTA_ORT_ANCHOR"
  anchor="$(readlink -f "$anchor")"
  mkdir -p "$work" && work="$(readlink -f "$work")"
  ROOT_EXTRA_DIRS=()
  mount_for_root "$anchor"
  mount_for_root "$work"
  run_in_root dotnet "$dll" --anchor "$anchor" --work "$work" ${args[@]+"${args[@]}"}
}

webapi_dll() { echo "$repo/samples/WebApi/bin/$configuration/net10.0/Microsoft.ML.Deberta.Samples.WebApi.dll"; }

# Serves a saved model with samples/WebApi inside the Debian 13 root: the given .zip, else ./AutoML-output/model.zip if
# the AutoML sample wrote one, else a small classifier trained once into .build/webapi/. Other flags go to the server
# (--port, --no-batching, --max-batch, ...; see samples/WebApi/ServeArguments.cs). Ctrl+C stops it cleanly.
serve_without_build() {
  local args=() model=""
  ROOT_EXTRA_DIRS=()
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then model="$(readlink -m "$1")"; shift; fi
  if [ -z "$model" ] && [ -f "$PWD/AutoML-output/model.zip" ]; then model="$PWD/AutoML-output/model.zip"; fi
  if [ -n "$model" ]; then
    mount_for_root "$model"
    args+=("$model")
  else
    args+=(--train-tiny "$repo/.build/webapi/tiny-model.zip")
  fi
  run_in_root dotnet "$(webapi_dll)" "${args[@]}" "$@"
}

run_serve() {
  build
  serve_without_build "$@"
}

# Installs autocannon (npm) into .build/loadtest once, then runs samples/WebApi/loadtest.sh's measurement.
run_loadtest() {
  build
  command -v node >/dev/null 2>&1 || die "the load test needs node (and npm) on the host"
  if [ ! -d "$repo/.build/loadtest/node_modules/autocannon" ]; then
    echo "build.sh: installing autocannon into .build/loadtest (once)" >&2
    mkdir -p "$repo/.build/loadtest"
    (cd "$repo/.build/loadtest" && npm install --no-audit --no-fund --silent autocannon@9.0.0) || die "npm install autocannon failed"
  fi
  # shellcheck source=samples/WebApi/loadtest.sh
  source "$repo/samples/WebApi/loadtest.sh"
  load_test "$@"
}

# Fuzzing (fuzz/README.md): builds, instruments a copy of the fuzz program's output with SharpFuzz (the pinned tool in
# .config/dotnet-tools.json), installs AFL++ from Debian where the targets run (once), then fuzz/campaign.sh runs there.
run_fuzz() {
  local seconds=60 jobs=1 hang_scale=1 targets=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --minutes|--seconds|--jobs|--target|--hang-scale)
        [ $# -ge 2 ] || die "$1 needs a value"
        case "$1" in
          --minutes) [[ "$2" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--minutes needs a number"; seconds="$(awk "BEGIN { print int($2 * 60) }")" ;;
          --seconds) [[ "$2" =~ ^[0-9]+$ ]] || die "--seconds needs a whole number"; seconds="$2" ;;
          --jobs) [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive whole number"; jobs="$2" ;;
          --hang-scale) [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--hang-scale needs a positive whole number"; hang_scale="$2" ;;
          --target) targets+=("$2") ;;
        esac
        shift 2 ;;
      *) die "unknown fuzz option: $1 (usage: ./build.sh fuzz [--minutes N | --seconds N] [--target NAME]... [--jobs J] [--hang-scale K])" ;;
    esac
  done
  [ "$seconds" -ge 1 ] || die "fuzz for at least one second"
  build
  local out="$repo/fuzz/Microsoft.ML.Deberta.Fuzz/bin/$configuration/net10.0" work="$repo/artifacts/fuzz"
  rm -rf "$work/bin" && mkdir -p "$work" && cp -r "$out" "$work/bin"
  (cd "$repo" && dotnet tool restore >/dev/null && dotnet sharpfuzz "$work/bin/Microsoft.ML.Deberta.dll") || die "SharpFuzz could not instrument Microsoft.ML.Deberta.dll"
  if host_libstdcxx_is_new_enough; then
    command -v afl-fuzz >/dev/null 2>&1 || { echo "build.sh: installing afl++" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >&2; } || die "installing afl++ failed"
  else
    local root; root="$(debian13_root)"
    [ -x "$root/usr/bin/afl-fuzz" ] || { echo "build.sh: installing afl++ into the Debian 13 root (once)" >&2
      chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        bash -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends afl++' >&2; } || die "installing afl++ into the Debian 13 root failed"
  fi
  if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(run_in_root dotnet "$out/Microsoft.ML.Deberta.Fuzz.dll" list | cut -f1)
  fi
  run_in_root bash "$repo/fuzz/campaign.sh" "$seconds" "$jobs" "$hang_scale" "$configuration" "${targets[@]}"
}

pack() {
  dotnet pack "$repo/src/Microsoft.ML.Deberta/Microsoft.ML.Deberta.csproj" -c "$configuration" -nologo -v minimal
  ls "$repo"/artifacts/packages/Microsoft.ML.Deberta.*.nupkg
}

verb="${1:-build}"
[ $# -gt 0 ] && shift
case "$verb" in
  build) build ;;
  test) run_tests "$@" ;;
  sample) run_sample "$@" ;;
  pack) pack ;;
  exec) run_exec "$@" ;;
  soak)
    minutes=30
    if [ $# -gt 0 ]; then
      [ "$1" = "--minutes" ] && [ $# -eq 2 ] && [[ "$2" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "usage: ./build.sh soak [--minutes N]"
      minutes="$2"
    fi
    DEBERTA_SOAK_SECONDS="$(awk "BEGIN { print $minutes * 60 }")"; export DEBERTA_SOAK_SECONDS
    run_tests --filter "TestCategory=Soak" ;;
  serve) run_serve "$@" ;;
  loadtest) run_loadtest "$@" ;;
  bench) run_bench "$@" ;;
  fuzz) run_fuzz "$@" ;;
  public-api) DEBERTA_UPDATE_PUBLIC_API=1 run_tests --filter "FullyQualifiedName~PublicApiTests.ThePublicSurfaceMatchesTheBaseline" ;;
  *) die "unknown verb '$verb' (build | test [--filter EXPR] | sample [FLAGS] | serve [MODEL.zip] [FLAGS] | loadtest [--duration S] | bench [FLAGS] | soak [--minutes N] | fuzz [--minutes N] | pack | exec -- COMMAND... | public-api)" ;;
esac
