#!/usr/bin/env bash
# benchmarks/side-by-side/leaderboard-startup.sh: issue 15's start-up measure. Gantry's start-up time with a
# board of RECORDS (1,000,000) records: the time from `java -jar` to the healthcheck answering, the server's
# own log line "leaderboards: N records ranked in X ms", the data dir's size and the server's resident memory
# after start.
#
# A fresh data dir, seeded with the server stopped by `gantry-bench leaderboard-seed` (pinned to core 1): it
# opens the store with RocksStore and writes the board and RECORDS records with random owners through
# LeaderboardStore, as the server's LeaderboardService stores them (no HTTP, no WAL sync: far faster than
# the RPC, the same bytes on disk). Then Gantry (server/target/gantry.jar of $ROOT with the
# examples/leaderboards module, pinned to core 0) is started RUNS times on that data and stopped (SIGTERM)
# after each; each start is timed. After the last start, a one-second `gantry-bench leaderboard --op around`
# checks the board answers with rank_count >= RECORDS. Logs: $OUT/seed.txt, $OUT/start-<n>.log, $OUT/check.txt.
#
# Environment: ROOT, OUT (default benchmarks/target/side-by-side/leaderboard-startup), RECORDS (1000000),
# BOARD (default bench-1m), RUNS (3), NICE (default none), GANTRY_JAVA_OPTS (default -XX:+UseParallelGC -Xmx4g).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$ROOT/benchmarks/target/side-by-side/leaderboard-startup}
RECORDS=${RECORDS:-1000000}
BOARD=${BOARD:-}
RUNS=${RUNS:-3}
NICE=${NICE:-}
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
# start LOG [flags...]: starts Gantry, waits for the healthcheck; START_MS: the milliseconds it took
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
  START_MS=$(( $(now_ms) - t0 ))
}
stop() {
  kill "$GANTRY_PID" && wait "$GANTRY_PID" 2>/dev/null
  GANTRY_PID=
}

echo "seeding $RECORDS records into $DATA/data …"
$NICE taskset -c 1 java -Xmx1g -XX:+UseParallelGC -cp "$BENCH_JAR" io.gantry.bench.load.GantryBench leaderboard-seed \
  --data-dir "$DATA/data" --records "$RECORDS" ${BOARD:+--board "$BOARD"} > "$OUT/seed.txt" 2>&1 \
  || { echo "seeding failed: see $OUT/seed.txt" >&2; exit 1; }
tail -1 "$OUT/seed.txt"

size=$(du -sb "$DATA/data" | cut -f1)
printf '\n%-4s | %10s | %-46s | %9s\n' run "to health" "server log" "RSS"
for n in $(seq 1 "$RUNS"); do
  start "$OUT/start-$n.log"
  rss=$(ps -o rss= -p "$GANTRY_PID" | tr -d ' ')
  line=$(grep -o 'leaderboards: [0-9]* records ranked in [0-9]* ms' "$OUT/start-$n.log")
  printf '%-4s | %7s ms | %-46s | %6s MB\n' "$n" "$START_MS" "$line" "$(( rss / 1024 ))"
  [ "$n" -eq "$RUNS" ] || stop
done
$NICE taskset -c 1 java -Xmx1g -XX:+UseParallelGC -cp "$BENCH_JAR" io.gantry.bench.load.GantryBench leaderboard \
  --op around --records "$RECORDS" ${BOARD:+--board "$BOARD"} --users 16 --warmup 0 --duration 1 --quiet \
  --port "$PORT" > "$OUT/check.txt" 2>&1 || echo "the check failed: see $OUT/check.txt" >&2
echo "check: $(grep -m1 'records ranked' "$OUT/check.txt"); $(grep -m1 '^requests' "$OUT/check.txt")"
stop
printf '\ndata dir: %s MB (%s bytes) for %s records in one board\n' "$(( size / 1024 / 1024 ))" "$size" "$RECORDS"
echo "to health: from launching java -jar to the first 200 of GET /healthcheck (polled every 20 ms); RSS: ps -o rss right after"
