#!/usr/bin/env bash
# Crash test: kill -9 the server at random moments while jobs run, restart it each time,
# then check that no job was lost, none is stuck in `processing`, and every output is
# byte-identical to a clean run of the same inputs.
#
#   bash scripts/fault-test.sh [KILLS] [JOBS_PER_KILL]     (defaults: 100 kills, 10 jobs each)
#
# Uses target/release/ccjobs (built if missing). Clients submit with an Idempotency-Key
# and retry until the server answers, as a careful client would: a request cut off by a
# kill is retried and never makes a second job. Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-100}
PER_KILL=${2:-10}
JOBS=$((KILLS * PER_KILL))
PORT=3941
BASE="http://127.0.0.1:$PORT"
BIN=target/release/ccjobs
[ -x "$BIN" ] || cargo build --release -p server
WORK=$(mktemp -d)
trap 'pkill -9 -f "$BIN serve --bind 127.0.0.1:$PORT" 2>/dev/null || true' EXIT
CONFIG='{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT"}'

# Distinct inputs: input i has i % 50 + 1 cues.
mkdir -p "$WORK/in"
for i in $(seq 1 "$JOBS"); do
  f="$WORK/in/job-$i.srt"; : > "$f"
  for c in $(seq 1 $((i % 50 + 1))); do
    printf '%d\n00:%02d:%02d,%03d --> 00:%02d:%02d,%03d\nJob %d, cue %d <i>& more</i>\n\n' \
      "$c" $((c / 60)) $((c % 60)) $((i % 1000)) $((c / 60)) $((c % 60 + 1)) $((i % 1000)) "$i" "$c" >> "$f"
  done
done

start_server() { # $1 = database file
  # Rate limits off: this test is about crashes, and its clients retry hard.
  CCJOBS_RATE_PER_KEY=0 CCJOBS_RATE_PER_IP=0 \
    "$BIN" serve --bind "127.0.0.1:$PORT" --database "sqlite://$1" > "$WORK/server.out" 2>> "$WORK/server.err" &
  disown
  for _ in $(seq 1 200); do curl -sf "$BASE/health" > /dev/null && return 0; sleep 0.05; done
  echo "server did not start"; cat "$WORK/server.err"; exit 1
}

# Submits input $2 with idempotency key $2, retrying until the server answers; prints the id.
submit() {
  local key=$1 i=$2 body
  for _ in $(seq 1 600); do
    if body=$(curl -s --max-time 5 -H "x-api-key: $key" -H "Idempotency-Key: fault-$i" \
        -F "config=$CONFIG" -F "source=@$WORK/in/job-$i.srt" "$BASE/jobs") \
        && id=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null); then
      echo "$i $id"; return 0
    fi
    sleep 0.1
  done
  echo "could not submit job $i" >&2; return 1
}

# Waits until no job is queued or processing; prints "passed failed".
settle() {
  local key=$1 deadline=$((SECONDS + 300))
  while [ $SECONDS -lt $deadline ]; do
    local open
    open=$(curl -s -H "x-api-key: $key" "$BASE/jobs?status=queued&status=processing" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total", "?"))' || echo "?")
    [ "$open" = 0 ] && return 0
    sleep 1
  done
  echo "jobs still open after 300 s"; return 1
}

# Writes "input-number sha256-of-target" for every job in $2 (lines "i id").
outputs() {
  local key=$1
  while read -r i id; do
    printf '%s %s\n' "$i" "$(curl -s -H "x-api-key: $key" "$BASE/jobs/$id/files/target" | sha256sum | cut -d' ' -f1)"
  done < "$2" | sort -n
}

echo "== clean run: $JOBS jobs"
start_server "$WORK/clean.db"
KEY=$(grep -o 'ccj_[0-9a-f]*' "$WORK/server.out")
for i in $(seq 1 "$JOBS"); do submit "$KEY" "$i"; done > "$WORK/clean.ids"
settle "$KEY"
outputs "$KEY" "$WORK/clean.ids" > "$WORK/clean.sums"
pkill -f "$BIN serve --bind 127.0.0.1:$PORT" || true
for _ in $(seq 1 100); do pgrep -f "$BIN serve --bind 127.0.0.1:$PORT" > /dev/null || break; sleep 0.1; done
pkill -9 -f "$BIN serve --bind 127.0.0.1:$PORT" || true

echo "== fault run: $KILLS kill -9 at random moments, $PER_KILL new jobs before each"
start_server "$WORK/fault.db"
KEY=$(grep -o 'ccj_[0-9a-f]*' "$WORK/server.out")
: > "$WORK/fault.ids"
n=0
for k in $(seq 1 "$KILLS"); do
  for _ in $(seq 1 "$PER_KILL"); do n=$((n + 1)); submit "$KEY" "$n" >> "$WORK/fault.ids" & done
  sleep "0.$((RANDOM % 300))"
  pkill -9 -f "$BIN serve --bind 127.0.0.1:$PORT" || true
  start_server "$WORK/fault.db"
  wait # this round's clients, retrying against the restarted server
done
# Jobs whose submission was cut off by the last kill: the clients retry.
for i in $(seq 1 "$JOBS"); do grep -q "^$i " "$WORK/fault.ids" || submit "$KEY" "$i" >> "$WORK/fault.ids"; done
sort -n -u "$WORK/fault.ids" -o "$WORK/fault.ids"
echo "   waiting for leases of killed workers to expire (up to 75 s) and the queue to drain"
settle "$KEY"
outputs "$KEY" "$WORK/fault.ids" > "$WORK/fault.sums"

total=$(curl -s -H "x-api-key: $KEY" "$BASE/jobs?size=25" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
passed=$(curl -s -H "x-api-key: $KEY" "$BASE/jobs?status=passed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
failed=$(curl -s -H "x-api-key: $KEY" "$BASE/jobs?status=failed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
processing=$(curl -s -H "x-api-key: $KEY" "$BASE/jobs?status=processing" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
retried=$(sqlite3 "$WORK/fault.db" "select count(*) from jobs where attempts > 1" 2>/dev/null || echo "?")
differ=$(diff "$WORK/clean.sums" "$WORK/fault.sums" | grep -c '^>' || true)
echo "== result"
echo "   jobs submitted: $JOBS, stored: $total (lost: $((JOBS - total)))"
echo "   passed: $passed, failed: $failed, left processing: $processing, run more than once: $retried"
echo "   outputs differing from the clean run: $differ"
[ "$total" = "$JOBS" ] && [ "$passed" = "$JOBS" ] && [ "$processing" = 0 ] && [ "$differ" = 0 ]
echo "PASS"
