#!/usr/bin/env bash
# benchmarks/side-by-side/sockets.sh [REFERENCE_PORT]: issue 16's socket rows, Gantry and the reference
# Nakama side by side in one run: new authenticated sockets per second and what an idle socket costs.
#
# Starts a fresh Gantry (server/target/gantry.jar of $ROOT, pinned to core 0, with ./scripts/gantry's
# JVM flags unless GANTRY_JAVA_OPTS says otherwise, a new data dir, TCP transport off, session tokens of
# an hour), then runs `gantry-bench connect-storm` (pinned to core 1) against it, then against the
# reference already running on REFERENCE_PORT (default 27350; pin it to core 0 too for a fair figure),
# and prints one table. Reports and logs: $OUT/<server>.{json,txt}.
#
# connect-storm authenticates every user first (REST, not counted), opens WARMUP_SOCKETS sockets of
# other users and closes them (unmeasured: Gantry's JIT compiles the paths and its young generation
# is in use, as in a server that has run a while; the reference gets the same), then opens SOCKETS
# sockets (at most CONCURRENCY handshakes in progress, over three source addresses) and holds them
# HOLD seconds with an application ping per socket every 10 s.
#   opened/s      sockets opened per second of the open phase (TCP connect to the upgrade's 101)
#   p50/p99 ms    the handshake's latency over those sockets
#   srv µs/sock   the server's CPU (user + system, /proc) during the open phase per socket opened;
#                 1e6 / it is what one core of the server would open per second
#   gen %         the generator's CPU during the open phase (near 100 %: the generator is the limit)
#   RSS KB/sock   (VmRSS with the sockets open, 1 s after the last - VmRSS before the first) / sockets
#   heap KB/sock  live heap per socket (jcmd GC.class_histogram before and after, a full GC each; a JVM
#                 only: the reference is Go). RSS counts garbage not yet collected and heap the
#                 collector grew into; the live heap is what the sockets hold.
#   idle cpu %    the server's CPU while it holds them (pings and pongs included)
#
# The machine's hard limit of open files is ~20,000 per process: SOCKETS (default 19000) plus the
# generator's own descriptors must fit under it (ulimit -n is raised to the hard limit here).
#
# Environment: ROOT (default: this repository), OUT (default benchmarks/target/side-by-side/sockets),
# SOCKETS (19000), WARMUP_SOCKETS (5000), HOLD (20), CONCURRENCY (256), AUTH_CHUNK (5000, for the reference,
# whose tokens last 60 s: its "before" memory then precedes the later chunks' authentications; Gantry's
# tokens last an hour and it authenticates everyone before its first socket), NICE (a prefix for every java command; default none),
# GANTRY_JAVA_OPTS (default: ./scripts/gantry's, -XX:+UseParallelGC -Xss512k -Xmn128m), GANTRY_FLAGS (more
# flags for Gantry; default none), SERVERS (default "gantry nakama").
set -u
REF_PORT=${1:-27350}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/sockets}
SOCKETS=${SOCKETS:-19000}
WARMUP_SOCKETS=${WARMUP_SOCKETS:-5000}
HOLD=${HOLD:-20}
CONCURRENCY=${CONCURRENCY:-256}
AUTH_CHUNK=${AUTH_CHUNK:-5000}
NICE=${NICE:-}
SERVERS=${SERVERS:-"gantry nakama"}
GANTRY_JAR=$ROOT/server/target/gantry.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
SOURCES=127.0.0.1,127.0.0.2,127.0.0.3
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
echo "open files: $(ulimit -n) (soft), $(ulimit -Hn) (hard); $SOCKETS sockets after $WARMUP_SOCKETS warm-up ones"

for f in "$GANTRY_JAR" "$BENCH_JAR"; do
  [ -f "$f" ] || { echo "missing $f: build with mvn -DskipTests package -pl server,benchmarks -am" >&2; exit 2; }
done

