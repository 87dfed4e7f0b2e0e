#!/usr/bin/env bash
# "The log grown" (BENCHMARKS.md, write path run 7): what a logged write costs PostgreSQL once
# flux.state_mutations holds millions of records, right after a checkpoint, when the first change
# to each index leaf writes a full-page image to the WAL. pgbench runs the engine's statements as
# the compiler writes them (request tag and write in one pipeline) against a scratch database.
#
# Usage: bench/log-grown.sh [postgres-url]   (default: the embedded server of `./flux serve`)
#   RECORDS=2000000 ROWS=200000 CLIENTS=16 RUN_SECONDS=5 REPS=3 bench/log-grown.sh   (the defaults)
# Needs psql and pgbench on PATH, and a superuser (it runs CHECKPOINT). Server CPU per
# transaction is printed when the server's data directory is readable here (a local server);
# WAL bytes per transaction always.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."
url=${1:-postgresql://postgres@127.0.0.1:54329/postgres}
records=${RECORDS:-2000000} rows=${ROWS:-200000} clients=${CLIENTS:-16} secs=${RUN_SECONDS:-5} reps=${REPS:-3}
db=flux_log_grown
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

admin() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }
bench() { psql "${url%/*}/$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
one() { bench -At -c "$1"; }

admin -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
bench -f log/src/main/resources/flux/log/mutation-log.sql
bench -f history/src/main/resources/flux/history/history-schema.sql
echo "filling the log with $records records over $rows rows..." >&2
bench <<SQL
CREATE TABLE bench_raw (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE bench_engine (LIKE bench_raw INCLUDING ALL);
CREATE SEQUENCE bench_ids START $((rows + 1)) CACHE 100;
INSERT INTO bench_raw (id, name, amount) SELECT g, 'row ' || g, 0 FROM generate_series(1, $rows) g;
INSERT INTO bench_engine (id, name, amount) SELECT g, 'row ' || g, 0 FROM generate_series(1, $rows) g;
INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, old, new,
                                  changed_columns, created_at)
SELECT gen_random_uuid()::text, pg_current_xact_id(), 'public', 'bench_engine', ((g % $rows) + 1)::text, 'UPDATE',
       '{"a":1}', '{"a":2}', '{name}', clock_timestamp() - interval '1 day' + g * interval '1 ms'
  FROM generate_series(1, $records) g;
SQL
bench -c "VACUUM ANALYZE"

returning="RETURNING row_to_json(t.*)::text AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, CAST(t.id AS text) AS k, NULL::text[] AS c"
log_insert() { # $1: operation
  echo "flux_m AS (INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, tenant_id) SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', 'bench_engine', w.k, '$1', w.o, w.n, w.c, NULLIF(current_setting('flux.tenant_id', true), '') FROM flux_w w) SELECT w.r FROM flux_w w;"
}
tag() { # $1: SQL expression of the request id
  echo "SELECT set_config('flux.request_id', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true);"
}
changed="array_remove(ARRAY[$(for c in id name amount updated_at; do printf "CASE WHEN flux_old.%s IS DISTINCT FROM flux_new.%s THEN '%s' END, " $c $c $c; done | sed 's/, $//')], NULL)"
for ids in v4:gen_random_uuid v7:uuidv7; do
  cat > "$work/insert-${ids%%:*}.sql" <<SQL
\\startpipeline
$(tag "${ids#*:}()::text")
WITH flux_w AS (INSERT INTO public.bench_engine AS t (id, name, amount) VALUES (nextval('bench_ids'), 'row', 1.50) $returning), $(log_insert INSERT)
\\endpipeline
SQL
done
cat > "$work/update-raw.sql" <<SQL
\\set id random(1, $rows)
UPDATE bench_raw SET name = 'n' || :id, amount = 2.50 WHERE id = :id;
SQL
cat > "$work/update-v7.sql" <<SQL
\\set id random(1, $rows)
\\startpipeline
$(tag "uuidv7()::text")
WITH flux_w AS (UPDATE public.bench_engine AS t SET name = 'n' || :id, amount = 2.50 WHERE t.id = :id AND (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext('public.bench_engine'), hashtext(CAST(:id AS text)))) AS flux_l) = 1 RETURNING WITH (OLD AS flux_old, NEW AS flux_new) row_to_json(flux_new.*)::text AS r, to_jsonb(flux_old.*) AS o, to_jsonb(flux_new.*) AS n, CAST(flux_new.id AS text) AS k, $changed AS c), $(log_insert UPDATE)
\\endpipeline
SQL

datadir=$(one "SHOW data_directory")
cpu_ticks() { # the cluster's CPU ticks: postmaster (with reaped children) + live children; empty if not local
  local pm; pm=$(head -1 "$datadir/postmaster.pid" 2>/dev/null) || return 0
  local t=0 f
  read -r -a f < "/proc/$pm/stat" || return 0
  t=$((f[13] + f[14] + f[15] + f[16]))
  for c in $(cat /proc/"$pm"/task/*/children 2>/dev/null); do
    read -r -a f < "/proc/$c/stat" 2>/dev/null && t=$((t + f[13] + f[14] + f[15] + f[16]))
  done
  echo $t
}

echo "| statement | run | tps | server CPU µs / tx | WAL bytes / tx |"
echo "|---|---:|---:|---:|---:|"
for rep in $(seq 1 "$reps"); do
  for s in insert-v4 insert-v7 update-raw update-v7; do
    bench -c CHECKPOINT
    lsn=$(one "SELECT pg_current_wal_lsn()")
    c1=$(cpu_ticks)
    out=$(pgbench -n -M prepared -c "$clients" -j 2 -T "$secs" -f "$work/$s.sql" "${url%/*}/$db" 2>&1)
    sleep 0.3 # let the backends exit, so their CPU is reaped into the postmaster's
    c2=$(cpu_ticks)
    wal=$(one "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')")
    tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)
    txs=$(grep -oP 'number of transactions actually processed: \K[0-9]+' <<<"$out")
    cpu=$([ -n "$c1" ] && [ -n "$c2" ] && echo $(( (c2 - c1) * 10000 / txs )) || echo "n/a")
    printf '| %s | %d | %.0f | %s | %d |\n' "$s" "$rep" "$tps" "$cpu" $((${wal%.*} / txs))
  done
done
admin -c "DROP DATABASE $db"
