# Sourced by build.sh (`./build.sh loadtest`): serves one model twice on 127.0.0.1, with dynamic batching and with one
# row per forward pass (--no-batching), drives each with autocannon at each concurrency for a fixed time, and prints
# requests/s, p50/p99 latency, errors and the server's resident memory before and after, then one line per concurrency:
#   ratio batching / one-row c<concurrency>: <requests/s ratio>
# Flags: --duration S (per point, default 10), --connections "1 8 32", --model PATH (default: as `./build.sh serve`),
# --threads N (libtorch's threads per forward pass in both servers; default 1: measured on 2 cores, one thread per
# forward pass served about twice the requests/s of libtorch's default, one per core, in both modes),
# --mode batching|one-row (default both; one mode with a repeated connection list is a memory soak, e.g.
# --mode batching --duration 60 --connections "32 32 32 32 32 32 32 32 32 32" for 10 minutes).

# Starts the server in the background; sets server_pid (the dotnet process) once it is ready. Args: log port flags...
start_server() {
  local log="$1" port="$2"; shift 2
  ( serve_without_build ${load_model:+"$load_model"} --port "$port" --no-request-log "$@" >"$log" 2>&1 ) &
  server_wrapper=$!
  server_pid=""
  local waited=0 status
  while [ "$waited" -lt 900 ]; do
    kill -0 "$server_wrapper" 2>/dev/null || { cat "$log" >&2; die "the server exited before it was ready"; }
    [ -n "$server_pid" ] || server_pid="$(sed -n 's/.*(process \([0-9]*\)).*/\1/p' "$log" | head -n 1)"
    status="$(curl -s "http://127.0.0.1:$port/readyz" 2>/dev/null || true)"
    case "$status" in
      *'"status":"ready"'*) [ -n "$server_pid" ] && return 0 ;;
      *'"status":"failed"'*) stop_server; die "the model did not load: $status" ;;
    esac
    sleep 1; waited=$((waited + 1))
  done
  stop_server
  die "the server was not ready within 900 s (see $log)"
}

# SIGTERM: the server finishes in-flight requests, drains its queue and exits.
stop_server() {
  [ -z "${server_pid:-}" ] || kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_wrapper" 2>/dev/null || true
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

load_test() {
  local duration=10 connections="1 8 32" modes="batching one-row" threads=(--threads 1)
  load_model=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --duration) [ $# -ge 2 ] || die "--duration needs seconds"; duration="$2"; shift 2 ;;
      --connections) [ $# -ge 2 ] || die "--connections needs a list, e.g. \"1 8 32\""; connections="$2"; shift 2 ;;
      --model) [ $# -ge 2 ] || die "--model needs a .zip"; load_model="$(readlink -m "$2")"; shift 2 ;;
      --mode) [ $# -ge 2 ] && [[ "$2" =~ ^(batching|one-row)$ ]] || die "--mode needs batching or one-row"; modes="$2"; shift 2 ;;
      --threads) [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--threads needs a whole number of at least 1"; threads=(--threads "$2"); shift 2 ;;
      *) die "unknown loadtest option: $1 (--duration S | --connections \"1 8 32\" | --model PATH | --mode batching|one-row | --threads N)" ;;
    esac
  done
  local driver="$repo/samples/WebApi/loadtest.mjs" texts="$repo/samples/AutoML/Data/yelp_labelled.txt"
  local modules="$repo/.build/loadtest/node_modules" log port mode c line errors total_errors=0
  declare -A rps
  echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1); $(nproc) cores; ${duration} s per point; libtorch threads ${threads[1]}"
  for mode in $modes; do
    log="$(mktemp)"; port=$((20000 + RANDOM % 20000))
    if [ "$mode" = batching ]; then start_server "$log" "$port" "${threads[@]}"; else start_server "$log" "$port" --no-batching "${threads[@]}"; fi
    echo "[$mode] $(grep -o 'Ready: .*' "$log" | head -n 1)"
    echo "[$mode] resident memory before: $(rss_mb "$server_pid") MB"
    for c in $connections; do
      line="$(node "$driver" "http://127.0.0.1:$port" "$c" "$duration" "$texts" "$modules")" || { stop_server; die "autocannon failed"; }
      rps[$mode,$c]="$(sed -n 's/.*"requestsPerSecond":\([0-9.]*\).*/\1/p' <<<"$line")"
      errors="$(sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$line")"
      total_errors=$((total_errors + ${errors:-1}))
      printf '[%s] c%-3s %8.1f requests/s  p50 %s ms  p99 %s ms  errors %s  resident %s MB\n' "$mode" "$c" "${rps[$mode,$c]}" \
        "$(sed -n 's/.*"p50":\([0-9.]*\).*/\1/p' <<<"$line")" "$(sed -n 's/.*"p99":\([0-9.]*\).*/\1/p' <<<"$line")" "$errors" \
        "$(rss_mb "$server_pid")"
    done
    echo "[$mode] resident memory after: $(rss_mb "$server_pid") MB"
    stop_server
    grep -q 'Stopped cleanly' "$log" && echo "[$mode] $(grep -o 'Stopped cleanly.*' "$log")" || echo "[$mode] the server did not report a clean stop (log: $log)"
  done
  # Ratios need both modes; a soak of one mode (--mode, repeated points in --connections) prints memory per point.
  if [ "$modes" = "batching one-row" ]; then
    for c in $connections; do
      awk -v c="$c" -v b="${rps[batching,$c]}" -v o="${rps[one-row,$c]}" \
        'BEGIN { printf "ratio batching / one-row c%s: %s\n", c, (o > 0 ? sprintf("%.2f", b / o) : "n/a") }'
    done
  fi
  # Errors (refused connections, timeouts, non-2xx answers) fail the run: CI runs it short.
  [ "$total_errors" -eq 0 ] || die "$total_errors requests failed"
}
