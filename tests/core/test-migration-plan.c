/* test-migration-plan.c: the plan the app and the CLI show before a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"

static StrataMigrationPlan *
make_plan (StrataProject   *project,
           StrataDirection  direction,
           const char      *target)
{
  g_autoptr(GError) error = NULL;
  StrataMigrationPlan *plan = NULL;

  plan = strata_migration_plan_new (project, NULL, direction, NULL, target, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static char *
joined (const char * const *names)
{
  return g_strjoinv (",", (GStrv)names);
}

static void
assert_drops (StrataMigrationPlan *plan,
              const char          *tables,
              const char          *columns)
{
  g_autofree char *dropped_tables = joined (strata_migration_plan_get_dropped_tables (plan));
  g_autofree char *dropped_columns = joined (strata_migration_plan_get_dropped_columns (plan));

  g_assert_cmpstr (dropped_tables, ==, tables);
  g_assert_cmpstr (dropped_columns, ==, columns);
  g_assert_true (strata_migration_plan_get_drops_data (plan) == (tables[0] || columns[0]));
}

/* r2's upgrade drops a table and a column that its downgrade puts back. */
static char *
make_recreating_project (void)
{
  char *dir = ct_make_tmp ();

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT, note TEXT);\n"
                     "CREATE TABLE legacy (id INTEGER PRIMARY KEY);\n",
                     "DROP TABLE legacy;\nDROP TABLE part;\n");
  ct_write_revision (dir, "r2", "r1", "two",
                     "DROP TABLE legacy;\n"
                     "ALTER TABLE part DROP COLUMN note;\n",
                     "CREATE TABLE legacy (id INTEGER PRIMARY KEY);\n"
                     "ALTER TABLE part ADD COLUMN note TEXT;\n");
  return dir;
}

static void
test_downgrade_recreates (void)
{
  g_autofree char *dir = make_recreating_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigrationPlan) up = NULL;
  g_autoptr(StrataMigrationPlan) down = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  /* The upgrade drops them... */
  up = make_plan (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_cmpuint (strata_migration_plan_get_n_steps (up), ==, 1);
  assert_drops (up, "legacy", "part.note");
  g_assert_true (strata_migration_plan_get_backs_up (up));

  /* ...so its downgrade, which recreates them, drops nothing, and the
   * default policy takes no backup for it. */
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  before = ct_file_checksum (db);
  down = make_plan (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  after = ct_file_checksum (db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (strata_migration_plan_get_n_steps (down), ==, 1);
  assert_drops (down, "", "");
  g_assert_false (strata_migration_plan_get_backs_up (down));

  ct_remove_tree (dir);
}

/* Three revisions whose downgrades drop in different spellings, and a
 * string that only looks like a DROP. */
static char *
make_dropping_project (void)
{
  char *dir = ct_make_tmp ();

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
                     "CREATE TABLE bin (id INTEGER PRIMARY KEY);\n",
                     "DROP TABLE bin;\nDROP TABLE part;\n");
  ct_write_revision (dir, "r2", "r1", "two",
                     "INSERT INTO part (name) VALUES ('DROP TABLE bin');\n",
                     "-- DROP TABLE part; is only a comment\n"
                     "DELETE FROM part WHERE name = 'DROP TABLE bin';\n");
  ct_write_revision (dir, "r3", "r2", "three",
                     "ALTER TABLE part ADD COLUMN price REAL;\n"
                     "CREATE TABLE \"order\" (id INTEGER PRIMARY KEY);\n",
                     "ALTER TABLE \"part\" DROP COLUMN \"price\";\n"
                     "DROP TABLE IF EXISTS main.\"order\";\n");
  return dir;
}

static void
test_drops (void)
{
  g_autofree char *dir = make_dropping_project ();
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigrationPlan) one = NULL;
  g_autoptr(StrataMigrationPlan) two = NULL;
  g_autoptr(StrataMigrationPlan) all = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *step_tables = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");

  one = make_plan (project, STRATA_DIRECTION_DOWNGRADE, "r2");
  g_assert_cmpuint (strata_migration_plan_get_n_steps (one), ==, 1);
  assert_drops (one, "order", "part.price");
  g_assert_true (strata_migration_plan_get_backs_up (one));

  /* r2's step drops nothing: a DROP in a string or a comment is not one. */
  two = make_plan (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  g_assert_cmpuint (strata_migration_plan_get_n_steps (two), ==, 2);
  assert_drops (two, "order", "part.price");
  step_tables = joined (strata_migration_plan_get_step_dropped_tables (two, 1));
  g_assert_cmpstr (step_tables, ==, "");
  g_assert_null (strata_migration_plan_get_step_dropped_columns (two, 1)[0]);

  all = make_plan (project, STRATA_DIRECTION_DOWNGRADE, "base");
  assert_drops (all, "order,bin,part", "part.price");

  /* The run backs up exactly when the plan said it would. */
  migration = strata_migration_new (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  g_assert_true (strata_migration_run (migration, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strata_migration_get_backup (migration));

  ct_remove_tree (dir);
}

static void
test_backup_policy (void)
{
  g_autofree char *dir = make_dropping_project ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigrationPlan) fresh = NULL;
  g_autoptr(StrataMigrationPlan) safe = NULL;
  g_autoptr(StrataMigrationPlan) never = NULL;

  /* No database yet: nothing to back up. */
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\nbackup = always\n",
                                      -1, NULL));
  project = ct_open_project (dir);
  fresh = make_plan (project, STRATA_DIRECTION_UPGRADE, "r1");
  g_assert_false (strata_migration_plan_get_backs_up (fresh));

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  safe = make_plan (project, STRATA_DIRECTION_UPGRADE, "r2");
  assert_drops (safe, "", "");
  g_assert_true (strata_migration_plan_get_backs_up (safe));
  g_clear_object (&project);

  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\nbackup = never\n",
                                      -1, NULL));
  project = ct_open_project (dir);
  never = make_plan (project, STRATA_DIRECTION_DOWNGRADE, "base");
  assert_drops (never, "bin,part", "");
  g_assert_false (strata_migration_plan_get_backs_up (never));

  ct_remove_tree (dir);
}

