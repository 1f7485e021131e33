#!/usr/bin/env bash
# benchmarks/side-by-side/leaderboard.sh [REFERENCE_PORT]: issue 15's leaderboard measurements over REST
# (record writes and around-owner lists on a board of 100,000 records), Gantry and the reference Nakama
# side by side in one run, with the generator's own ceiling at each shape.
#
# Starts a fresh Gantry (server/target/gantry.jar of $ROOT with the examples/leaderboards module, pinned to
# core 0, a new data dir, TCP transport off), then for each shape runs `gantry-bench leaderboard` (pinned to
# core 1) against Gantry, then against the reference already running on REFERENCE_PORT (default 27350, with
# interop/differential/reference-modules/leaderboards.lua; it and its PostgreSQL should be pinned to core 0
# too), then against the generator's in-process self-test target, and prints a table. Reports and logs:
# $OUT/<server>-<op>.{json,txt}.
#
# Set-up (untimed, in each server's first run): the board BOARD (SET operator, descending, never reset) is
# created through the server-to-server RPC leaderboard_create (HTTP key), seeded through
# leaderboard_record_write with random owners up to RECORDS records if its rank_count is lower (the
# reference keeps the board between runs, so only its first run seeds), and USERS device users each write
# their own record. The shapes:
#   write    POST /v2/leaderboard/{id} as the users in turn, {"score":"<random 9 digits>","subscore":"0"}
#   around   GET /v2/leaderboard/{id}/owner/{self}?limit=LIMIT as the users in turn (a page of LIMIT records)
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/leaderboard),
# DURATION (20), WARMUP (5), IN_FLIGHT (64), SHAPES (default "write around"), RECORDS (100000), USERS (256),
# LIMIT (20), BOARD (default bench-100k for 100000 records), HTTP_KEY (defaulthttpkey), NICE (a prefix for
# every java command, e.g. "nice -n 19"; default none, so Gantry runs at the reference's priority),
# GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g), GANTRY_FLAGS (more flags for Gantry, e.g.
# "--persistence.sync_writes false"; default none).
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/leaderboard}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
IN_FLIGHT=${IN_FLIGHT:-64}
SHAPES=${SHAPES:-"write around"}
RECORDS=${RECORDS:-100000}
USERS=${USERS:-256}
LIMIT=${LIMIT:-20}
BOARD=${BOARD:-}
HTTP_KEY=${HTTP_KEY:-defaulthttpkey}
NICE=${NICE:-}
GANTRY_JAR=$ROOT/server/target/gantry.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
MODULE_JAR=$(ls "$ROOT"/examples/leaderboards/target/gantry-example-leaderboards-*.jar 2>/dev/null | grep -v -e original- -e sources | head -1)
mkdir -p "$OUT"

for f in "$GANTRY_JAR" "$BENCH_JAR" "$MODULE_JAR"; do
  [ -n "$f" ] && [ -f "$f" ] || { echo "missing ${f:-the examples/leaderboards jar}: build with mvn -DskipTests package -pl server,benchmarks,examples/leaderboards -am" >&2; exit 2; }
