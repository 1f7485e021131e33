#!/usr/bin/env bash
# benchmarks/side-by-side/auth.sh [REFERENCE_PORT]: issue 16's device-authentication row, Gantry and the
# reference Nakama side by side in one run, with the generator's own ceiling at each shape.
#
# Starts a fresh Gantry ($GANTRY_JAR, default server/target/gantry.jar of $ROOT, pinned to core 0, a new
# data dir, TCP transport off), then for each shape runs `gantry-bench auth` (pinned to core 1) against
# Gantry, then against the reference already running on REFERENCE_PORT (default 27350; it and its
# PostgreSQL should be pinned to core 0 too), then against the generator's in-process self-test target.
# Each run's untimed set-up authenticates the ACCOUNTS devices once (creating the missing accounts: on a
# fresh Gantry the first shape creates them, on the reference they persist between runs), then measures
# the logins of those existing accounts round-robin. Prints one table. Reports and logs:
# $OUT/<server>-<shape>.{json,txt}.
#
# Shapes: "closed:C" (closed loop, C requests in flight over the connections) or "open:R" (open loop at R
# requests/s in total; latency from each request's intended send time).
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/auth),
# DURATION (20), WARMUP (5), CONNECTIONS (64), ACCOUNTS (10000), SHAPES (default "closed:64 open:5000
# open:10000"), NICE (a prefix for every java command, e.g. "nice -n 19"; default none, so Gantry runs
# at the reference's priority), GANTRY_JAR, GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g), GANTRY_FLAGS (more flags for Gantry, e.g.
# "--database.address postgres://postgres@127.0.0.1:5432/gantry_bench" to run it on the reference's PostgreSQL).
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/auth}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-64}
ACCOUNTS=${ACCOUNTS:-10000}
SHAPES=${SHAPES:-"closed:64 open:5000 open:10000"}
NICE=${NICE:-}
GANTRY_JAR=${GANTRY_JAR:-$ROOT/server/target/gantry.jar}
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
mkdir -p "$OUT"

for f in "$GANTRY_JAR" "$BENCH_JAR"; do
  [ -f "$f" ] || { echo "missing $f: build with mvn -DskipTests package -pl server,benchmarks -am" >&2; exit 2; }
done
curl -sf -o /dev/null "http://127.0.0.1:$REF_PORT/healthcheck" || { echo "no reference on 127.0.0.1:$REF_PORT" >&2; exit 2; }
REF_PID=$(ss -ltnpH "sport = :$REF_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GANTRY_PORT=$(free_port)
DATA=$(mktemp -d /tmp/gantry-auth-bench.XXXXXX)
# shellcheck disable=SC2086
$NICE taskset -c 0 java ${GANTRY_JAVA_OPTS:--XX:+UseParallelGC -Xmx4g} -jar "$GANTRY_JAR" \
  --socket.address 127.0.0.1 --socket.port "$GANTRY_PORT" --socket.tcp_port 0 --data_dir "$DATA" ${GANTRY_FLAGS:-} \
  > "$OUT/gantry-server.log" 2>&1 &
GANTRY_PID=$!
cleanup() {
  kill "$GANTRY_PID" 2>/dev/null && wait "$GANTRY_PID" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$GANTRY_PORT/healthcheck" && break
  kill -0 "$GANTRY_PID" 2>/dev/null || { echo "Gantry exited; see $OUT/gantry-server.log" >&2; exit 1; }
  sleep 0.5
done
echo "Gantry pid $GANTRY_PID on 127.0.0.1:$GANTRY_PORT (data $DATA); reference pid ${REF_PID:-?} on :$REF_PORT"
echo "each run: ${WARMUP} s warm-up, ${DURATION} s measured, ${CONNECTIONS} connections, ${ACCOUNTS} existing devices; generator on core 1"

run() { # tag shape args...
  local tag=$1 shape=$2; shift 2
  local mode=${shape%%:*} n=${shape##*:} how
  if [ "$mode" = open ]; then how="--rate $n"; else how="--concurrency $n"; fi
  # shellcheck disable=SC2086
  $NICE taskset -c 1 timeout 900 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench auth $how --connections "$CONNECTIONS" --accounts "$ACCOUNTS" \
    --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$OUT/$tag-$mode-$n.json" "$@" \
    > "$OUT/$tag-$mode-$n.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { echo "  $tag $shape: exit status $rc (see $OUT/$tag-$mode-$n.txt)"; rm -f "$OUT/$tag-$mode-$n.json"; }
}

for shape in $SHAPES; do
  echo "== $shape"
  run gantry "$shape" --port "$GANTRY_PORT" --server-pid "$GANTRY_PID" --server-core 0
  run nakama "$shape" --port "$REF_PORT" ${REF_PID:+--server-pid "$REF_PID"} --server-core 0
  run self "$shape" --target self
done

python3 - "$OUT" $SHAPES <<'PY'
import json, os, sys
out, shapes = sys.argv[1], sys.argv[2:]
def load(tag, shape):
    p = os.path.join(out, f"{tag}-{shape.replace(':', '-')}.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)
def fails(r):
    return sum(v["count"] for v in r["errors"].values())
def cpu(r):
    c = r.get("server", {}).get("cpu_percent")
    core = r.get("server_core", {}).get("busy_percent")
    return ("" if c is None else f"{c:.0f}%") + ("" if core is None else f"/{core:.0f}%")
def cell(r):
    if r is None:
        return f"{'failed':>9} {'':>7} {'':>7} {'':>9}"
    lat = r["latency_ms"]
    return f"{r['requests_per_s']:>9,.0f} {lat['p50']:>7.2f} {lat['p99']:>7.1f} {cpu(r):>9}"
print()
print(f"{'shape':<12} | {'Gantry/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'cpu':>9} | {'Nakama/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'cpu':>9} |"
      f" {'x thr':>6} | {'driver/s':>9} {'p99 ms':>7} {'gen cpu':>7} | failed G/N/self")
for s in shapes:
    g, k, d = load("gantry", s), load("nakama", s), load("self", s)
    ratio = ""
    if g and k and k["requests_per_s"] > 0:
        ratio = f"{g['requests_per_s'] / k['requests_per_s']:.1f}"
    if d:
        gc = d.get("generator", {}).get("busiest_loop_cpu_percent")
        drv = f"{d['requests_per_s']:>9,.0f} {d['latency_ms']['p99']:>7.1f} {('' if gc is None else f'{gc:.0f}%'):>7}"
    else:
        drv = f"{'failed':>9} {'':>7} {'':>7}"
    f = "/".join("-" if r is None else str(fails(r)) for r in (g, k, d))
    print(f"{s:<12} | {cell(g)} | {cell(k)} | {ratio:>6} | {drv} | {f}")
print()
print("requests/s: replies 200 with a token in the window; p50/p99 over the window (open loop: from each request's")
print("intended send time); cpu: the server process's CPU (one core = 100%) / core 0's busy share (the server, and")
print("for Nakama its PostgreSQL); x thr: Gantry / Nakama requests/s; driver: the generator against its in-process")
print("fake-token server on core 1 (its ceiling at that shape: a result near it is the generator's limit), with the")
print("busiest generator event loop's CPU. Failed counts every failed request (set-up, warm-up and drain included).")
PY
