#!/usr/bin/env bash
# benchmarks/side-by-side/realtime.sh: issue 16's realtime rows (CPU per message at the match-relay and
# chat-fanout shapes), Gantry and the reference Nakama 3.18 side by side in one run, with the generator's
# own ceiling at each relay shape.
#
# For each shape: a fresh Gantry (server/target/gantry.jar, new data dir, pinned to core 0) is started,
# measured by gantry-bench (pinned to core 1) and stopped; then a fresh reference Nakama
# (../shared/tools/reference-nakama.sh on REF_PORT, pinned to core 0; its PostgreSQL is not used by these
# shapes) is started, measured the same way and stopped; then the generator's in-process self-test runs at
# the shape (relay shapes only). Prints one table; reports in $OUT/<server>-<shape>.{json,txt}.
#
# The shapes (the issue's table; senders spread over the period, each at its own time):
#   relay-json      match-relay --matches 1000 --players 2 --rate 10
#   relay-protobuf  the same, --format protobuf
#   relay-4x30      match-relay --matches 100 --players 4 --rate 30
#   relay-20hz      match-relay --matches 1000 --players 2 --rate 20
#   chat            chat-fanout --users 200 --senders 200 --rate 2  (400 sends/s, 80,000 deliveries/s)
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/realtime),
# SHAPES (default all five, space-separated), WARMUP (15 s: the JIT's compilations out of the window),
# DURATION (30), REF_PORT (7460; the reference uses REF_PORT-2..REF_PORT+1), SERVERS (default
# "gantry nakama"), NAKAMA_GIT_DIR (for the reference's first build), GANTRY_JAVA_OPTS (default the
# server script's: -XX:+UseParallelGC -Xss512k -Xmn128m), BENCH_FLAGS (more flags for every generator run).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/realtime}
SHAPES=${SHAPES:-"relay-json relay-protobuf relay-4x30 relay-20hz chat"}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-30}
REF_PORT=${REF_PORT:-7460}
SERVERS=${SERVERS:-"gantry nakama"}
REF_SCRIPT=${REF_SCRIPT:-$ROOT/../shared/tools/reference-nakama.sh}
GANTRY_JAR=$ROOT/server/target/gantry.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
mkdir -p "$OUT"
for f in "$GANTRY_JAR" "$BENCH_JAR"; do
  [ -f "$f" ] || { echo "missing $f: build with mvn -DskipTests package -pl server,benchmarks -am" >&2; exit 2; }
done

shape_args() {
  case $1 in
    relay-json) echo "match-relay --matches 1000 --players 2 --rate 10" ;;
    relay-protobuf) echo "match-relay --matches 1000 --players 2 --rate 10 --format protobuf" ;;
    relay-4x30) echo "match-relay --matches 100 --players 4 --rate 30" ;;
    relay-20hz) echo "match-relay --matches 1000 --players 2 --rate 20" ;;
    chat) echo "chat-fanout --users 200 --senders 200 --rate 2" ;;
    *) echo "unknown shape $1" >&2; exit 2 ;;
  esac
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
trap cleanup EXIT

wait_healthy() { # port pid log
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/healthcheck" && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited; see $3" >&2; return 1; }
    sleep 0.5
  done
  echo "server on :$1 not healthy after 120 s; see $3" >&2
  return 1
}

bench() { # tag port pid args...
  local tag=$1 port=$2 pid=$3; shift 3
  # shellcheck disable=SC2086
  taskset -c 1 timeout 900 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench "$@" ${port:+--port "$port"} ${pid:+--server-pid "$pid"} \
    --warmup "$WARMUP" --duration "$DURATION" --setup-timeout 300 --quiet --json "$OUT/$tag.json" ${BENCH_FLAGS:-} \
    > "$OUT/$tag.txt" 2>&1
}

