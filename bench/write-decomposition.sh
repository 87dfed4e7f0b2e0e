#!/bin/bash
# Issue 20's decomposition of the engine's insert (BENCHMARKS.md, write run 12): server CPU per
# transaction of each statement shape, one pgbench client, -M prepared, generic plans, fsync off
# (so the server's CPU is all there is), on a scratch cluster of the embedded PostgreSQL's binaries.
# Each shape adds one thing to the one before it. Prints the median of ROUNDS interleaved rounds.
# Needs: pgbench and psql on the PATH; the embedded binaries (any ./flux-bench run unpacks them).
# Usage: bench/write-decomposition.sh   (ROUNDS=5 N=4000 by default; OP=update for the engine's update,
# each shape updating one of 100,000 preloaded rows by its key)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=$(ls -d /tmp/embedded-pg/*/bin 2>/dev/null | head -1)
[ -x "$bin/initdb" ] || { echo "write-decomposition: no embedded PostgreSQL binaries under /tmp/embedded-pg (run any ./flux-bench first)" >&2; exit 1; }
rounds=${ROUNDS:-5}; n=${N:-4000}; port=${PORT:-55499}
dir=$(mktemp -d /tmp/flux-decomp-XXXX); chmod 755 "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
as_pg "$bin/initdb -D $dir/pg -U postgres -A trust >/dev/null && $bin/pg_ctl -D $dir/pg -l $dir/pg.log -w \
  -o '-p $port -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB' start >/dev/null"
trap 'as_pg "$bin/pg_ctl -D $dir/pg -m fast stop >/dev/null" || true; rm -rf "$dir"' EXIT
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 "$@"; }
sql -f "$here/log/src/main/resources/flux/log/mutation-log.sql" >/dev/null 2>&1
python3 - "$here/bench/src/main/java/flux/bench/BenchSchema.java" > "$dir/bench.sql" <<'PY'
import sys; s = open(sys.argv[1]).read(); a = s.index('DDL = """') + 9; print(s[a:s.index('""";', a)])
PY
sql -f "$dir/bench.sql" >/dev/null
# The levers on the log's indexes: without the four partial indexes (placed, key change, truncate,
# wal txid: rare records, but every insert tests their predicates), and with only a row and a request
# index (no time index, no expression in the row index).
sql -c "CREATE TABLE no_partial_log (LIKE flux.state_mutations INCLUDING DEFAULTS INCLUDING IDENTITY)" -c "ALTER TABLE no_partial_log ADD PRIMARY KEY (id)" \
    -c "CREATE INDEX ON no_partial_log (table_schema, table_name, row_id, (coalesce(placed_after, id)), id)" \
    -c "CREATE INDEX ON no_partial_log (request_id text_pattern_ops, id)" -c "CREATE INDEX ON no_partial_log (table_schema, table_name, row_id, created_at)"
sql -c "CREATE TABLE two_index_log (LIKE flux.state_mutations INCLUDING DEFAULTS INCLUDING IDENTITY)" -c "ALTER TABLE two_index_log ADD PRIMARY KEY (id)" \
    -c "CREATE INDEX ON two_index_log (table_schema, table_name, row_id, id)" -c "CREATE INDEX ON two_index_log (request_id text_pattern_ops, id)"
sql -c "CREATE TABLE pk_log (LIKE flux.state_mutations INCLUDING DEFAULTS INCLUDING IDENTITY)" -c "ALTER TABLE pk_log ADD PRIMARY KEY (id)" \
    -c "CREATE TABLE enforced_log (LIKE flux.state_mutations INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)" \
    -c "ALTER TABLE enforced_log ADD CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')), ADD CHECK (source IN ('api', 'wal', 'console', 'snapshot')), ADD CHECK (status IN ('committed', 'rolled_back'))"
head='\set id random(1, 2000000000)'
values="(:id, 'row name', 12.5) ON CONFLICT DO NOTHING"
tag="SELECT set_config('flux.request_id', '0193a0b2-1c2d-7e3f-8a4b-' || :id, true), set_config('plan_cache_mode', 'force_generic_plan', true), set_config('statement_timeout', '30000', true);"
cte() { echo "WITH flux_w AS (INSERT INTO bench_engine AS t (id, name, amount) VALUES $values RETURNING row_to_json(t.*)::text AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, CAST(t.id AS text) AS k, NULL::text[] AS c), flux_m AS (INSERT INTO $1 (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, tenant_id, undoes) SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', 'bench_engine', w.k, 'INSERT', w.o, w.n, w.c, NULLIF(current_setting('flux.tenant_id', true), ''), NULLIF(current_setting('flux.undoes', true), '') FROM flux_w w) SELECT w.r FROM flux_w w;"; }
shape() { printf '%s\nBEGIN;\n%s\nCOMMIT;\n' "$head" "$2" > "$dir/$1.sql"; }
if [ "${OP:-insert}" = update ]; then
  for t in bench_raw bench_engine bench_wiki bench_supa; do
    sql -c "INSERT INTO $t (id, name, amount) SELECT g, 'row ' || g, 0 FROM generate_series(1, 100000) g" -c "VACUUM ANALYZE $t"
  done
  head='\set id random(1, 100000)
