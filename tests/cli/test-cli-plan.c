/* test-cli-plan.c: what strata-cli says a run drops comes from the core's plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <strata.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)

#define MERGE   "8c6e3a0f1b25"
#define PRICING "6a4c1e8d9f03"
#define DROPPER "9d1e2f3a4b5c"

static StrataMigrationPlan *
plan_for (CliFixture      *fixture,
          StrataDirection  direction,
          const char      *target)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->project);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  StrataMigrationPlan *plan;

  project = strata_project_new (folder, &error);
  g_assert_no_error (error);
  plan = strata_migration_plan_new (project, NULL, direction, NULL, target, NULL, &error);
  g_assert_no_error (error);
  return plan;
}

/* The line of @text that starts with @prefix, or NULL. */
static char *
line_starting (const char *text,
               const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i]);
  return NULL;
}

static void
assert_names_plan (const char          *line,
                   StrataMigrationPlan *plan)
{
  const char * const *tables = strata_migration_plan_get_dropped_tables (plan);
  const char * const *columns = strata_migration_plan_get_dropped_columns (plan);

  g_assert_nonnull (tables[0]);
  g_assert_nonnull (columns[0]);
  for (guint i = 0; tables[i] != NULL; i++)
    g_assert_nonnull (strstr (line, tables[i]));
  for (guint i = 0; columns[i] != NULL; i++)
    g_assert_nonnull (strstr (line, columns[i]));
}

/* A downgrade's script says, in a comment, what the plan says it drops. */
static void
test_sql_lists_drops (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(CliResult) up = RUN ("upgrade", "head");
  g_autoptr(CliResult) down = NULL;
  g_autoptr(CliResult) range = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *line = NULL;
  g_autofree char *range_line = NULL;

  cli_assert_status (up, 0);
  plan = plan_for (fixture, STRATA_DIRECTION_DOWNGRADE, "base");
  down = RUN ("downgrade", "--sql", "base");
  cli_assert_status (down, 0);
  line = line_starting (down->out, "-- It drops the tables ");
  g_assert_nonnull (line);
  assert_names_plan (line, plan);

  /* An offline range plans from its start, without the database. */
  range = RUN ("downgrade", "--sql", MERGE ":base");
  cli_assert_status (range, 0);
  range_line = line_starting (range->out, "-- It drops ");
  g_assert_cmpstr (range_line, ==, line);
}

/* A revision on top of the example whose upgrade drops a table that its
 * downgrade recreates: undoing it drops nothing, though the script's
 * strata_history row quotes the upgrade's DROP TABLE. */
static void
test_sql_recreated_table (CliFixture    *fixture,
                          gconstpointer  data)
{
  static const char text[] =
    "-- Drop part prices\n"
    "--\n"
    "-- Revision ID: " DROPPER "\n"
    "-- Revises: " MERGE "\n"
    "-- Create Date: 2022-01-01 00:00:00\n"
    "\n"
    "-- migrate:upgrade\n"
    "DROP VIEW part_stock;\n"
    "DROP INDEX ix_part_price_part_id;\n"
    "DROP TABLE part_price;\n"
    "\n"
    "-- migrate:downgrade\n"
    "CREATE TABLE part_price (id INTEGER PRIMARY KEY, part_id INTEGER NOT NULL);\n";
  g_autofree char *path = cli_write_revision (fixture, DROPPER "_drop_part_prices.sql", text);
  g_autoptr(CliResult) up = RUN ("upgrade", "head");
  g_autoptr(CliResult) down = NULL;

  cli_assert_status (up, 0);
  down = RUN ("downgrade", "--sql", "-1");
  cli_assert_status (down, 0);
  g_assert_nonnull (strstr (down->out, "DROP TABLE part_price"));
  g_assert_null (strstr (down->out, "-- It drops"));
}

static char *
heads_of (CliFixture *fixture)
{
  return cli_db_query (fixture->database, "SELECT version_num FROM alembic_version "
                                          "ORDER BY version_num");
}

/* On one branch of a branched project, the plan's step back does what
 * `strata-cli downgrade -1` does. */
static void
test_step_back_like_minus_one (CliFixture    *fixture,
                               gconstpointer  data)
{
  g_autoptr(CliResult) up = RUN ("upgrade", PRICING);
  g_autoptr(CliResult) minus_one = NULL;
  g_autoptr(CliResult) again = NULL;
  g_autoptr(CliResult) planned = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *after_minus_one = NULL;
  g_autofree char *after_planned = NULL;
  const char * const *targets;

  cli_assert_status (up, 0);
  plan = plan_for (fixture, STRATA_DIRECTION_DOWNGRADE, NULL);
  targets = strata_migration_plan_get_step_back_targets (plan);
  g_assert_cmpstr (targets[0], ==, PRICING "@-1");
  g_assert_null (targets[1]);
  g_assert_cmpstr (strata_migration_plan_get_target (plan), ==, targets[0]);

  minus_one = RUN ("downgrade", "-1");
  cli_assert_status (minus_one, 0);
  after_minus_one = heads_of (fixture);
  again = RUN ("upgrade", PRICING);
  cli_assert_status (again, 0);
  planned = RUN ("downgrade", targets[0]);
  cli_assert_status (planned, 0);
  after_planned = heads_of (fixture);
  g_assert_cmpstr (after_planned, ==, after_minus_one);
  g_assert_cmpstr (planned->out, ==, minus_one->out);
}

/* On a terminal, a run says before it starts what it drops and that the
 * database is backed up first. */
static void
test_run_announces_drops (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autofree char *script = g_find_program_in_path ("script");
  g_autoptr(CliResult) up = RUN ("upgrade", "head");
  g_autoptr(CliResult) down = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *command = NULL;
  g_autofree char *line = NULL;

  if (script == NULL)
    {
      g_test_skip ("no script(1) to give strata-cli a terminal (util-linux)");
      return;
    }
  cli_assert_status (up, 0);
  plan = plan_for (fixture, STRATA_DIRECTION_DOWNGRADE, "base");
  command = g_strdup_printf ("TERM=xterm '%s' -C '%s' downgrade base", cli_test_get_binary (),
                             fixture->project);
  down = cli_run_program (fixture->root,
                          (const char *[]) { script, "-qec", command, "/dev/null", NULL });
  cli_assert_status (down, 0);
  line = line_starting (down->out, "strata-cli: this run drops the tables ");
  g_assert_nonnull (line);
  assert_names_plan (line, plan);
  g_assert_nonnull (strstr (line, "the database is backed up first"));
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/plan/sql-lists-drops", test_sql_lists_drops);
  ADD ("/cli/plan/sql-recreated-table", test_sql_recreated_table);
  ADD ("/cli/plan/step-back-like-minus-one", test_step_back_like_minus_one);
  ADD ("/cli/plan/run-announces-drops", test_run_announces_drops);

  return g_test_run ();
}