storm() { # tag port pid auth-chunk
  local tag=$1 port=$2 pid=$3 chunk=$4
  rm -f "$OUT/$tag.json"
  # shellcheck disable=SC2086
  $NICE taskset -c 1 timeout 1200 java -Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC -cp "$BENCH_JAR" \
    io.gantry.bench.load.GantryBench connect-storm --port "$port" --server-pid "$pid" \
    --sockets "$SOCKETS" --warmup-sockets "$WARMUP_SOCKETS" --hold "$HOLD" --auth-chunk "$chunk" \
    --connect-concurrency "$CONCURRENCY" --source-addresses "$SOURCES" --setup-timeout 600 \
    --device-prefix "sock$(date +%s)" --quiet --json "$OUT/$tag.json" > "$OUT/$tag.txt" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || echo "  $tag: exit status $rc (see $OUT/$tag.txt)"
}

for server in $SERVERS; do
  case $server in
    gantry)
      PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      DATA=$(mktemp -d /tmp/gantry-sockets-bench.XXXXXX)
      # shellcheck disable=SC2086
      $NICE taskset -c 0 java ${GANTRY_JAVA_OPTS:--XX:+UseParallelGC -Xss512k -Xmn128m} -jar "$GANTRY_JAR" \
        --socket.address 127.0.0.1 --socket.port "$PORT" --socket.tcp_port -1 --data_dir "$DATA" \
        --session.token_expiry_sec 3600 ${GANTRY_FLAGS:-} > "$OUT/gantry-server.log" 2>&1 &
      GPID=$!
      for _ in $(seq 1 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthcheck" && break
        kill -0 "$GPID" 2>/dev/null || { echo "Gantry exited; see $OUT/gantry-server.log" >&2; exit 1; }
        sleep 0.5
      done
      echo "== Gantry pid $GPID on 127.0.0.1:$PORT"
      storm gantry "$PORT" "$GPID" "$SOCKETS" # tokens of an hour: one chunk, so "before" has every authentication
      kill "$GPID" 2>/dev/null && wait "$GPID" 2>/dev/null
      rm -rf "$DATA"
      ;;
    nakama)
      curl -sf -o /dev/null "http://127.0.0.1:$REF_PORT/healthcheck" || { echo "no reference on 127.0.0.1:$REF_PORT" >&2; continue; }
      REF_PID=$(ss -ltnpH "sport = :$REF_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
      echo "== reference Nakama pid ${REF_PID:-?} on 127.0.0.1:$REF_PORT"
      storm nakama "$REF_PORT" "$REF_PID" "$AUTH_CHUNK"
      ;;
  esac
done

python3 - "$OUT" $SERVERS <<'PY'
import json, os, sys
out, servers = sys.argv[1], sys.argv[2:]
print()
print(f"{'server':<8} | {'held':>7} {'opened/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'srv µs/sock':>11} {'gen %':>6} |"
      f" {'RSS KB/sock':>11} {'heap KB/sock':>12} | {'idle cpu %':>10} {'pings lost':>10}")
for s in servers:
    p = os.path.join(out, f"{s}.json")
    if not os.path.exists(p):
        print(f"{s:<8} | failed (see {s}.txt)")
        continue
    r = json.load(open(p))
    c, m = r["connect"], r["server_memory"]
    hs = c["handshake_latency_ms"]
    us = c.get("server_cpu_us_per_socket")
    rss = m.get("rss_per_socket_bytes")
    heap = m.get("live_heap_per_socket_bytes")
    cpu = r.get("server", {}).get("cpu_percent")
    f = lambda v, fmt: "-" if v is None else format(v, fmt)
    print(f"{s:<8} | {c['open_at_end']:>7,} {c['connects_per_s']:>9,.0f} {hs['p50']:>7.1f} {hs['p99']:>7.1f}"
          f" {f(us, '11.1f'):>11} {f(c.get('generator_cpu_percent'), '6.0f'):>6} |"
          f" {f(None if rss is None else rss / 1024, '11.2f'):>11} {f(None if heap is None else heap / 1024, '12.2f'):>12} |"
          f" {f(cpu, '10.1f'):>10} {r.get('lost', '-')!s:>10}")
print()
print("held: sockets still open at the end of the hold; opened/s over the open phase only (tokens obtained before);")
print("srv µs/sock: server CPU in the open phase per socket (1e6 / it = sockets per second per core); gen %: the")
print("generator's CPU then (near 100 %: it is the limit); heap: jcmd live heap (a JVM only). See the .txt files.")
PY
