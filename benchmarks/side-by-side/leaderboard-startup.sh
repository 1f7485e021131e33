#!/usr/bin/env bash
# benchmarks/side-by-side/leaderboard-startup.sh: issue 15's start-up measure. Gantry's start-up time with a
# board of RECORDS (1,000,000) records: the time from `java -jar` to the healthcheck answering, the server's
# own log line "leaderboards: N records ranked in X ms", the data dir's size and the server's resident memory
# after start.
#
# A fresh data dir; Gantry (server/target/gantry.jar of $ROOT with the examples/leaderboards module, pinned to
# core 0) is started once to seed: `gantry-bench leaderboard` (pinned to core 1) creates the board through the
# server-to-server RPC leaderboard_create and writes RECORDS records with random owners through
# leaderboard_record_write, IN_FLIGHT at a time, over REST (the server's own write path, one RocksDB batch
# per record, WAL synced unless SEED_FLAGS say otherwise), then runs a one-second around-owner check. Gantry
# is stopped (SIGTERM: RocksDB closed cleanly) and started RUNS times on the same data; each start is timed.
# Logs: $OUT/seed.txt, $OUT/start-<n>.log.
#
# Environment: ROOT, OUT (default benchmarks/target/side-by-side/leaderboard-startup), RECORDS (1000000),
# BOARD (default bench-1m), RUNS (3), IN_FLIGHT (64), NICE (default none), GANTRY_JAVA_OPTS (default
# -XX:+UseParallelGC -Xmx4g), SEED_FLAGS (Gantry's flags while seeding only; default
# "--persistence.sync_writes false": the records are on disk after the clean stop either way).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/leaderboard-startup}
RECORDS=${RECORDS:-1000000}
BOARD=${BOARD:-}
RUNS=${RUNS:-3}
IN_FLIGHT=${IN_FLIGHT:-64}
NICE=${NICE:-}
SEED_FLAGS=${SEED_FLAGS---persistence.sync_writes false}
GANTRY_JAR=$ROOT/server/target/gantry.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
MODULE_JAR=$(ls "$ROOT"/examples/leaderboards/target/gantry-example-leaderboards-*.jar 2>/dev/null | grep -v -e original- -e sources | head -1)
mkdir -p "$OUT"
for f in "$GANTRY_JAR" "$BENCH_JAR" "$MODULE_JAR"; do
  [ -n "$f" ] && [ -f "$f" ] || { echo "missing ${f:-the examples/leaderboards jar}: build with mvn -DskipTests package -pl server,benchmarks,examples/leaderboards -am" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
DATA=$(mktemp -d /tmp/gantry-leaderboard-startup.XXXXXX)
mkdir -p "$DATA/modules" && cp "$MODULE_JAR" "$DATA/modules/"
GANTRY_PID=
cleanup() {
  [ -n "$GANTRY_PID" ] && kill "$GANTRY_PID" 2>/dev/null && wait "$GANTRY_PID" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
# start LOG [flags...]: starts Gantry, waits for the healthcheck; prints the milliseconds it took
start() {
  local log=$1; shift
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  $NICE taskset -c 0 java ${GANTRY_JAVA_OPTS:--XX:+UseParallelGC -Xmx4g} -jar "$GANTRY_JAR" \
    --socket.address 127.0.0.1 --socket.port "$PORT" --socket.tcp_port 0 --data_dir "$DATA/data" \
    --runtime.path "$DATA/modules" "$@" > "$log" 2>&1 &
  GANTRY_PID=$!
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthcheck"; do
    kill -0 "$GANTRY_PID" 2>/dev/null || { echo "Gantry exited; see $log" >&2; exit 1; }
    sleep 0.02
  done
  echo $(( $(now_ms) - t0 ))
}
stop() {
  kill "$GANTRY_PID" && wait "$GANTRY_PID" 2>/dev/null
  GANTRY_PID=
}

# shellcheck disable=SC2086
start "$OUT/seed-server.log" $SEED_FLAGS > /dev/null
echo "seeding $RECORDS records through the RPC ($IN_FLIGHT in flight) into $DATA/data …"
t0=$(now_ms)
$NICE taskset -c 1 java -Xms1g -Xmx1g -XX:+UseParallelGC -cp "$BENCH_JAR" io.gantry.bench.load.GantryBench leaderboard \
  --op around --records "$RECORDS" ${BOARD:+--board "$BOARD"} --users 16 --in-flight "$IN_FLIGHT" --setup-timeout 3000 \
  --warmup 0 --duration 1 --quiet --port "$PORT" > "$OUT/seed.txt" 2>&1 || { echo "seeding failed: see $OUT/seed.txt" >&2; exit 1; }
echo "seeded in $(( ($(now_ms) - t0) / 1000 )) s: $(grep -m1 'seeded' "$OUT/seed.txt")"
stop

size=$(du -sb "$DATA/data" | cut -f1)
printf '\n%-4s | %10s | %-46s | %9s\n' run "to health" "server log" "RSS"
for n in $(seq 1 "$RUNS"); do
  ms=$(start "$OUT/start-$n.log")
  rss=$(ps -o rss= -p "$GANTRY_PID" | tr -d ' ')
  line=$(grep -o 'leaderboards: [0-9]* records ranked in [0-9]* ms' "$OUT/start-$n.log")
  printf '%-4s | %7s ms | %-46s | %6s MB\n' "$n" "$ms" "$line" "$(( rss / 1024 ))"
  stop
done
printf '\ndata dir: %s MB (%s bytes) for %s records in one board\n' "$(( size / 1024 / 1024 ))" "$size" "$RECORDS"
echo "to health: from launching java -jar to the first 200 of GET /healthcheck (polled every 20 ms); RSS: ps -o rss right after"
