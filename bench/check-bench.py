#!/usr/bin/python3
"""Strata's check and live SQL check benchmark: both against upgrade head.

Generates projects of N revisions (default 200, 500 and 1000) in which every
revision inserts rows besides its DDL (bench/upgrade-bench.py's seven-step
tables, plus 50 rows a revision into a log table), and measures in one run:

  * `strata-cli check` on the database at head against `strata-cli upgrade
    head` from an empty database, on the same project: the ratio, and how
    both grow with N (a check that replays each revision's ancestors for each
    revision grows with N squared where the upgrade grows with N);
  * the editor's live SQL check (bench/sql-check-bench.c) on the largest
    project: the worker time of the first check (which replays the ancestors,
    schema only) and of each later one (a pause in typing), and the peak
    memory against the size of the schema kept; the floor is the sqlite3
    shell building the head's schema (`strata-cli schema --head`) in memory;
  * the same live check on a project of 40 revisions that each insert
    --heavy-rows rows (the issue's case), whose memory must follow the
    schema, not the rows.

Wall clock and CPU time (user + system, from wait4() on the very child) are
both printed; on a shared machine the CPU figures are the steadier. Figures
are ratios against a baseline measured in the same run. Standard library
only; see docs/benchmarks.md.
"""

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

_spec = importlib.util.spec_from_file_location("upgrade_bench",
                                               os.path.join(HERE, "upgrade-bench.py"))
upgrade_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(upgrade_bench)


