#!/usr/bin/env bash
# benchmarks/side-by-side/storage.sh [REFERENCE_PORT]: issue 13's storage measurements, Gantry and the
# reference Nakama side by side in one run, with the generator's own ceiling at each shape.
#
# Starts a fresh Gantry (server/target/gantry.jar of $ROOT, pinned to core 0, a new data dir, TCP
# transport off), then for each shape runs `gantry-bench storage` (pinned to core 1) against
# Gantry, then against the reference already running on REFERENCE_PORT (default 27350; it and its
# PostgreSQL should be pinned to core 0 too), then against the generator's in-process self-test
# target, and prints a table. Reports and logs: $OUT/<server>-<op>-<n>.{json,txt}.
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/storage), DURATION (20),
# WARMUP (5), IN_FLIGHT (64), USERS (256), SHAPES (default "write:1 write:10 read:10 list:10"),
# NICE (a prefix for every java command, e.g. "nice -n 19"; default none, so Gantry runs at the
# reference's priority), GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g), GANTRY_FLAGS (more flags for Gantry, e.g.
# "--database.address postgres://postgres@127.0.0.1:5432/gantry_bench" to run it on the reference's PostgreSQL).
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/storage}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
IN_FLIGHT=${IN_FLIGHT:-64}
USERS=${USERS:-256}
SHAPES=${SHAPES:-"write:1 write:10 read:10 list:10"}
NICE=${NICE:-}
GANTRY_JAR=$ROOT/server/target/gantry.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
mkdir -p "$OUT"

for f in "$GANTRY_JAR" "$BENCH_JAR"; do
  [ -f "$f" ] || { echo "missing $f: build with mvn -DskipTests package -pl server,benchmarks -am" >&2; exit 2; }
done
curl -sf -o /dev/null "http://127.0.0.1:$REF_PORT/healthcheck" || { echo "no reference on 127.0.0.1:$REF_PORT" >&2; exit 2; }
REF_PID=$(ss -ltnpH "sport = :$REF_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GANTRY_PORT=$(free_port)
DATA=$(mktemp -d /tmp/gantry-storage-bench.XXXXXX)
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
echo "each run: ${WARMUP} s warm-up, ${DURATION} s measured, ${IN_FLIGHT} in flight, ${USERS} users; generator on core 1"

run() { # tag op n args...
  local tag=$1 op=$2 n=$3; shift 3
  # shellcheck disable=SC2086
  $NICE taskset -c 1 timeout 900 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench storage --op "$op" --objects-per-call "$n" --in-flight "$IN_FLIGHT" \
    --users "$USERS" --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$OUT/$tag-$op-$n.json" "$@" \
    > "$OUT/$tag-$op-$n.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { echo "  $tag $op $n: exit status $rc (see $OUT/$tag-$op-$n.txt)"; rm -f "$OUT/$tag-$op-$n.json"; }
}

for shape in $SHAPES; do
  op=${shape%%:*}; n=${shape##*:}
  echo "== $op $n"
  run gantry "$op" "$n" --port "$GANTRY_PORT" --server-pid "$GANTRY_PID" --server-core 0
  run nakama "$op" "$n" --port "$REF_PORT" ${REF_PID:+--server-pid "$REF_PID"} --server-core 0
  run self "$op" "$n" --target self
done

python3 - "$OUT" $SHAPES <<'PY'
import json, os, sys
out, shapes = sys.argv[1], sys.argv[2:]
def load(tag, op, n):
    p = os.path.join(out, f"{tag}-{op}-{n}.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)
def fails(r):
    return sum(v["count"] for v in r["errors"].values())
def cell(r):
    if r is None:
        return f"{'failed':>9} {'':>8} {'':>6}"
    core = r.get("server_core", {}).get("busy_percent")
    return f"{r['requests_per_s']:>9,.0f} {r['latency_ms']['p99']:>8.1f} {('' if core is None else f'{core:.0f}%'):>6}"
print()
print(f"{'shape':<10} | {'Gantry':^9} {'p99 ms':>8} {'core0':>6} | {'Nakama':^9} {'p99 ms':>8} {'core0':>6} |"
      f" {'x thr':>6} {'p99 /':>6} {'goal':>5} | {'driver':>9} {'p99 ms':>8} | failed G/N/self")
for s in shapes:
    op, n = s.split(":")
    g, k, d = load("gantry", op, n), load("nakama", op, n), load("self", op, n)
    ratio = p99r = goal = ""
    if g and k and k["requests_per_s"] > 0 and k["latency_ms"]["p99"] > 0:
        x = g["requests_per_s"] / k["requests_per_s"]
        q = g["latency_ms"]["p99"] / k["latency_ms"]["p99"]
        ratio, p99r = f"{x:.1f}", f"{q:.2f}"
        goal = "met" if x >= 5 and q <= 0.25 and fails(g) == 0 else "no"
    drv = f"{d['requests_per_s']:>9,.0f} {d['latency_ms']['p99']:>8.1f}" if d else f"{'failed':>9} {'':>8}"
    f = "/".join("-" if r is None else str(fails(r)) for r in (g, k, d))
    print(f"{op + ' ' + n:<10} | {cell(g)} | {cell(k)} | {ratio:>6} {p99r:>6} {goal:>5} | {drv} | {f}")
print()
print("requests/s: replies 2xx with the expected objects in the window; p99 over the window; core0: busy share of")
print("core 0 (the server, and for Nakama its PostgreSQL) in the window; x thr: Gantry / Nakama requests/s;")
print("p99 /: Gantry p99 / Nakama p99; goal: >= 5x and <= 0.25 with no failed request; driver: the generator")
print("against its in-process canned server on core 1 (its ceiling at that shape: a server result near it is")
print("the generator's limit). Failed counts every failed request (warm-up and drain included), by kind in the .txt")
PY
