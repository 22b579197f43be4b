/* test-sql-check.c: the editor's check, without a display: statements that
 * do not prepare against the schema their revision starts from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strata.h>

static StrataRevisionGraph *
make_graph (void)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  StrataRevision *base = strata_revision_new ("base0001", "base");
  StrataRevisionGraph *graph;

  strata_revision_set_sql (base, STRATA_DIRECTION_UPGRADE,
                           "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n");
  g_ptr_array_add (revisions, base);
  graph = strata_revision_graph_new (revisions, &error);
  g_assert_no_error (error);
  return graph;
}

static void
test_problems (void)
{
  g_autoptr(StrataRevisionGraph) graph = make_graph ();
  const char *parents[] = { "base0001", NULL };
  const char *upgrade =
    "ALTER TABLE part ADD COLUMN price INTEGER;\n"   /* line 1: part exists in the parent */
    "UPDATE part SET prize = 1;\n"                   /* line 2: no such column */
    "CREATE TABLE supplier (id INTEGER PRIMARY KEY);\n";
  const char *downgrade =
    "DROP TABLE supplier;\n"                         /* made by the upgrade: fine */
    "DROP TABLE nowhere;\n";                         /* line 2: no such table */
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchemaReplay) replay = strata_schema_replay_new (graph);
  g_autoptr(StrataSqlCheck) check = strata_sql_check (replay, parents, upgrade, downgrade,
                                                      NULL, &error);
  StrataSqlProblem *first, *second;

  g_assert_no_error (error);
  g_assert_cmpuint (check->problems->len, ==, 2);
  first = g_ptr_array_index (check->problems, 0);
  second = g_ptr_array_index (check->problems, 1);
  g_assert_cmpint (first->direction, ==, STRATA_DIRECTION_UPGRADE);
  g_assert_cmpuint (first->line, ==, 2);
  g_assert_nonnull (strstr (first->message, "prize"));
  g_assert_cmpint (second->direction, ==, STRATA_DIRECTION_DOWNGRADE);
  g_assert_cmpuint (second->line, ==, 2);
  g_assert_nonnull (strstr (second->message, "nowhere"));
  /* Completion gets the names of the schema after the upgrade. */
  g_assert_true (g_strv_contains ((const char * const *)check->names, "supplier"));
  g_assert_true (g_strv_contains ((const char * const *)check->names, "price"));
}

static void
test_cancelled (void)
{
  g_autoptr(StrataRevisionGraph) graph = make_graph ();
  g_autoptr(StrataSchemaReplay) replay = strata_schema_replay_new (graph);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSqlCheck) check = NULL;

  g_cancellable_cancel (cancellable);
  check = strata_sql_check (replay, NULL, "SELECT 1;", "", cancellable, &error);
  g_assert_null (check);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A base and a child that adds a table; both seed rows. */
static StrataRevisionGraph *
make_chain (void)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  StrataRevision *base = strata_revision_new ("base0001", "base");
  StrataRevision *child = strata_revision_new ("chld0002", "child");
  StrataRevisionGraph *graph;

  strata_revision_set_sql (base, STRATA_DIRECTION_UPGRADE,
                           "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
                           "INSERT INTO part (name) VALUES ('bolt'), ('bolt');\n");
  strata_revision_set_down_revisions (child, (const char *[]) { "base0001", NULL });
  strata_revision_set_sql (child, STRATA_DIRECTION_UPGRADE,
                           "CREATE TABLE supplier (id INTEGER PRIMARY KEY, city TEXT);\n"
                           "INSERT INTO supplier (city) VALUES ('Lyon');\n");
  g_ptr_array_add (revisions, base);
  g_ptr_array_add (revisions, child);
  graph = strata_revision_graph_new (revisions, &error);
  g_assert_no_error (error);
  return graph;
}

static gboolean
knows (StrataSqlCheck *check,
       const char     *name)
{
  return g_strv_contains ((const char * const *)check->names, name);
}

/* The replay keeps the last parents' schema, and a check with other
 * parents gets the schema of those, never the one kept. */
static void
test_kept_schema_follows_parents (void)
{
  g_autoptr(StrataRevisionGraph) graph = make_chain ();
  g_autoptr(StrataSchemaReplay) replay = strata_schema_replay_new (graph);
  const char *base[] = { "base0001", NULL };
  const char *child[] = { "chld0002", NULL };
  const char *upgrade = "SELECT city FROM supplier;\n";
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(StrataSqlCheck) on_base = strata_sql_check (replay, base, upgrade, "", NULL, &error);
      g_autoptr(StrataSqlCheck) on_child = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (on_base->problems->len, ==, 1);
      g_assert_false (knows (on_base, "supplier"));
      on_child = strata_sql_check (replay, child, upgrade, "", NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (on_child->problems->len, ==, 0);
      g_assert_true (knows (on_child, "supplier"));
      g_assert_true (knows (on_child, "city"));
    }
}

typedef struct
{
  guint           pending;
  StrataSqlCheck *checks[4];
} Results;

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Results *results = user_data;
  g_autoptr(GError) error = NULL;
  StrataSqlCheck *check = strata_sql_check_finish (result, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (results->checks); i++)
    if (results->checks[i] == NULL)
      {
        results->checks[i] = check;
        break;
      }
  results->pending--;
}

/* Checks that overlap on workers share the replay and each gets the schema
 * of its own parents. */
static void
test_overlapping_checks (void)
{
  g_autoptr(StrataRevisionGraph) graph = make_chain ();
  g_autoptr(StrataSchemaReplay) replay = strata_schema_replay_new (graph);
  const char *base[] = { "base0001", NULL };
  const char *child[] = { "chld0002", NULL };
  Results results = { 0 };
  guint with_supplier = 0;

  for (guint i = 0; i < G_N_ELEMENTS (results.checks); i++)
    {
      results.pending++;
      strata_sql_check_async (replay, i % 2 ? child : base, "SELECT 1;\n", "", NULL,
                              check_done_cb, &results);
    }
  while (results.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (results.checks); i++)
    {
      with_supplier += knows (results.checks[i], "supplier");
      strata_sql_check_free (results.checks[i]);
    }
  g_assert_cmpuint (with_supplier, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/sql-check/problems", test_problems);
  g_test_add_func ("/core/sql-check/cancelled", test_cancelled);
  g_test_add_func ("/core/sql-check/kept-schema-follows-parents",
                   test_kept_schema_follows_parents);
  g_test_add_func ("/core/sql-check/overlapping-checks", test_overlapping_checks);

  return g_test_run ();
}
