#!/usr/bin/env bash
# benchmarks/side-by-side/social.sh [REFERENCE_PORT]: issue 14's social measurements over REST (friend adds
# and lists, group joins and member listings), Gantry and the reference Nakama side by side in one run,
# with the generator's own ceiling at each shape.
#
# Starts a fresh Gantry (server/target/gantry.jar of $ROOT, pinned to core 0, a new data dir, TCP
# transport off), then for each shape runs `gantry-bench social` (pinned to core 1) against Gantry,
# then against the reference already running on REFERENCE_PORT (default 27350; it and its PostgreSQL
# should be pinned to core 0 too), then against the generator's in-process self-test target, and
# prints a table. Reports and logs: $OUT/<server>-<op>.{json,txt}.
#
# The shapes (each run authenticates its own new users first, so a rerun starts from no edges):
#   friend-add   POST /v2/friend?ids=<j> as i (invite), then as j for i (accept), each pair of
#                FRIEND_USERS users once; both requests count. The pool holds U x floor((U-1)/2) pairs.
#   friend-list  GET /v2/friend?limit=100 as LIST_USERS users with FRIENDS mutual friends each (set up first).
#   group-join   POST /v2/group/{id}/join, each (user, group) pair of JOIN_USERS users and JOIN_GROUPS open
#                groups once (no leave); the pool holds U x G joins.
#   group-users  GET /v2/group/{id}/user?limit=100 on LIST_GROUPS groups of MEMBERS members, asked by the members.
# A run that uses up its pool says so ("pool ran out" in the .txt, counted under failed): raise the users.
# Against a Gantry without the groups API the group shapes stop in set-up (exit status 3, HTTP 404 in
# the .txt) and show as "failed".
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/social),
# DURATION (20), WARMUP (5), IN_FLIGHT (64), SHAPES (default "friend-add friend-list group-join group-users"),
# FRIEND_USERS (1500), LIST_USERS (256), FRIENDS (20), JOIN_USERS (2000), JOIN_GROUPS (1000), LIST_GROUPS (20),
# MEMBERS (50), NICE (a prefix for every java command, e.g. "nice -n 19"; default none, so Gantry runs
# at the reference's priority), GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g), GANTRY_FLAGS
# (more flags for Gantry, e.g. "--persistence.sync_writes false"; default none).
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/social}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
IN_FLIGHT=${IN_FLIGHT:-64}
SHAPES=${SHAPES:-"friend-add friend-list group-join group-users"}
FRIEND_USERS=${FRIEND_USERS:-1500}
LIST_USERS=${LIST_USERS:-256}
FRIENDS=${FRIENDS:-20}
JOIN_USERS=${JOIN_USERS:-2000}
JOIN_GROUPS=${JOIN_GROUPS:-1000}
LIST_GROUPS=${LIST_GROUPS:-20}
MEMBERS=${MEMBERS:-50}
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
DATA=$(mktemp -d /tmp/gantry-social-bench.XXXXXX)
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
echo "each run: ${WARMUP} s warm-up, ${DURATION} s measured, ${IN_FLIGHT} in flight; generator on core 1"

sizes() { # op -> its flags
  case $1 in
    friend-add) echo "--users $FRIEND_USERS" ;;
    friend-list) echo "--users $LIST_USERS --friends $FRIENDS" ;;
    group-join) echo "--users $JOIN_USERS --groups $JOIN_GROUPS" ;;
    group-users) echo "--groups $LIST_GROUPS --members $MEMBERS" ;;
  esac
}

run() { # tag op args...
  local tag=$1 op=$2; shift 2
  # shellcheck disable=SC2086,SC2046
  $NICE taskset -c 1 timeout 900 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench social --op "$op" $(sizes "$op") --in-flight "$IN_FLIGHT" \
    --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$OUT/$tag-$op.json" "$@" \
    > "$OUT/$tag-$op.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { echo "  $tag $op: exit status $rc (see $OUT/$tag-$op.txt: $(grep -m1 'cannot run\|failed' "$OUT/$tag-$op.txt" | cut -c1-160))"; rm -f "$OUT/$tag-$op.json"; }
}

for op in $SHAPES; do
  echo "== $op ($(sizes "$op"))"
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
        return f"{'failed':>9} {'':>8} {'':>6}"
    core = r.get("server_core", {}).get("busy_percent")
    return f"{r['requests_per_s']:>9,.0f} {r['latency_ms']['p99']:>8.1f} {('' if core is None else f'{core:.0f}%'):>6}"
print()
print(f"{'shape':<12} | {'Gantry':^9} {'p99 ms':>8} {'core0':>6} | {'Nakama':^9} {'p99 ms':>8} {'core0':>6} |"
      f" {'x thr':>6} {'p99 /':>6} {'goal':>5} | {'driver':>9} {'p99 ms':>8} | failed G/N/self | pool ran out")
for op in shapes:
    g, k, d = load("gantry", op), load("nakama", op), load("self", op)
    ratio = p99r = goal = ""
    if g and k and k["requests_per_s"] > 0 and k["latency_ms"]["p99"] > 0:
        x = g["requests_per_s"] / k["requests_per_s"]
        q = g["latency_ms"]["p99"] / k["latency_ms"]["p99"]
        ratio, p99r = f"{x:.1f}", f"{q:.2f}"
        goal = "met" if x >= 5 and q <= 0.25 and fails(g) == 0 else "no"
    drv = f"{d['requests_per_s']:>9,.0f} {d['latency_ms']['p99']:>8.1f}" if d else f"{'failed':>9} {'':>8}"
    f = "/".join("-" if r is None else str(fails(r)) for r in (g, k, d))
    ran = ",".join(t for t, r in (("G", g), ("N", k), ("self", d)) if r and r.get("pool_ran_out")) or "no"
    print(f"{op:<12} | {cell(g)} | {cell(k)} | {ratio:>6} {p99r:>6} {goal:>5} | {drv} | {f:>15} | {ran}")
print()
print("requests/s: replies 2xx with the expected users ({} for adds and joins) in the window; p99 over the window;")
print("core0: busy share of core 0 (the server, and for Nakama its PostgreSQL) in the window; x thr: Gantry / Nakama")
print("requests/s; p99 /: Gantry p99 / Nakama p99; goal: >= 5x and <= 0.25 with no failed request; driver: the")
print("generator against its in-process canned server on core 1 (its ceiling at that shape: a server result near it")
print("is the generator's limit). Failed counts every failed request (warm-up and drain included), by kind in the")
print(".txt; 'failed' in a cell: the run did not start (see the .txt; a Gantry without groups answers 404).")
PY
