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
  g_autoptr(StrataSqlCheck) check = strata_sql_check (graph, parents, upgrade, downgrade,
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
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSqlCheck) check = NULL;

  g_cancellable_cancel (cancellable);
  check = strata_sql_check (graph, NULL, "SELECT 1;", "", cancellable, &error);
  g_assert_null (check);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/sql-check/problems", test_problems);
  g_test_add_func ("/core/sql-check/cancelled", test_cancelled);

  return g_test_run ();
}
