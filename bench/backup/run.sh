#!/bin/bash
# The proof with a real backup tool: pgBackRest incremental backups of a
# private PostgreSQL cluster under a skewed pgbench workload, with fixed
# partitioning and after `tidemark-cli prebackup --policy full`, in one run.
# Prints the incremental backups' bytes and times, their ratios, and
# Tidemark's own prediction next to what pgBackRest copied.
# See docs/benchmarks.md and docs/backup-recipes.md.
#
#   bench/backup/run.sh [BUILD_DIR]        (as root; default BUILD_DIR: build)
#
# Knobs (environment): SCALE (30), PARTITIONS (10), HOT_FROM/HOT_KEYS (the hot
# key range), CLIENTS (2), TX (8000 per client), SEED (42), KEEP=1 keeps the
# temporary directory.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
CLI="$BUILD/bin/tidemark-cli"
export TIDEMARK_PLUGIN_DIR="$BUILD/lib/tidemark/connectors"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
SCALE=${SCALE:-30}
PARTITIONS=${PARTITIONS:-10}
ROWS=$((SCALE * 100000))
PART_ROWS=$((ROWS / PARTITIONS))
# The hot range sits inside the third partition, away from its bounds.
HOT_FROM=${HOT_FROM:-$((2 * PART_ROWS + PART_ROWS * 2 / 5))}
HOT_KEYS=${HOT_KEYS:-$((PART_ROWS / 25))}
CLIENTS=${CLIENTS:-2}
TX=${TX:-8000}
SEED=${SEED:-42}
PORT=${PORT:-$((20000 + RANDOM % 20000))}

[ "$(id -u)" = 0 ] || { echo "run as root (pgBackRest and PostgreSQL run as the postgres user)" >&2; exit 2; }
[ -x "$CLI" ] || { echo "no $CLI: build tidemark-cli and tidemark-postgres-plugin first" >&2; exit 2; }
command -v pgbackrest > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q pgbackrest > /dev/null
command -v jq > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq > /dev/null