/* An offline "a:b" range plans from its start and leaves the database be. */
static void
test_start_heads (void)
{
  g_autofree char *dir = make_dropping_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  const char *start[] = { "r3", NULL };
  g_autofree char *heads = NULL;

  plan = strata_migration_plan_new (project, NULL, STRATA_DIRECTION_DOWNGRADE, start, "r1",
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_migration_plan_get_n_steps (plan), ==, 2);
  heads = joined (strata_migration_plan_get_current_heads (plan));
  g_assert_cmpstr (heads, ==, "r3");
  assert_drops (plan, "order", "part.price");
  g_assert_false (strata_migration_plan_get_backs_up (plan));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  ct_remove_tree (dir);
}

/* The plan reads each step's file as it is now, as the run does, and
 * refuses a version table naming a revision nobody knows, as the run does. */
static void
test_reads_as_the_run (void)
{
  g_autofree char *dir = make_dropping_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *handle = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  /* r3's downgrade no longer drops anything, on disk. */
  ct_write_revision (dir, "r3", "r2", "three",
                     "ALTER TABLE part ADD COLUMN price REAL;\n",
                     "UPDATE part SET price = NULL;\n");
  plan = strata_migration_plan_new (project, graph, STRATA_DIRECTION_DOWNGRADE, NULL, "r2",
                                    NULL, &error);
  g_assert_no_error (error);
  assert_drops (plan, "", "");
  g_clear_object (&plan);

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "UPDATE alembic_version SET version_num = "
                                         "'feedfacecafe'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  plan = strata_migration_plan_new (project, NULL, STRATA_DIRECTION_DOWNGRADE, NULL, "base",
                                    NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MISSING_SQL);
  g_assert_nonnull (strstr (error->message, "feedfacecafe"));

  ct_remove_tree (dir);
}

/* A downgrade through a revision whose downgrade section is empty and
 * unmarked: its plan refuses it with the run's own words, before anything
 * runs, for a named target and for one step back alike. */