def rows_sql(i):
    """A revision of upgrade-bench's chain, plus 50 rows into a log table."""
    up, down = upgrade_bench.group_sql(i // upgrade_bench.GROUP, i % upgrade_bench.GROUP)
    if i == 0:
        up = ("CREATE TABLE log (id INTEGER PRIMARY KEY, step INTEGER NOT NULL, "
              "note TEXT NOT NULL);\n" + up)
        down = down + "DROP TABLE log;\n"
    values = ",\n".join("    (%d, 'row %d of step %d')" % (i, r, i) for r in range(50))
    up += "INSERT INTO log (step, note) VALUES\n%s;\n" % values
    down = "DELETE FROM log WHERE step = %d;\n" % i + down
    return up, down


def heavy_sql(rows):
    def sql_of(i):
        up = ("CREATE TABLE bulk_%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
              "amount INTEGER NOT NULL);\n"
              "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %d)\n"
              "INSERT INTO bulk_%d (name, amount) SELECT 'item ' || x, x * 7 FROM n;\n"
              % (i, rows, i))
        return up, "DROP TABLE bulk_%d;\n" % i
    return sql_of


def run(argv, env=None, stdin_text=None):
    """Wall seconds, CPU seconds (user + system) and stdout of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin_text else None,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    if stdin_text:
        process.stdin.write(stdin_text)
        process.stdin.close()
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("benchmark: %s failed (%d): %s" % (" ".join(argv), code, err))
    return wall, usage.ru_utime + usage.ru_stime, out, usage.ru_maxrss


def median_pair(samples):
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def default_build():
    for build in ("_build", "_build-cli", "_build-ci"):
        if os.access(os.path.join(TOP, build, "src", "cli", "strata-cli"), os.X_OK):
            return os.path.join(TOP, build)
    return os.path.join(TOP, "_build")


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.cli = os.path.join(args.build, "src", "cli", "strata-cli")
        self.sql_check = os.path.join(args.build, "bench", "sql-check-bench")
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))

    def project(self, name, n, sql_of):
        root = os.path.join(self.work, name)
        upgrade_bench.write_project(root, n, sql_of)
        return root

    def check_against_upgrade(self, n):
        root = self.project("rows-%d" % n, n, rows_sql)
        db = os.path.join(root, "bench.db")
        cli = [self.cli, "-C", root]
        ups, checks = [], []
        for _ in range(self.args.repeat):
            upgrade_bench.remove_database(db)
            ups.append(run(cli + ["upgrade", "head"], self.env))
            checks.append(run(cli + ["check"], self.env))
        return root, median_pair(ups), median_pair(checks)

    def sql_check_figures(self, root, keystrokes):
        _, _, schema_sql, _ = run([self.cli, "-C", root, "schema", "--head"], self.env)
        floors = [run([self.args.sqlite3, ":memory:"], None, schema_sql)
                  for _ in range(self.args.repeat)]
        _, _, out, _ = run([self.sql_check, root, str(keystrokes)], self.env)
        figures = dict(line.split() for line in out.splitlines())
        return statistics.median(f[0] for f in floors), figures

    def report_checks(self, results):
        print("check against upgrade head, every revision inserting rows "
              "(median of %d runs)" % self.args.repeat)
        print()
        print("%6s  %10s %10s %7s   %10s %10s %7s   %s" %
              ("revs", "upgrade", "check", "wall", "upgrade", "check", "CPU", "goal"))
        first = results[0]
        for n, (up_wall, up_cpu), (check_wall, check_cpu) in results:
            print("%6d  %9.2fs %9.2fs %6.2fx   %9.2fs %9.2fs %6.2fx   <= 3x" %
                  (n, up_wall, check_wall, check_wall / up_wall, up_cpu, check_cpu,
                   check_cpu / up_cpu))
        print()
        print("growth against %d revisions (CPU): revisions, upgrade head, check" % first[0])
        for n, (_, up_cpu), (_, check_cpu) in results:
            print("%6d  %5.2fx  %6.2fx  %6.2fx" %
                  (n, n / first[0], up_cpu / first[1][1], check_cpu / first[2][1]))

    def report_sql_check(self, title, floor, figures, upgrade=None):
        first = float(figures["first_check_s"])
        mean = float(figures["keystroke_mean_s"])
        worst = float(figures["keystroke_max_s"])
        peak = int(figures["peak_rss_kib"]) / 1024.0
        loaded = int(figures["rss_after_load_kib"]) / 1024.0
        schema = int(figures["schema_bytes"]) / 1048576.0
        print()
        print("live SQL check, %s (%s revisions)" % (title, figures["revisions"]))
        print("  floor: sqlite3 shell builds the head schema in memory   %8.3fs" % floor)
        print("  first check (replays the ancestors, schema only)        %8.3fs  %7.1fx" %
              (first, first / floor))
        if upgrade is not None:
            print("    against upgrade head of the same project            %8.3fs  %7.2fx" %
                  (upgrade, first / upgrade))
        print("  a pause in typing, mean / worst                 %8.3fs / %.3fs  %5.1fx"
              "   goal < 0.25 s" % (mean, worst, mean / floor))
        print("  memory: %.1f MB after loading the revisions, %.1f MB at the peak of the checks "
              "(+%.1f MB); the schema kept takes %.2f MB" % (loaded, peak, peak - loaded, schema))

    def heavy(self):
        rows = self.args.heavy_rows
        root = self.project("heavy", 40, heavy_sql(rows))
        db = os.path.join(root, "bench.db")
        up_wall, _, _, _ = run([self.cli, "-C", root, "upgrade", "head"], self.env)
        size = os.path.getsize(db) / 1048576.0
        floor, figures = self.sql_check_figures(root, self.args.keystrokes)
        self.report_sql_check("40 revisions of %d rows each, database %.0f MB" % (rows, size),
                              floor, figures, up_wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--revisions", default="200,500,1000",
                        help="project sizes, comma-separated (default 200,500,1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--keystrokes", type=int, default=20,
                        help="checks after the first one (default 20)")
    parser.add_argument("--heavy-rows", type=int, default=300000,
                        help="rows per revision of the 40-revision project (default "
                             "300000, 0 to skip it)")
    parser.add_argument("--build", default=default_build(), help="the meson build folder")
    parser.add_argument("--sqlite3", default="sqlite3", help="the sqlite3 shell")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args()

    if shutil.which(args.sqlite3) is None:
        sys.exit("benchmark: no sqlite3 shell; install the sqlite3 package")
    work = tempfile.mkdtemp(prefix="strata-check-bench-")
    try:
        bench = Bench(args, work)
        sizes = [int(n) for n in args.revisions.split(",")]
        results = []
        for n in sizes:
            root, upgrade, check = bench.check_against_upgrade(n)
            results.append((n, upgrade, check))
        bench.report_checks(results)
        floor, figures = bench.sql_check_figures(root, args.keystrokes)
        bench.report_sql_check("the largest project above", floor, figures, results[-1][1][0])
        if args.heavy_rows > 0:
            bench.heavy()
    finally:
        if args.keep:
            print("\nprojects kept in %s" % work)
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