\set v random(1, 999999)'
  set_where="SET amount = CAST(:v AS numeric) / 100 WHERE t.id = :id"
  images="(SELECT row_to_json(flux_p.*)::text FROM (SELECT flux_new.id, flux_new.name, flux_new.amount, flux_new.updated_at) AS flux_p) AS r, to_jsonb(flux_old.*) AS o, to_jsonb(flux_new.*) AS n, CAST(flux_new.id AS text) AS k"
  changed="array_remove(ARRAY[CASE WHEN flux_old.id IS DISTINCT FROM flux_new.id THEN 'id' END, CASE WHEN flux_old.name IS DISTINCT FROM flux_new.name THEN 'name' END, CASE WHEN flux_old.amount IS DISTINCT FROM flux_new.amount THEN 'amount' END, CASE WHEN flux_old.updated_at IS DISTINCT FROM flux_new.updated_at THEN 'updated_at' END], NULL) AS c"
  gate="AND (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext('public.bench_engine'), hashtext(CAST(:id AS text)))) AS flux_l) = 1"
  ucte() { echo "WITH flux_w AS (UPDATE bench_engine AS t $set_where $2 RETURNING WITH (OLD AS flux_old, NEW AS flux_new) $images, $changed), flux_m AS (INSERT INTO $1 (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, tenant_id, undoes) SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', 'bench_engine', w.k, 'UPDATE', w.o, w.n, w.c, NULLIF(current_setting('flux.tenant_id', true), ''), NULLIF(current_setting('flux.undoes', true), '') FROM flux_w w) SELECT w.r FROM flux_w w;"; }
  shape u1-raw "UPDATE bench_raw AS t $set_where;"
  shape u2-tag "$tag
UPDATE bench_engine AS t $set_where;"
  shape u3-returning-images "$tag
UPDATE bench_engine AS t $set_where RETURNING WITH (OLD AS flux_old, NEW AS flux_new) $images;"
  shape u4-changed-columns "$tag
UPDATE bench_engine AS t $set_where RETURNING WITH (OLD AS flux_old, NEW AS flux_new) $images, $changed;"
  shape u5-row-gate "$tag
UPDATE bench_engine AS t $set_where $gate RETURNING WITH (OLD AS flux_old, NEW AS flux_new) $images, $changed;"
  shape u6-pk-only-log "$tag
$(ucte pk_log "$gate")"
  shape u7-flux-log "$tag
$(ucte flux.state_mutations "$gate")"
  shape u8-wiki-trigger "UPDATE bench_wiki AS t $set_where;"
  shape u9-supa-audit "UPDATE bench_supa AS t $set_where;"
else
shape 1-raw "INSERT INTO bench_engine (id, name, amount) VALUES $values;"
shape 2-tag "$tag
INSERT INTO bench_engine (id, name, amount) VALUES $values;"
shape 3-returning "$tag
INSERT INTO bench_engine AS t (id, name, amount) VALUES $values RETURNING row_to_json(t.*)::text, to_jsonb(t.*), CAST(t.id AS text);"
shape 4-pk-only-log "$tag
$(cte pk_log)"
shape 5-flux-log "$tag
$(cte flux.state_mutations)"
shape 5a-log-no-partial-indexes "$tag
$(cte no_partial_log)"
shape 5b-log-two-indexes "$tag
$(cte two_index_log)"
shape 6-checks-enforced "$tag
$(cte enforced_log)"
shape 7-wiki-trigger "INSERT INTO bench_wiki (id, name, amount) VALUES $values;"
shape 8-supa-audit "INSERT INTO bench_supa (id, name, amount) VALUES $values;"
fi
pm=$(head -1 "$dir/pg/postmaster.pid")
# A backend may exit between pgrep and the read (its CPU is then lost to both readings alike).
cpu() { for p in $pm $(pgrep -P "$pm"); do cat /proc/$p/stat 2>/dev/null || true; done | awk '{s+=$14+$15+$16+$17} END {print s}'; }
run() { PGOPTIONS="-c plan_cache_mode=force_generic_plan" pgbench -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 1 "$@" postgres >/dev/null 2>&1; }
tick_us=$((1000000 / $(getconf CLK_TCK)))
for r in $(seq "$rounds"); do
  for f in "$dir"/*.sql; do
    [ "$(basename "$f")" = bench.sql ] && continue
    run -t 300 -f "$f"; a=$(cpu); run -t "$n" -f "$f"; b=$(cpu)
    echo "$(basename "$f" .sql) $(( (b - a) * tick_us / n ))"
  done
done | sort -k1,1 -k2n | awk '{v[$1]=v[$1]" "$2; c[$1]++} END {for (k in v) {split(substr(v[k],2),a," "); printf "%-26s median %4d us   (%s)\n", k, a[int((c[k]+1)/2)], substr(v[k],2)}}' | sort
