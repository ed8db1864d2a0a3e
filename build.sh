#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh                        restore and build the solution (Release)
#   ./build.sh test [--filter EXPR]   build, then run the tests; ends with "N passed, M failed"
#   ./build.sh pack                   write artifacts/packages/Microsoft.ML.Deberta.<version>.nupkg
#
# TorchSharp 0.107's native library needs libstdc++ with GLIBCXX_3.4.32 (GCC >= 13). Debian 12 has GCC 12's,
# so there the test step builds on the host and runs the tests inside a cached Debian 13 root (debootstrap),
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

# Runs `dotnet test --no-build` with the given arguments, inside the Debian 13 root where needed.
run_dotnet_test() {
  if host_libstdcxx_is_new_enough; then
    dotnet test "$@"
    return
  fi
  local root dotnet_dir nuget_dir
  root="$(debian13_root)"
  dotnet_dir="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  nuget_dir="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  [ -d "$nuget_dir" ] || die "NuGet packages folder $nuget_dir not found (restore first)"
  # Folders the tests are pointed at through the environment must be visible inside the root too.
  local extra_dirs=()
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
  # Private mount namespace: the bind mounts vanish when the command ends.
  unshare -m -- bash -s -- "$root" "$dotnet_dir" "$repo" "$nuget_dir" ${extra_dirs[@]+"${extra_dirs[@]}"} -- "$@" <<'INNER'
set -euo pipefail
root="$1"; dotnet_dir="$2"; repo="$3"; nuget_dir="$4"; shift 4
dirs=("$dotnet_dir" "$repo" "$nuget_dir")
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
  HOME=/root DOTNET_ROOT="$dotnet_dir" NUGET_PACKAGES="$nuget_dir" DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  ${DEBERTA_GOLDEN_ROOT:+DEBERTA_GOLDEN_ROOT="$DEBERTA_GOLDEN_ROOT"} \
  ${DEBERTA_EXTRA_SENTIMENT_TSV:+DEBERTA_EXTRA_SENTIMENT_TSV="$DEBERTA_EXTRA_SENTIMENT_TSV"} \
  ${CI:+CI="$CI"} \
  bash -c 'cd "$0" && exec "$@"' "$repo" dotnet test "$@"
INNER
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
  run_dotnet_test "$test_project" -c "$configuration" --no-build "${filter[@]}" \
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

pack() {
  dotnet pack "$repo/src/Microsoft.ML.Deberta/Microsoft.ML.Deberta.csproj" -c "$configuration" -nologo -v minimal
  ls "$repo"/artifacts/packages/Microsoft.ML.Deberta.*.nupkg
}

verb="${1:-build}"
[ $# -gt 0 ] && shift
case "$verb" in
  build) build ;;
  test) run_tests "$@" ;;
  pack) pack ;;
  *) die "unknown verb '$verb' (build | test [--filter EXPR] | pack)" ;;
esac
