#!/usr/bin/python3
"""Running one big revision: strata-cli against the sqlite3 shell.

Generates two projects of one revision each and runs `strata-cli upgrade
head` on them from an empty database, side by side with the floor: the
sqlite3 shell running the same SQL in one BEGIN ... COMMIT (with the
version-table row) on an empty database, in the same run:

  * many statements: 20,000 one-row INSERTs (-n);
  * a big revision: about 50 MB of INSERTs of 200-byte rows (--megabytes).

Prints, for each, the wall-clock and CPU-time ratios to the shell, the peak
memory of both sides (from wait4() on the very child), and strata-cli's
peak memory as a fraction of the revision file's size: a run reads a big
revision a piece at a time, so that fraction falls as the file grows.
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
REVISION = "5a1e0000beef"
CREATE = "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER);\n"


def small_inserts(n):
    return CREATE + "".join("INSERT INTO item (name, qty) VALUES ('item-%d', %d);\n" % (i, i % 97)
                            for i in range(n))


def big_inserts(megabytes):
    pad = "x" * 150
    parts = [CREATE]
    size = len(CREATE)
    i = 0
    while size < megabytes * 1000 * 1000:
        line = "INSERT INTO item (name, qty) VALUES ('%s-%08d', %d);\n" % (pad, i, i % 97)
        parts.append(line)
        size += len(line)
        i += 1
    return "".join(parts), i


def write_project(root, up):
    versions = os.path.join(root, "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\ndatabase = bench.db\nversions = versions\n"
                "version_table = %s\n" % VERSION_TABLE)
    with open(os.path.join(versions, "%s_load.sql" % REVISION), "w") as f:
        f.write("-- Load\n--\n-- Revision ID: %s\n-- Revises: \n"
                "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
                "-- migrate:upgrade\n%s\n-- migrate:downgrade\nDROP TABLE item;\n"
                % (REVISION, up))


def write_floor_script(path, up):
    with open(path, "w") as f:
        f.write("BEGIN;\nCREATE TABLE %s (version_num VARCHAR(32) NOT NULL, CONSTRAINT "
                "alembic_version_pkc PRIMARY KEY (version_num));\n" % VERSION_TABLE)
        f.write(up)
        f.write("INSERT INTO %s (version_num) VALUES ('%s');\nCOMMIT;\n"
                % (VERSION_TABLE, REVISION))


# A child forked from this Python process starts with its pages, and the
# kernel counts them in the child's peak memory until it runs the program:
# about 15 MB, more than either side needs. So the peak memory comes from
# GNU time, a small C program whose own child is measured from its start.
TIME = "/usr/bin/time"


def timed(argv, cwd, env=None):
    """Wall-clock seconds, CPU seconds (from wait4()) and peak RSS (KiB) of one run."""
    report = None
    if os.access(TIME, os.X_OK):
        fd, report = tempfile.mkstemp(prefix="strata-bench-time-")
        os.close(fd)
        argv = [TIME, "-f", "%M", "-o", report] + argv
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    err = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("benchmark: %s failed: %s" % (" ".join(argv), err))
    peak = usage.ru_maxrss
    if report is not None:
        with open(report) as f:
            peak = int(f.read().split()[-1])
        os.unlink(report)
    return elapsed, usage.ru_utime + usage.ru_stime, peak


def remove_database(path):
    for suffix in ("", "-journal", "-wal", "-shm", "-strata.lock"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def rows_of(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*), total(qty) FROM item").fetchone()


def prepare(work, name, up):
    write_project(os.path.join(work, name), up)
    write_floor_script(os.path.join(work, name + "-floor.sql"), up)


def measure(args, work, name):
    project = os.path.join(work, name)
    floor_script = os.path.join(work, name + "-floor.sql")
    db = os.path.join(project, "bench.db")
    floor_db = os.path.join(work, name + "-floor.db")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    strata, floor = [], []
    for _ in range(args.repeat):
        remove_database(db)
        strata.append(timed([args.cli, "-C", project, "upgrade", "head"], project, env))
        remove_database(floor_db)
        floor.append(timed([args.sqlite3, floor_db, ".read %s" % floor_script], work))
    if rows_of(db) != rows_of(floor_db):
        sys.exit("benchmark: %s: strata-cli and the shell loaded different rows" % name)
    s_time = statistics.median(t for t, _, _ in strata)
    f_time = statistics.median(t for t, _, _ in floor)
    s_cpu = statistics.median(c for _, c, _ in strata)
    f_cpu = statistics.median(c for _, c, _ in floor)
    s_rss = max(r for _, _, r in strata) / 1024.0
    f_rss = max(r for _, _, r in floor) / 1024.0
    size = sum(os.path.getsize(os.path.join(project, "versions", f))
               for f in os.listdir(os.path.join(project, "versions"))) / 1e6
    return s_time, f_time, s_cpu / f_cpu, s_rss, f_rss, size


def default_cli():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("_build", "_build-cli", "_build-ci"):
        path = os.path.join(top, build, "src", "cli", "strata-cli")
        if os.access(path, os.X_OK):
            return path
    return "strata-cli"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--statements", type=int, default=20000,
                        help="one-row INSERTs in the many-statements revision (default 20000)")
    parser.add_argument("--megabytes", type=int, default=50,
                        help="size of the big revision (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--cli", default=default_cli(), help="the strata-cli binary")
    parser.add_argument("--sqlite3", default="sqlite3", help="the sqlite3 shell")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.generate:
        prepare(args.generate, "many", small_inserts(args.statements))
        big, n_big = big_inserts(args.megabytes)
        prepare(args.generate, "big", big)
        print(n_big)
        return

    if shutil.which(args.sqlite3) is None:
        sys.exit("benchmark: no sqlite3 shell; install the sqlite3 package")
    args.cli = os.path.abspath(args.cli)

    work = tempfile.mkdtemp(prefix="strata-statement-bench-")
    try:
        # Generated by a child of its own: a process forked from a parent
        # holding the text would count the parent's pages in its peak memory.
        n_big = int(subprocess.check_output([sys.executable, os.path.abspath(__file__),
                                             "--generate", work, "-n", str(args.statements),
                                             "--megabytes", str(args.megabytes)]))
        cases = [("%d one-row INSERTs" % args.statements, "many"),
                 ("%d MB revision (%d INSERTs)" % (args.megabytes, n_big), "big")]
        print("%-34s %9s %9s %7s %7s %11s %10s %9s %9s  %s"
              % ("revision", "strata", "sqlite3", "ratio", "cpu", "strata RSS", "shell RSS",
                 "file", "RSS/file", "goal (wall)"))
        for label, name in cases:
            s_time, f_time, cpu_ratio, s_rss, f_rss, size = measure(args, work, name)
            ratio = s_time / f_time
            print("%-34s %8.3fs %8.3fs %6.2fx %6.2fx %8.1f MB %7.1f MB %6.1f MB %8.2fx  "
                  "<= 1.5x %s"
                  % (label, s_time, f_time, ratio, cpu_ratio, s_rss, f_rss, size,
                     s_rss * 1.048576 / size, "met" if ratio <= 1.5 else "NOT met"))
    finally:
        if args.keep:
            print("kept in %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