done
curl -sf -o /dev/null "http://127.0.0.1:$REF_PORT/healthcheck" || { echo "no reference on 127.0.0.1:$REF_PORT" >&2; exit 2; }
REF_PID=$(ss -ltnpH "sport = :$REF_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GANTRY_PORT=$(free_port)
DATA=$(mktemp -d /tmp/gantry-leaderboard-bench.XXXXXX)
mkdir -p "$DATA/modules" && cp "$MODULE_JAR" "$DATA/modules/"
# shellcheck disable=SC2086
$NICE taskset -c 0 java ${GANTRY_JAVA_OPTS:--XX:+UseParallelGC -Xmx4g} -jar "$GANTRY_JAR" \
  --socket.address 127.0.0.1 --socket.port "$GANTRY_PORT" --socket.tcp_port 0 --data_dir "$DATA/data" \
  --runtime.path "$DATA/modules" ${GANTRY_FLAGS:-} > "$OUT/gantry-server.log" 2>&1 &
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
echo "board ${BOARD:-(default)} of >= $RECORDS records, $USERS users; each run: ${WARMUP} s warm-up, ${DURATION} s measured, ${IN_FLIGHT} in flight; generator on core 1"

run() { # tag op args...
  local tag=$1 op=$2; shift 2
  # shellcheck disable=SC2086,SC2046
  $NICE taskset -c 1 timeout 3600 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench leaderboard --op "$op" --records "$RECORDS" --users "$USERS" --limit "$LIMIT" \
    ${BOARD:+--board "$BOARD"} --http-key "$HTTP_KEY" --in-flight "$IN_FLIGHT" --setup-timeout 3000 \
    --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$OUT/$tag-$op.json" "$@" \
    > "$OUT/$tag-$op.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { echo "  $tag $op: exit status $rc (see $OUT/$tag-$op.txt: $(grep -m1 'cannot run\|failed' "$OUT/$tag-$op.txt" | cut -c1-200))"; rm -f "$OUT/$tag-$op.json"; }
  grep -h -m2 'seeded\|records ranked' "$OUT/$tag-$op.txt" | sed "s/^/  $tag $op: /"
}

for op in $SHAPES; do
  echo "== $op"
  run gantry "$op" --port "$GANTRY_PORT" --server-pid "$GANTRY_PID" --server-core 0
  # shellcheck disable=SC2086
  run nakama "$op" --port "$REF_PORT" ${REF_PID:+--server-pid "$REF_PID"} --server-core 0
  run self "$op" --target self
done

python3 - "$OUT" $SHAPES <<'PY'
import json, os, sys
out, shapes = sys.argv[1], sys.argv[2:]
def load(tag, op):
    p = os.path.join(out, f"{tag}-{op}.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)
def fails(r):
    return sum(v["count"] for v in r["errors"].values())
def cell(r):
    if r is None:
        return f"{'failed':>9} {'':>8} {'':>8} {'':>6}"
    core = r.get("server_core", {}).get("busy_percent")
    lat = r["latency_ms"]
    return f"{r['requests_per_s']:>9,.0f} {lat['p50']:>8.2f} {lat['p99']:>8.2f} {('' if core is None else f'{core:.0f}%'):>6}"
print()
print(f"{'shape':<7} | {'Gantry':^9} {'p50 ms':>8} {'p99 ms':>8} {'core0':>6} | {'Nakama':^9} {'p50 ms':>8} {'p99 ms':>8} {'core0':>6} |"
      f" {'x thr':>6} {'p99 /':>6} {'goal':>5} | {'driver':>9} {'p99 ms':>8} | failed G/N/self | rank_count G/N")
for op in shapes:
    g, k, d = load("gantry", op), load("nakama", op), load("self", op)
    ratio = p99r = goal = ""
    if g and k and k["requests_per_s"] > 0 and k["latency_ms"]["p99"] > 0:
        x = g["requests_per_s"] / k["requests_per_s"]
        q = g["latency_ms"]["p99"] / k["latency_ms"]["p99"]
        ratio, p99r = f"{x:.1f}", f"{q:.3f}"
        goal = "met" if x >= 10 and q <= 0.1 and fails(g) == 0 else "no"
    drv = f"{d['requests_per_s']:>9,.0f} {d['latency_ms']['p99']:>8.2f}" if d else f"{'failed':>9} {'':>8}"
    f = "/".join("-" if r is None else str(fails(r)) for r in (g, k, d))
    rc = "/".join("-" if r is None else f"{r['rank_count']['before_run']:,}" for r in (g, k))
    print(f"{op:<7} | {cell(g)} | {cell(k)} | {ratio:>6} {p99r:>6} {goal:>5} | {drv} | {f:>15} | {rc}")
print()
print("requests/s: replies 2xx with the record (write) or a page of LIMIT records (around) in the window; p50/p99")
print("over the window; core0: busy share of core 0 (the server, and for Nakama its PostgreSQL) in the window;")
print("x thr: Gantry / Nakama requests/s; p99 /: Gantry p99 / Nakama p99; goal: >= 10x and <= 0.1 with no failed")
print("request; driver: the generator against its in-process canned server on core 1 (its ceiling at that shape:")
print("a server result near it is the generator's limit). Failed counts every failed request (set-up, warm-up and")
print("drain included), by kind in the .txt; rank_count: the board's records when the measured run started.")
PY