static void
test_missing_downgrade (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) run_error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *targets[] = { "r1", NULL };

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE one (x);\n", "DROP TABLE one;\n");
  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE two (x);\n",
                     "-- to do: drop two; one day\n");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  before = ct_file_checksum (db);

  migration = strata_migration_new (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  g_assert_false (strata_migration_run (migration, NULL, &run_error));
  g_assert_nonnull (strstr (run_error->message, "versions/r2.sql:"));
  g_assert_nonnull (strstr (run_error->message, "“-- strata:no-downgrade”"));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(GError) error = NULL;

      plan = strata_migration_plan_new (project, NULL, STRATA_DIRECTION_DOWNGRADE, NULL,
                                        targets[i], NULL, &error);
      g_assert_null (plan);
      g_assert_error (error, run_error->domain, run_error->code);
      g_assert_cmpstr (error->message, ==, run_error->message);
    }
  after = ct_file_checksum (db);
  g_assert_cmpstr (after, ==, before);

  /* Marked as deliberate, it plans. */
  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE two (x);\n",
                     "-- strata:no-downgrade\n");
  plan = make_plan (project, STRATA_DIRECTION_DOWNGRADE, NULL);
  g_assert_cmpuint (strata_migration_plan_get_n_steps (plan), ==, 1);
  ct_remove_tree (dir);
}

/* One-step targets on the example project, whose pricing and storage
 * branches fork at 5e2f7a9c3b81 and merge at 8c6e3a0f1b25. */

#define FORK    "5e2f7a9c3b81"
#define PRICING "6a4c1e8d9f03"
#define STORAGE "7b5d2f9e0a14"
#define MERGE   "8c6e3a0f1b25"

typedef struct
{
  char          *dir;
  char          *database;
  StrataProject *project;
} Example;

static void
example_clear (Example *example)
{
  g_clear_object (&example->project);
  ct_remove_tree (example->dir);
  g_clear_pointer (&example->dir, g_free);
  g_clear_pointer (&example->database, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Example, example_clear)

static void
example_open (Example *example)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autofree char *folder = ct_copy_example (tmp);

  example->dir = g_steal_pointer (&tmp);
  example->database = g_build_filename (folder, "maker_hub.db", NULL);
  example->project = ct_open_project (folder);
}

/* A fresh database at @heads. */
static void
example_at (Example            *example,
            const char * const *heads)
{
  g_unlink (example->database);
  for (guint i = 0; heads[i] != NULL; i++)
    ct_migrate (example->project, STRATA_DIRECTION_UPGRADE, heads[i]);
}

/* Where a run to @target leaves a fresh database at @heads, or the error's
 * message. */
static char *
heads_after (Example            *example,
             const char * const *heads,
             StrataDirection     direction,
             const char         *target)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  example_at (example, heads);
  migration = strata_migration_new (example->project, direction, target);
  if (!strata_migration_run (migration, NULL, &error))
    return g_strdup (error->message);
  return ct_heads (example->database);
}

static char *
targets_at (Example            *example,
            const char * const *heads,
            gboolean            back)
{
  g_autoptr(StrataMigrationPlan) plan = NULL;

  example_at (example, heads);
  plan = make_plan (example->project, STRATA_DIRECTION_DOWNGRADE, NULL);
  return joined (back ? strata_migration_plan_get_step_back_targets (plan)
                      : strata_migration_plan_get_step_forward_targets (plan));
}

/* With one current head, a one-step target does what "-1" and "+1" do. */
static void
assert_like_relative (Example            *example,
                      const char * const *heads,
                      StrataDirection     direction)
{
  gboolean back = direction == STRATA_DIRECTION_DOWNGRADE;
  g_autofree char *target = targets_at (example, heads, back);
  g_autofree char *expected = heads_after (example, heads, direction, back ? "-1" : "+1");
  g_autofree char *got = heads_after (example, heads, direction, target);

  g_assert_cmpstr (target, !=, "");
  g_assert_cmpstr (got, ==, expected);
}

