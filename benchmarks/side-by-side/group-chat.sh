#!/usr/bin/env bash
# benchmarks/side-by-side/group-chat.sh [REFERENCE_PORT]: issue 14's group chat fan-out, Gantry and the
# reference Nakama side by side in one run: the chat-fanout shape with the room replaced by a group's
# channel, the room alongside as the baseline, and the generator's own ceiling at each.
#
# Starts a fresh Gantry (server/target/gantry.jar of $ROOT, pinned to core 0, a new data dir, TCP
# transport off), then for each channel kind runs `gantry-bench chat-fanout --channel KIND` (pinned to
# core 1) against Gantry, then the reference already running on REFERENCE_PORT (default 27350; it and its
# PostgreSQL should be pinned to core 0 too), then the generator's in-process self-test target, and
# prints a table. With --channel group the first user creates an open group over REST (max_count
# USERS + 1), the others join it, and everyone joins its channel (channel_join type 3, the group id);
# then SENDERS users send at RATE Hz each and every member, the sender included, receives each message.
# Reports and logs: $OUT/<server>-<channel>.{json,txt}. A Gantry without the groups API stops the group
# run in set-up (exit status 3, HTTP 404 in the .txt), shown as "failed".
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/group-chat),
# DURATION (20), WARMUP (5), USERS (200), SENDERS (200), RATE (2; 200 x 2 = 400 sends/s, 80,000
# deliveries/s), CHANNELS (default "group room"), FORMAT (json), NICE (a prefix for every java command,
# e.g. "nice -n 19"; default none), GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g), GANTRY_FLAGS,
# BENCH_FLAGS (more flags for every chat-fanout run: "--persistent" stores every message, acked once durable).
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/group-chat}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
USERS=${USERS:-200}
SENDERS=${SENDERS:-200}
RATE=${RATE:-2}
CHANNELS=${CHANNELS:-"group room"}
FORMAT=${FORMAT:-json}
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
DATA=$(mktemp -d /tmp/gantry-group-chat-bench.XXXXXX)
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
echo "each run: ${WARMUP} s warm-up, ${DURATION} s measured, $USERS users, $SENDERS senders @ $RATE Hz, $FORMAT; generator on core 1"

run() { # tag channel args...
  local tag=$1 ch=$2; shift 2
  # shellcheck disable=SC2086
  $NICE taskset -c 1 timeout 900 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench chat-fanout --channel "$ch" --users "$USERS" --senders "$SENDERS" --rate "$RATE" \
    --format "$FORMAT" --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$OUT/$tag-$ch.json" "$@" ${BENCH_FLAGS:-} \
    > "$OUT/$tag-$ch.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { echo "  $tag $ch: exit status $rc (see $OUT/$tag-$ch.txt: $(grep -m1 'cannot run\|failed' "$OUT/$tag-$ch.txt" | cut -c1-160))"; rm -f "$OUT/$tag-$ch.json"; }
}

for ch in $CHANNELS; do
  echo "== $ch"
  run gantry "$ch" --port "$GANTRY_PORT" --server-pid "$GANTRY_PID"
  # shellcheck disable=SC2086
  run nakama "$ch" --port "$REF_PORT" ${REF_PID:+--server-pid "$REF_PID"}
  run self "$ch" --target self
done

python3 - "$OUT" $CHANNELS <<'PY'
import json, os, sys
out, channels = sys.argv[1], sys.argv[2:]
def load(tag, ch):
    p = os.path.join(out, f"{tag}-{ch}.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)
def cpu(r):
    s = r.get("server") or {}
    return s.get("cpu_percent"), s.get("cpu_us_per_delivered")
def cell(r):
    if r is None:
        return f"{'failed':>16} {'':>8} {'':>6} {'':>7}"
    c, us = cpu(r)
    d = f"{r['delivered']:,}/{r['expected']:,}"
    return (f"{d:>16} {r['latency_ms']['p99']:>8.1f} {('' if c is None else f'{c:.0f}%'):>6}"
            f" {('' if us is None else f'{us:.1f}'):>7}")
print()
print(f"{'channel':<8} | {'Gantry delivered':>16} {'p99 ms':>8} {'cpu':>6} {'us/msg':>7} |"
      f" {'Nakama delivered':>16} {'p99 ms':>8} {'cpu':>6} {'us/msg':>7} | {'x eff':>6} {'p99 /':>6} {'goal':>5} |"
      f" {'driver p99':>10} | lost G/N/self")
for ch in channels:
    g, k, d = load("gantry", ch), load("nakama", ch), load("self", ch)
    eff = p99r = goal = ""
    if g and k and k["latency_ms"]["p99"] > 0:
        p99 = g["latency_ms"]["p99"] / k["latency_ms"]["p99"]
        p99r = f"{p99:.2f}"
        gu, ku = cpu(g)[1], cpu(k)[1]
        if gu and ku:
            x = ku / gu
            eff = f"{x:.1f}"
            goal = "met" if x >= 5 and p99 <= 0.25 and g["lost"] == 0 else "no"
    drv = f"{d['latency_ms']['p99']:>10.1f}" if d else f"{'failed':>10}"
    lost = "/".join("-" if r is None else str(r["lost"]) for r in (g, k, d))
    print(f"{ch:<8} | {cell(g)} | {cell(k)} | {eff:>6} {p99r:>6} {goal:>5} | {drv} | {lost}")
print()
print("delivered: channel messages received in the window of those expected (sends x members, sender included);")
print("p99: send-to-receive over the window; cpu: the server process's share of one core (Nakama's PostgreSQL not")
print("counted: it only answers the joins here); us/msg: its CPU per delivered message; x eff: Nakama's CPU per")
print("message / Gantry's (the rate is fixed, so 5x the throughput per core is 1/5 the CPU per message); p99 /:")
print("Gantry p99 / Nakama p99; goal: x eff >= 5 and p99 / <= 0.25, none lost; driver: the generator against its")
print("in-process server on core 1 (a server p99 near it is the generator's). 'failed': the run did not start (.txt).")
PY
