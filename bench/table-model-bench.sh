#!/bin/sh
# StrataTableModel on a 10,000,000-row table: first rows, a jump to the end
# and 10,000 random positions, against the same reads done by hand.
#
#   bench/table-model-bench.sh [BUILD_DIR] [ROWS]
#
# Two tables: "dense" (rowids 1..ROWS) and "gapped" (every third rowid
# missing, as after deletions), made with one recursive CTE each in one
# transaction by the sqlite3 shell. The database is kept in
# BUILD_DIR/bench-table-model.db between runs.
set -eu
build=${1:-_build}
rows=${2:-10000000}
bench=$build/bench/table-model-bench
db=$build/bench-table-model.db

if [ ! -x "$bench" ]; then
  echo "no $bench: run meson setup $build && ninja -C $build" >&2
  exit 1
fi

if [ ! -f "$db" ] || [ "$(sqlite3 "$db" 'SELECT count(*) FROM dense' 2>/dev/null)" != "$rows" ]; then
  rm -f "$db"
  echo "making $rows rows in two tables…" >&2
  start=$(date +%s)
  sqlite3 "$db" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TABLE dense (id INTEGER PRIMARY KEY, name TEXT, quantity INTEGER, price REAL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO dense SELECT i, 'part ' || i, i % 97, (i % 1000) / 10.0,
                         CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || (i % 13) END FROM n;
CREATE TABLE gapped (id INTEGER PRIMARY KEY, name TEXT, quantity INTEGER, price REAL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO gapped SELECT i + i / 2, 'part ' || i, i % 97, (i % 1000) / 10.0,
                          CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || (i % 13) END FROM n;
COMMIT;
SQL
  echo "made in $(( $(date +%s) - start )) s, $(du -h "$db" | cut -f1)" >&2
fi

for table in dense gapped; do
  "$bench" "$db" "$table" 10000
  echo
done