static void
test_one_step_targets (void)
{
  g_auto(Example) example = { 0 };
  const char *pricing[] = { PRICING, NULL };
  const char *fork[] = { FORK, NULL };
  const char *both[] = { PRICING, STORAGE, NULL };
  const char *merge[] = { MERGE, NULL };
  g_autofree char *targets = NULL;
  g_autofree char *after = NULL;
  g_autofree char *minus_one = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;

  example_open (&example);

  /* On one branch, and at the fork, "-1" and "+1" say it. */
  assert_like_relative (&example, pricing, STRATA_DIRECTION_DOWNGRADE);
  assert_like_relative (&example, pricing, STRATA_DIRECTION_UPGRADE);
  assert_like_relative (&example, fork, STRATA_DIRECTION_DOWNGRADE);

  /* Up from the fork, the walk forks: there is no one step forward. */
  targets = targets_at (&example, fork, FALSE);
  g_assert_cmpstr (targets, ==, "");
  g_clear_pointer (&targets, g_free);

  /* With both branches applied "-1" is ambiguous; each head's own target
   * undoes that head alone (the fork stays applied, under storage). */
  targets = targets_at (&example, both, TRUE);
  g_assert_cmpstr (targets, ==, PRICING "@-1," STORAGE "@-1");
  after = heads_after (&example, both, STRATA_DIRECTION_DOWNGRADE, PRICING "@-1");
  g_assert_cmpstr (after, ==, STORAGE);
  g_clear_pointer (&after, g_free);
  g_clear_pointer (&targets, g_free);

  /* Off a merge there is nothing to choose. */
  example_at (&example, pricing);
  plan = make_plan (example.project, STRATA_DIRECTION_DOWNGRADE, NULL);
  g_assert_null (strata_migration_plan_get_step_back_choices (plan));
  g_assert_null (strata_migration_plan_get_step_back_problem (plan));
  g_clear_object (&plan);

  /* At the merge one step back is ambiguous, as "-1" says: no parent is
   * picked. The plan takes no step, names the revisions merged, and says
   * why in the words of "-1". */
  targets = targets_at (&example, merge, TRUE);
  g_assert_cmpstr (targets, ==, "");
  example_at (&example, merge);
  plan = make_plan (example.project, STRATA_DIRECTION_DOWNGRADE, NULL);
  g_assert_null (strata_migration_plan_get_target (plan));
  g_assert_cmpuint (strata_migration_plan_get_n_steps (plan), ==, 0);
  g_assert_cmpstrv (strata_migration_plan_get_step_back_choices (plan),
                    ((const char *[]) { PRICING, STORAGE, NULL }));
  minus_one = heads_after (&example, merge, STRATA_DIRECTION_DOWNGRADE, "-1");
  g_assert_true (g_str_has_prefix (minus_one, "Ambiguous walk: "));
  g_assert_cmpstr (strata_migration_plan_get_step_back_problem (plan), ==, minus_one);

  /* Each choice is a target the user may name: it undoes the merge. */
  for (guint i = 0; i < 2; i++)
    {
      const char *choice = strata_migration_plan_get_step_back_choices (plan)[i];

      after = heads_after (&example, merge, STRATA_DIRECTION_DOWNGRADE, choice);
      g_assert_cmpstr (after, ==, PRICING "," STORAGE);
      g_clear_pointer (&after, g_free);
    }
}

static void
plan_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  StrataMigrationPlan **plan = user_data;
  g_autoptr(GError) error = NULL;

  *plan = strata_migration_plan_new_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *dir = make_dropping_project ();
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigrationPlan) plan = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  strata_migration_plan_new_async (project, NULL, STRATA_DIRECTION_DOWNGRADE, NULL, "r2",
                                   NULL, plan_ready_cb, &plan);
  while (plan == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_drops (plan, "order", "part.price");

  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/migration-plan/downgrade-recreates", test_downgrade_recreates);
  g_test_add_func ("/core/migration-plan/drops", test_drops);
  g_test_add_func ("/core/migration-plan/backup-policy", test_backup_policy);
  g_test_add_func ("/core/migration-plan/start-heads", test_start_heads);
  g_test_add_func ("/core/migration-plan/reads-as-the-run", test_reads_as_the_run);
  g_test_add_func ("/core/migration-plan/one-step-targets", test_one_step_targets);
  g_test_add_func ("/core/migration-plan/missing-downgrade", test_missing_downgrade);
  g_test_add_func ("/core/migration-plan/async", test_async);

  return g_test_run ();
}