run_gantry() { # shape
  local port data
  port=$(free_port)
  data=$(mktemp -d /tmp/gantry-realtime-bench.XXXXXX)
  # shellcheck disable=SC2086
  taskset -c 0 java ${GANTRY_JAVA_OPTS:--XX:+UseParallelGC -Xss512k -Xmn128m} -jar "$GANTRY_JAR" --socket.address 127.0.0.1 \
    --socket.port "$port" --socket.tcp_port 0 --data_dir "$data" > "$OUT/gantry-$1-server.log" 2>&1 &
  SERVER_PID=$!
  wait_healthy "$port" "$SERVER_PID" "$OUT/gantry-$1-server.log" || { cleanup; rm -rf "$data"; return 1; }
  # shellcheck disable=SC2046
  bench "gantry-$1" "$port" "$SERVER_PID" $(shape_args "$1")
  cleanup
  rm -rf "$data"
}

run_nakama() { # shape
  [ -x "$REF_SCRIPT" ] || { echo "no reference script at $REF_SCRIPT" >&2; return 1; }
  taskset -c 0 "$REF_SCRIPT" "$REF_PORT" --socket.address 127.0.0.1 > "$OUT/nakama-$1-server.log" 2>&1 &
  local script_pid=$!
  wait_healthy "$REF_PORT" "$script_pid" "$OUT/nakama-$1-server.log" || { kill "$script_pid" 2>/dev/null; return 1; }
  SERVER_PID=$(ss -ltnpH "sport = :$REF_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  # shellcheck disable=SC2046
  bench "nakama-$1" "$REF_PORT" "$SERVER_PID" $(shape_args "$1") --server-key defaultkey
  cleanup
  kill "$script_pid" 2>/dev/null; wait "$script_pid" 2>/dev/null
}

run_self() { # shape: the generator against its in-process echo server, same shape
  local args
  args=$(shape_args "$1")
  case $1 in
    relay-*) ;;
    *) return 0 ;;
  esac
  # shellcheck disable=SC2086
  bench "self-$1" "" "" self-test ${args#match-relay } --no-ceiling
}

for shape in $SHAPES; do
  for server in $SERVERS; do
    echo "== $server $shape ($(date +%T))"
    "run_$server" "$shape" || echo "   $server $shape failed"
  done
  run_self "$shape"
done

python3 - "$OUT" "$SHAPES" <<'EOF'
import json, os, sys
out, shapes = sys.argv[1], sys.argv[2].split()
def load(tag):
    p = os.path.join(out, tag + ".json")
    return json.load(open(p)) if os.path.exists(p) else None
def cell(r):
    if not r:
        return "—"
    s = r.get("server") or {}
    lat = r.get("latency_ms") or {}
    ps = r.get("per_second_p99_ms") or {}
    cpu = s.get("cpu_percent")
    us = s.get("cpu_us_per_delivered")
    lost = r.get("lost", 0)
    text = "%s %%, %s µs, p99 %s ms (worst s %s)" % (
        "?" if cpu is None else round(cpu, 1), "?" if us is None else round(us, 1),
        lat.get("p99"), ps.get("max"))
    if lost:
        text += ", %d lost" % lost
    return text
print("| shape | reference Nakama 3.18: CPU, CPU per delivery, p99 | Gantry | Gantry ÷ Nakama CPU | generator alone: p99, busiest loop |")
print("|---|---|---|---|---|")
for shape in shapes:
    g, n, s = load("gantry-" + shape), load("nakama-" + shape), load("self-" + shape)
    ratio = "—"
    try:
        ratio = "%.2f" % (g["server"]["cpu_percent"] / n["server"]["cpu_percent"])
    except (TypeError, KeyError, ZeroDivisionError):
        pass
    selfcell = "—"
    if s:
        selfcell = "p99 %s ms, loop %s %%" % ((s.get("latency_ms") or {}).get("p99"),
                                               round((s.get("generator") or {}).get("busiest_loop_cpu_percent") or 0))
    print("| %s | %s | %s | %s | %s |" % (shape, cell(n), cell(g), ratio, selfcell))
EOF