T=$(mktemp -d /tmp/tidemark-backup-bench.XXXXXX)
chmod 755 "$T"
mkdir -p "$T"/{data,repo,log,lock,spool,sock,tidemark}
chmod 700 "$T/data"
chown postgres: "$T"/{data,repo,log,lock,spool,sock}
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$T/data" -m immediate stop > /dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
now() { date +%s.%N; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

CONF="$T/pgbackrest.conf"
cat > "$CONF" <<EOF
[global]
repo1-path=$T/repo
repo1-retention-full=9
log-path=$T/log
lock-path=$T/lock
spool-path=$T/spool
compress-type=none
start-fast=y
process-max=2
log-level-console=warn
log-level-file=info

[bench]
pg1-path=$T/data
pg1-port=$PORT
pg1-socket-path=$T/sock
EOF
chown postgres: "$CONF"
BR=(pgbackrest "--config=$CONF" --stanza=bench)

log "PostgreSQL cluster in $T (port $PORT, $("$PGBIN/postgres" --version))"
as_pg "$PGBIN/initdb" -D "$T/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$T/initdb.log"
cat >> "$T/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$T/sock'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$CONF --stanza=bench archive-push %p'
max_wal_size = 2GB
shared_buffers = 256MB
EOF
as_pg "$PGBIN/pg_ctl" -D "$T/data" -l "$T/log/postgres.log" -w start > /dev/null
PSQL=("$PGBIN/psql" -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres)
"${PSQL[@]}" -c "CREATE DATABASE bench" postgres
URI="postgresql://postgres@127.0.0.1:$PORT/bench"

log "pgbench -i -s $SCALE --partitions=$PARTITIONS (range)"
"$PGBIN/pgbench" -i -q -s "$SCALE" --partitions="$PARTITIONS" --partition-method=range \
    -h 127.0.0.1 -p "$PORT" -U postgres bench > "$T/pgbench-init.log" 2>&1
as_pg "${BR[@]}" stanza-create
as_pg "${BR[@]}" check

# The skewed workload: updates confined to one hot key range (no history
# inserts, so only the accounts family changes), replayed with one seed.
cat > "$T/skewed.sql" <<EOF
\set aid random($((HOT_FROM + 1)), $((HOT_FROM + HOT_KEYS)))
\set delta random(-5000, 5000)
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
EOF
workload() {
    "$PGBIN/pgbench" -n -c "$CLIENTS" -t "$TX" --random-seed="$SEED" -f "$T/skewed.sql" \
        -h 127.0.0.1 -p "$PORT" -U postgres bench > "$T/pgbench-$1.log" 2>&1
    sleep 1.5 # the statistics collector publishes within a second
}

# backup TYPE NAME: runs it and records wall seconds and the repo's delta.
declare -A SECS BYTES DBDELTA
backup() {
    local t0 t1
    t0=$(now)
    as_pg "${BR[@]}" --type="$1" backup
    t1=$(now)
    SECS[$2]=$(echo "$t1 - $t0" | bc -l)
    local info
    info=$(as_pg "${BR[@]}" info --output=json | jq '.[0].backup[-1].info')
    BYTES[$2]=$(jq '.repository.delta' <<< "$info")
    DBDELTA[$2]=$(jq '.delta' <<< "$info")
    log "$2: $1 backup, ${BYTES[$2]} bytes copied to the repository in ${SECS[$2]} s"
}

tm() { "$CLI" --store "$T/tidemark/store.db" "$@"; }
# Tidemark's settings for this connection: the split threshold scaled to
# these partitions; cold partitions of this size are already at target size
# (no merges), so the run stays short.
PART_BYTES=$("${PSQL[@]}" -d bench -c "SELECT pg_total_relation_size('pgbench_accounts_3')")
tm settings "$URI" --set "split_min_bytes=$((PART_BYTES / 4))" --set "target_min_bytes=$((PART_BYTES / 2))" \
    --set half_life_seconds=600 --set sampling_interval_seconds=5 > /dev/null
tm policy "$URI" --set full > /dev/null
"${PSQL[@]}" -d bench -c "SELECT pg_stat_reset()" > /dev/null
tm scan "$URI" > /dev/null

log "fixed partitioning: full backup, workload, incremental"
backup full full-fixed
workload fixed
tm scan "$URI" > /dev/null
backup incr incr-fixed
SUM_BEFORE=$("${PSQL[@]}" -d bench -c "SELECT sum(abalance) FROM pgbench_accounts")

log "Tidemark: prebackup --policy full (stored policy full)"
t0=$(now)
set +e
tm --json prebackup "$URI" --policy full --deadline 10m > "$T/prebackup.json" 2> "$T/prebackup.err"
rc=$?
set -e
OPT_SECS=$(echo "$(now) - $t0" | bc -l)
[ "$rc" = 0 ] || { cat "$T/prebackup.err" "$T/prebackup.json" >&2; echo "prebackup exit $rc" >&2; exit 1; }
SUM_AFTER=$("${PSQL[@]}" -d bench -c "SELECT sum(abalance) FROM pgbench_accounts")
[ "$SUM_BEFORE" = "$SUM_AFTER" ] || { echo "sum(abalance) changed: $SUM_BEFORE → $SUM_AFTER" >&2; exit 1; }
jq -r '.message' "$T/prebackup.json" >&2
jq -r '.plan.steps[] | "  \(.kind) \(.sources|join(",")) → \([.targets[].name]|join(",")) (\(.status))"' \
    "$T/prebackup.json" >&2 || true
# The new partitions were just written: their first VACUUM sets hint bits
# and visibility-map bits on every page, rewriting the files. The PostgreSQL
# connector runs VACUUM (FREEZE, ANALYZE) on every partition it creates, so
# autovacuum does not rewrite them after the next full backup.
PRED_BEFORE=$(jq '.backup_bytes_before' "$T/prebackup.json")
PRED_AFTER=$(jq '.backup_bytes_after' "$T/prebackup.json")
REWRITTEN=$(jq '[.plan.steps[] | select(.status == "done") | .predicted.bytes_rewritten // 0] | add // 0' \
    "$T/prebackup.json")

backup incr incr-after-optimize
backup full full-optimized
workload optimized
backup incr incr-optimized
"${PSQL[@]}" -d bench -c "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' AND
    relname LIKE 'pgbench_accounts%' ORDER BY 1" > "$T/partitions.txt"

ratio() { echo "scale=2; $1 / $2" | bc -l; }
pct() { echo "scale=1; 100 * ($1 - $2) / $2" | bc -l; }
mib() { echo "scale=1; $1 / 1048576" | bc -l; }
cat <<EOF

pgBackRest $(pgbackrest version | awk '{print $2}'), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'); scale $SCALE, $PARTITIONS range partitions of pgbench_accounts
($(mib "$PART_BYTES") MiB each), hot keys $((HOT_FROM + 1))..$((HOT_FROM + HOT_KEYS)), $CLIENTS x $TX updates (seed $SEED)

| backup | bytes copied (repo delta) | MiB | seconds |
|---|---|---|---|
| full, fixed partitioning | ${BYTES[full-fixed]} | $(mib "${BYTES[full-fixed]}") | ${SECS[full-fixed]} |
| incremental, fixed partitioning | ${BYTES[incr-fixed]} | $(mib "${BYTES[incr-fixed]}") | ${SECS[incr-fixed]} |
| incremental right after the optimization (one-off) | ${BYTES[incr-after-optimize]} | $(mib "${BYTES[incr-after-optimize]}") | ${SECS[incr-after-optimize]} |
| full, optimized | ${BYTES[full-optimized]} | $(mib "${BYTES[full-optimized]}") | ${SECS[full-optimized]} |
| incremental, optimized (steady state) | ${BYTES[incr-optimized]} | $(mib "${BYTES[incr-optimized]}") | ${SECS[incr-optimized]} |

steady-state incremental, fixed / optimized: bytes $(ratio "${BYTES[incr-fixed]}" "${BYTES[incr-optimized]}")x, time $(ratio "${SECS[incr-fixed]}" "${SECS[incr-optimized]}")x (target: bytes >= 3x)
optimization: $OPT_SECS s, predicted rewrite $REWRITTEN bytes; one-off incremental / steady fixed incremental: $(ratio "${BYTES[incr-after-optimize]}" "${BYTES[incr-fixed]}")x
Tidemark's prediction for the partitions it changed: before $PRED_BEFORE, after $PRED_AFTER bytes
  fixed incremental vs predicted before: $(pct "$PRED_BEFORE" "${BYTES[incr-fixed]}") %
  optimized incremental vs predicted after: $(pct "$PRED_AFTER" "${BYTES[incr-optimized]}") % (target: within 25 %)
sum(abalance) unchanged by the optimization: $SUM_AFTER
EOF
log "partitions now:"; sed 's/^/  /' "$T/partitions.txt" >&2
