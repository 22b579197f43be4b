#!/usr/bin/python3
"""Strata's speed benchmark: strata-cli against the sqlite3 shell.

Generates N revisions of realistic DDL and data (tables with foreign keys,
indexes, added and renamed columns, views, triggers, seed rows) into a
temporary project and measures, in one run and side by side:

  * `strata-cli upgrade head` from base against the floor: the same SQL run by
    the sqlite3 shell, one BEGIN ... COMMIT and one version-table update per
    revision;
  * `strata-cli downgrade base` against the same floor for downgrades;
  * a no-op `upgrade head`, `heads` and `history` against the sqlite3 shell
    reading the version table, with the revision cache (the usual case: the
    files have not changed since the last command) and without it (the first
    command after a checkout or an edit);
  * `heads` over 10,000 revision files: time and peak memory, cold and warm.

strata-cli keeps its revision cache in a folder of the benchmark's own, never
the user's.

Figures are printed as ratios against the floor measured in the same run.
Standard library only; see docs/benchmarks.md.
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

VERSION_TABLE = "alembic_version"
GROUP = 7  # revisions per generated table


def revision_id(i):
    return "%012x" % (0x100000000000 + i * 7919)


def group_sql(k, step):
    """Upgrade and downgrade SQL of the step-th revision of table k."""
    t = "t%d" % k
    parent = "t%d" % (k - 1) if k > 0 else None
    if step == 0:
        fk = ("\n    parent_id INTEGER REFERENCES %s (id) ON DELETE CASCADE," % parent
              if parent else "\n    parent_id INTEGER,")
        up = ("CREATE TABLE %s (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,%s\n"
              "    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n"
              "CREATE INDEX ix_%s_parent ON %s (parent_id);\n" % (t, fk, t, t))
        down = "DROP INDEX ix_%s_parent;\nDROP TABLE %s;\n" % (t, t)
    elif step == 1:
        rows = ",\n".join("    ('seed-%d-%d', %s)" % (k, r, (r % 20) + 1 if parent else "NULL")
                          for r in range(40))
        up = "INSERT INTO %s (name, parent_id) VALUES\n%s;\n" % (t, rows)
        down = "DELETE FROM %s WHERE name LIKE 'seed-%%';\n" % t
    elif step == 2:
        up = ("ALTER TABLE %s ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0 "
              "CHECK (quantity >= 0);\nUPDATE %s SET quantity = id * 3;\n" % (t, t))
        down = "ALTER TABLE %s DROP COLUMN quantity;\n" % t
    elif step == 3:
        up = "ALTER TABLE %s RENAME COLUMN name TO title;\n" % t
        down = "ALTER TABLE %s RENAME COLUMN title TO name;\n" % t
    elif step == 4:
        join = ("LEFT JOIN %s AS p ON p.id = c.parent_id" % parent) if parent else ""
        up = ("CREATE VIEW v_%s AS\nSELECT c.id, c.title, c.quantity%s\nFROM %s AS c %s;\n"
              % (t, ", p.id AS parent" if parent else "", t, join))
        down = "DROP VIEW v_%s;\n" % t
    elif step == 5:
        up = ("ALTER TABLE %s ADD COLUMN updated_at TIMESTAMP;\n"
              "CREATE TRIGGER tr_%s_touch AFTER UPDATE OF title ON %s\nBEGIN\n"
              "    UPDATE %s SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND;\n"
              % (t, t, t, t))
        down = "DROP TRIGGER tr_%s_touch;\nALTER TABLE %s DROP COLUMN updated_at;\n" % (t, t)
    else:
        up = ("CREATE UNIQUE INDEX ix_%s_title ON %s (title, quantity);\n"
              "UPDATE %s SET title = title || '*' WHERE id %% 5 = 0;\n" % (t, t, t))
        down = ("UPDATE %s SET title = substr(title, 1, length(title) - 1) "
                "WHERE id %% 5 = 0;\nDROP INDEX ix_%s_title;\n" % (t, t))
    return up, down


def tiny_sql(i):
    return ("CREATE TABLE tiny_%d (id INTEGER PRIMARY KEY);\n" % i,
            "DROP TABLE tiny_%d;\n" % i)


def write_project(root, n, sql_of):
    """Writes a linear chain of n revisions; returns [(id, up, down)]."""
    versions = os.path.join(root, "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\ndatabase = bench.db\nversions = versions\n"
                "version_table = %s\n" % VERSION_TABLE)
    revisions = []
    previous = ""
    for i in range(n):
        rid = revision_id(i)
        up, down = sql_of(i)
        with open(os.path.join(versions, "%s_step_%d.sql" % (rid, i)), "w") as f:
            f.write("-- Step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n"
                    "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
                    "-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s"
                    % (i, rid, previous, up, down))
        revisions.append((rid, up, down))
        previous = rid
    return revisions


def floor_upgrade_script(revisions):
    parts = ["CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, CONSTRAINT "
             "alembic_version_pkc PRIMARY KEY (version_num));\n" % VERSION_TABLE]
    previous = None
    for rid, up, _ in revisions:
        if previous is None:
            version = "INSERT INTO %s (version_num) VALUES ('%s');" % (VERSION_TABLE, rid)
        else:
            version = ("UPDATE %s SET version_num='%s' WHERE version_num = '%s';"
                       % (VERSION_TABLE, rid, previous))
        parts.append("BEGIN;\n%s%s\nCOMMIT;\n" % (up, version))
        previous = rid
    return "".join(parts)


def floor_downgrade_script(revisions):
    parts = []
    for index in range(len(revisions) - 1, -1, -1):
        rid, _, down = revisions[index]
        if index == 0:
            version = "DELETE FROM %s WHERE version_num = '%s';" % (VERSION_TABLE, rid)
        else:
            version = ("UPDATE %s SET version_num='%s' WHERE version_num = '%s';"
                       % (VERSION_TABLE, revisions[index - 1][0], rid))
        parts.append("BEGIN;\n%s%s\nCOMMIT;\n" % (down, version))
    return "".join(parts)


def run(argv, cwd, stdin_text=None, env=None):
    """Runs argv to completion; returns the wall-clock seconds. Fails loudly."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if stdin_text else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=env)
    _, err = process.communicate(stdin_text)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit("benchmark: %s failed (%d): %s" % (" ".join(argv), process.returncode, err))
    return elapsed


def peak_rss_kib(argv, cwd, env=None):
    """Time and peak RSS of one run, from wait4() on that very child."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit("benchmark: %s failed (%d)" % (" ".join(argv), process.returncode))
    return elapsed, usage.ru_maxrss


def median_of(repeat, fn):
    return statistics.median(fn() for _ in range(repeat))


def schema_of(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE "
                          "'strata%' AND name NOT LIKE 'sqlite%' ORDER BY name").fetchall()


def remove_database(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.cli = os.path.abspath(args.cli)
        self.rows = []
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
        self.cold_env = dict(self.env, STRATA_NO_CACHE="1")

    def add(self, name, strata, floor, goal):
        self.rows.append((name, strata, floor, strata / floor if floor else float("nan"), goal))

    def upgrade_and_downgrade(self):
        project = os.path.join(self.work, "project")
        revisions = write_project(project, self.args.revisions,
                                  lambda i: group_sql(i // GROUP, i % GROUP))
        written = time.monotonic()
        db = os.path.join(project, "bench.db")
        floor_db = os.path.join(self.work, "floor.db")
        up_script = floor_upgrade_script(revisions)
        down_script = floor_downgrade_script(revisions)
        cli = [self.cli, "-C", project]

        ups, downs, floor_ups, floor_downs = [], [], [], []
        for _ in range(self.args.repeat):
            remove_database(db)
            remove_database(floor_db)
            floor_ups.append(run([self.args.sqlite3, floor_db], self.work, up_script))
            ups.append(run(cli + ["upgrade", "head"], self.work, env=self.env))
            if schema_of(db) != schema_of(floor_db):
                sys.exit("benchmark: strata-cli and the sqlite3 shell built different schemas")
            floor_downs.append(run([self.args.sqlite3, floor_db], self.work, down_script))
            downs.append(run(cli + ["downgrade", "base"], self.work, env=self.env))

        self.add("upgrade head from base", statistics.median(ups),
                 statistics.median(floor_ups), "<= 0.85x")
        self.add("downgrade base from head", statistics.median(downs),
                 statistics.median(floor_downs), "<= 1.0x")

        # The cache takes a file only once it has not changed for two seconds.
        time.sleep(max(0.0, 2.5 - (time.monotonic() - written)))
        run(cli + ["upgrade", "head"], self.work, env=self.env)
        reading = [self.args.sqlite3, db, "SELECT version_num FROM %s" % VERSION_TABLE]
        floor_read = median_of(self.args.repeat * 3, lambda: run(reading, self.work))
        commands = (("no-op upgrade head", ["upgrade", "head"]),
                    ("heads", ["heads"]), ("history", ["history"]))
        for name, command in commands:
            seconds = median_of(self.args.repeat * 3,
                                lambda: run(cli + command, self.work, env=self.env))
            self.add("%s (%d revisions)" % (name, self.args.revisions), seconds, floor_read,
                     "<= 2x")
        for name, command in commands:
            seconds = median_of(self.args.repeat * 3,
                                lambda: run(cli + command, self.work, env=self.cold_env))
            self.add("  %s, no cache" % name, seconds, floor_read, "")

    def many_files(self):
        project = os.path.join(self.work, "many")
        write_project(project, self.args.files, tiny_sql)
        time.sleep(2.5)
        argv = [self.cli, "-C", project, "heads"]
        cold = [peak_rss_kib(argv, self.work, self.cold_env) for _ in range(self.args.repeat)]
        peak_rss_kib(argv, self.work, self.env)
        warm = [peak_rss_kib(argv, self.work, self.env) for _ in range(self.args.repeat)]
        return (statistics.median(r[0] for r in cold), statistics.median(r[0] for r in warm),
                max(r[1] for r in cold + warm))

    def report(self, many):
        version = subprocess.run([self.args.sqlite3, "--version"], capture_output=True,
                                 text=True).stdout.split()[0]
        print("Strata benchmark: %d revisions, median of %d runs, sqlite3 shell %s, "
              "Python's sqlite3 module %s"
              % (self.args.revisions, self.args.repeat, version, sqlite3.sqlite_version))
        print()
        print("%-36s %10s %10s %8s  %s" % ("measure", "strata", "floor", "ratio", "goal"))
        for name, strata, floor, ratio, goal in self.rows:
            if not goal:
                print("%-36s %9.3fs %10s %7.2fx" % (name, strata, "", ratio))
                continue
            print("%-36s %9.3fs %9.3fs %7.2fx  %s" % (name, strata, floor, ratio, goal))
        cold, warm, peak = many
        print("%-36s %9.3fs %10s %8s  %s" % ("heads (%d revision files)" % self.args.files,
                                             warm, "", "", "< 0.2 s"))
        print("%-36s %9.3fs %10s %8s  %s" % ("  no cache", cold, "", "", "< 0.2 s"))
        print("%-36s %8.1f MB %10s %8s  %s" % ("  peak memory", peak / 1024.0, "", "",
                                               "< 64 MB"))


def default_cli():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("_build", "_build-cli", "_build-ci"):
        path = os.path.join(top, build, "src", "cli", "strata-cli")
        if os.access(path, os.X_OK):
            return path
    return "strata-cli"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--revisions", type=int, default=1000,
                        help="revisions to generate (default 1000)")
    parser.add_argument("--files", type=int, default=10000,
                        help="revision files for the heads memory test (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--cli", default=default_cli(), help="the strata-cli binary")
    parser.add_argument("--sqlite3", default="sqlite3", help="the sqlite3 shell")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args()

    if shutil.which(args.sqlite3) is None:
        sys.exit("benchmark: no sqlite3 shell; install the sqlite3 package")

    work = tempfile.mkdtemp(prefix="strata-bench-")
    try:
        bench = Bench(args, work)
        bench.upgrade_and_downgrade()
        bench.report(bench.many_files())
    finally:
        if args.keep:
            print("\nprojects kept in %s" % work)
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
