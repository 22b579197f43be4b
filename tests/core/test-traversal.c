/* test-traversal.c: Alembic's version-traversal tests (tests/test_version_traversal.py),
 * ported case by case: the same graph, target, steps in order and resulting heads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "graph-test.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **)a, *(const char **)b);
}

static char *
sorted_heads (GPtrArray *heads)
{
  g_autoptr(GPtrArray) copy = g_ptr_array_new ();

  for (guint i = 0; i < heads->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (heads, i));
  g_ptr_array_sort (copy, compare_strings);
  g_ptr_array_add (copy, NULL);
  return g_strjoinv (" ", (char **)copy->pdata);
}

/* Applies each step's rows to the version table, as the executor will, and
 * checks that every row it removes is there and every row it adds is not. */
static char *
apply_steps (GPtrArray  *steps,
             const char *current,
             GString    *trail)
{
  g_auto(GStrv) start = g_strsplit (current, " ", -1);
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; start[i] != NULL; i++)
    if (*start[i] != '\0')
      g_ptr_array_add (heads, g_strdup (start[i]));

  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      const char * const *from = strata_step_get_from_heads (step);
      const char * const *to = strata_step_get_to_heads (step);
      g_autofree char *now = NULL;
      guint index;

      for (guint j = 0; from[j] != NULL; j++)
        {
          g_assert_true (g_ptr_array_find_with_equal_func (heads, from[j], g_str_equal, &index));
          g_ptr_array_remove_index (heads, index);
        }
      for (guint j = 0; to[j] != NULL; j++)
        {
          g_assert_false (g_ptr_array_find_with_equal_func (heads, to[j], g_str_equal, NULL));
          g_ptr_array_add (heads, g_strdup (to[j]));
        }
      now = sorted_heads (heads);
      g_string_append_printf (trail, "%s%s", i > 0 ? " | " : "", now);
    }
  return sorted_heads (heads);
}

static char *
step_ids (GPtrArray *steps)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            strata_revision_get_id (strata_step_get_revision (g_ptr_array_index (steps, i))));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* @current is the version table's rows; @expected the revisions in the order
 * they run, or "!" and part of the error; @heads the rows afterwards, sorted;
 * @trail, when given, the rows after each step. */
static void
check_plan_full (StrataRevisionGraph *graph,
                 StrataDirection      direction,
                 const char          *current,
                 const char          *target,
                 const char          *expected,
                 const char          *heads,
                 const char          *trail)
{
  g_auto(GStrv) rows = g_strsplit (current, " ", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GString) after_each = g_string_new (NULL);
  g_autofree char *ids = NULL;
  g_autofree char *result = NULL;

  if (*current == '\0')
    g_clear_pointer (&rows, g_strfreev);
  steps = strata_revision_graph_plan (graph, direction, (const char * const *)rows, target, &error);
  if (expected[0] == '!')
    {
      g_assert_null (steps);
      g_assert_nonnull (error);
      if (strstr (error->message, expected + 1) == NULL)
        g_error ("%s to %s from [%s]: “%s” lacks “%s”", strata_direction_to_string (direction),
                 target, current, error->message, expected + 1);
      return;
    }
  g_assert_no_error (error);

  for (guint i = 0; i < steps->len; i++)
    g_assert_cmpint (strata_step_get_direction (g_ptr_array_index (steps, i)), ==, direction);
  ids = step_ids (steps);
  g_assert_cmpstr (ids, ==, expected);
  result = apply_steps (steps, current, after_each);
  g_assert_cmpstr (result, ==, heads);
  if (trail != NULL)
    g_assert_cmpstr (after_each->str, ==, trail);
}

static void
check_upgrade (StrataRevisionGraph *graph,
               const char          *target,
               const char          *current,
               const char          *expected,
               const char          *heads)
{
  check_plan_full (graph, STRATA_DIRECTION_UPGRADE, current, target, expected, heads, NULL);
}

static void
check_downgrade (StrataRevisionGraph *graph,
                 const char          *target,
                 const char          *current,
                 const char          *expected,
                 const char          *heads)
{
  check_plan_full (graph, STRATA_DIRECTION_DOWNGRADE, current, target, expected, heads, NULL);
}

/* @expected lists each stamp step as "from,from>to"; @heads as in check_plan_full(). */
static void
check_stamp (StrataRevisionGraph *graph,
             const char          *target,
             const char          *current,
             const char          *expected,
             const char          *heads)
{
  g_auto(GStrv) rows = g_strsplit (current, " ", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GString) moves = g_string_new (NULL);
  g_autoptr(GString) trail = g_string_new (NULL);
  g_autofree char *result = NULL;

  if (*current == '\0')
    g_clear_pointer (&rows, g_strfreev);
  steps = strata_revision_graph_plan_stamp (graph, (const char * const *)rows, target, FALSE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      g_autofree char *from = g_strjoinv (",", (char **)strata_step_get_from_heads (step));
      g_autofree char *to = g_strjoinv (",", (char **)strata_step_get_to_heads (step));

      g_assert_null (strata_step_get_revision (step));
      g_assert_cmpint (strata_step_get_direction (step), ==, STRATA_DIRECTION_STAMP);
      g_string_append_printf (moves, "%s%s>%s", i > 0 ? " " : "", from, to);
    }
  g_assert_cmpstr (moves->str, ==, expected);
  result = apply_steps (steps, current, trail);
  g_assert_cmpstr (result, ==, heads);
}

/* RevisionPathTest --------------------------------------------------------------- */

#define A "e6239818bb3a"
#define B "548bbb905360"
#define C "b7ea43dc85e4"
#define D "1bbe33445780"
#define E "3975fb1a0125"

static StrataRevisionGraph *
revision_path (void)
{
  return graph_test_make (A " " B "<" A " " C "<" B " " D "<" C " " E "<" D);
}

static void
test_path_downgrade_no_op (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_downgrade (graph, "base", "", "", "");
  check_downgrade (graph, A, A, "", A);
  check_downgrade (graph, E, E, "", E);
}

static void
test_path_upgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_upgrade (graph, E, C, D " " E, E);
  check_upgrade (graph, C, "", A " " B " " C, C);
}

static void
test_path_relative_upgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_upgrade (graph, "+2", A, B " " C, C);
  check_upgrade (graph, "+1", A, B, B);
  check_upgrade (graph, "+3", B, C " " D " " E, E);
  check_upgrade (graph, B "+2", A, B " " C " " D, D);
  check_upgrade (graph, D "-2", A, B, B);
  check_upgrade (graph, "-2", B, "!Relative revision -2 didn't produce 2 migrations", NULL);
  check_upgrade (graph, "+5", B, "!Relative revision +5 didn't produce 5 migrations", NULL);
}

static void
test_path_downgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_downgrade (graph, C, E, E " " D, C);
  check_downgrade (graph, "base", C, C " " B " " A, "");
}

static void
test_path_relative_downgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_downgrade (graph, "-1", C, C, B);
  check_downgrade (graph, "-3", E, E " " D " " C, B);
  check_downgrade (graph, A "+2", D, D, C);
  check_downgrade (graph, C "-2", D, D " " C " " B, A);
  check_downgrade (graph, "-5", B, "!Relative revision -5 didn't produce 5 migrations", NULL);
  check_downgrade (graph, "+2", B, "!Relative revision +2 didn't produce 2 migrations", NULL);
}

static void
test_path_invalid_downgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) error = NULL;
  const char *at_b[] = { B, NULL };

  check_downgrade (graph, "548", "",
                   "!Destination 548 is not a valid downgrade target from current head(s)", NULL);
  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_DOWNGRADE, at_b, "b7ea", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_TARGET);
  g_assert_cmpstr (error->message, ==,
                   "Destination b7ea is not a valid downgrade target from current head(s)");
}

static void
test_path_stamp_to_base (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();

  check_stamp (graph, "base", D, D ">", "");
}

/* BranchedPathTest --------------------------------------------------------------- */

static const char *branched = "a b<a c1<b#c1branch d1<c1 c2<b#c2branch d2<c2";

static void
test_branched_stamp (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);

  /* DELETE d1, UPDATE c2 to b. */
  check_stamp (graph, "b", "d1 c2", "d1,c2>b", "b");
  check_stamp (graph, "c1branch@base", "d1 c2", "d1>", "c2");
  /* The c1branch stays as it is. */
  check_stamp (graph, "c2branch@head", "d1 c2", "c2>d2", "d1 d2");
}

static void
test_branched_upgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);

  check_upgrade (graph, "d1", "b", "c1 d1", "d1");
  /* Alembic's test names the tuple (d1, d2); "heads" is that tuple here. */
  check_upgrade (graph, "heads", "a", "b c2 d2 c1 d1", "d1 d2");
  check_upgrade (graph, "c2branch@head-1", "b", "c2", "c2");
  check_upgrade (graph, "c2branch@+1", "c1", "c2", "c1 c2");
  check_upgrade (graph, "c2branch@+1", "c1 c2", "d2", "c1 d2");
  check_upgrade (graph, "base+1", "", "a", "a");
  check_upgrade (graph, "+1", "", "a", "a");
}

static void
test_branched_ambiguous_upgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  const char *heads[] = { "c1", "c2", NULL };

  check_upgrade (graph, "+1", "c1 c2", "!Ambiguous upgrade from multiple current revisions", NULL);
  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, heads, "+1", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS);
}

static void
test_branched_downgrade (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);

  check_downgrade (graph, "a", "d1 d2", "d1 c1 d2 c2 b", "a");
  check_downgrade (graph, "base+2", "d2 d1", "d1 c1 d2 c2", "b");
  check_downgrade (graph, "c2branch@base+2", "d2 d1", "d2 c2", "d1");
  check_downgrade (graph, "c2", "d2 d1", "d2", "c2 d1");
  check_downgrade (graph, "c2branch@base+3", "d2 d1", "d2", "c2 d1");
  check_downgrade (graph, "c1branch@-1", "d1 d2", "d1", "c1 d2");
  check_downgrade (graph, "d2-1", "d2 c1", "d2", "c1 c2");
  check_downgrade (graph, "d2-1", "c1 d2", "d2", "c1 c2");
  check_downgrade (graph, "c1branch@b", "c1 d2", "c1", "d2");
  check_downgrade (graph, "c2branch@b", "c1 d2", "d2 c2", "c1");
  check_downgrade (graph, "c2@b", "d1 d2", "d2 c2", "d1");
  check_downgrade (graph, "d1@b", "d1 d2", "d1 c1", "d2");
  check_downgrade (graph, "c1branch@head-1", "d1 d2", "d1", "c1 d2");
  check_downgrade (graph, "-1", "a", "a", "");
  check_downgrade (graph, "-1", "", "!Relative revision -1 didn't produce 1 migrations", NULL);
  check_downgrade (graph, "c2", "d1 c2", "", "c2 d1");
  check_downgrade (graph, "d1", "d1 c2", "", "c2 d1");
}

/* Alembic warns and downgrades whichever head the table lists first; we ask
 * which branch is meant, and name the heads. */
static void
test_branched_downgrade_once_ambiguous (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);
  const char *currents[][2] = { { "d2", "d1" }, { "c2", "d1" }, { "d1", "d2" }, { "c1", "d2" } };

  for (guint i = 0; i < G_N_ELEMENTS (currents); i++)
    {
      const char *rows[] = { currents[i][0], currents[i][1], NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_DOWNGRADE,
                                                               rows, "-1", &error);
      g_autofree char *named = g_strdup_printf ("(%s, %s)", rows[0], rows[1]);
      g_autofree char *hint = g_strdup_printf ("“%s@-1”", rows[0]);

      g_assert_null (steps);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS);
      g_assert_nonnull (strstr (error->message, named));
      g_assert_nonnull (strstr (error->message, hint));
    }

  /* What each of Alembic's four cases did, asked for by branch. */
  check_downgrade (graph, "d2@-1", "d2 d1", "d2", "c2 d1");
  check_downgrade (graph, "c2@-1", "c2 d1", "c2", "d1");
  check_downgrade (graph, "d1@-1", "d1 d2", "d1", "c1 d2");
  check_downgrade (graph, "c1@-1", "c1 d2", "c1", "d2");
}

/* Merge points, branch points from merges ---------------------------------------- */

static void
test_branch_from_mergepoint (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a1 b1<a1 c1<b1 a2 b2<a2 c2<b2 d1<c1,c2 d2<c2");

  check_upgrade (graph, "d1", "d2 b1", "c1 d1", "d1 d2");
  check_downgrade (graph, "b1", "d2 d1", "d1 c1", "b1 d2");
}

static void
test_branch_from_three_way_mergepoint (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a1 b1<a1 c1<b1 a2 b2<a2 c2<b2 a3 b3<a3 c3<b3 d1<c1,c2,c3 d2<c2 d3<c3");

  check_upgrade (graph, "d1", "d3 d2 b1", "c1 d1", "d1 d2 d3");
  check_downgrade (graph, "b1", "d3 d2 d1", "d1 c1", "b1 d2 d3");
  /* b2 and b1 merge into d1, then b2's line breaks out again. */
  check_upgrade (graph, "d1", "d3 b2 b1", "c2 c1 d1", "d1 d3");
  check_upgrade (graph, "d2", "d3 d1", "d2", "d1 d2 d3");
}

static void
test_twin_merge (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a b1<a b2<a b3<a c1<b1,b2,b3 c2<b1,b2,b3 d1<c1 d2<c2");

  check_plan_full (graph, STRATA_DIRECTION_UPGRADE, "a", "heads", "b3 b2 b1 c2 d2 c1 d1", "d1 d2",
                   "b3 | b2 b3 | b1 b2 b3 | c2 | d2 | c1 d2 | d1 d2");
}

static void
test_not_quite_twin_merge (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a b1<a b2<a b3<a c1<b1,b2 c2<b2,b3 d1<c1 d2<c2");

  check_plan_full (graph, STRATA_DIRECTION_UPGRADE, "a", "heads", "b2 b3 c2 d2 b1 c1 d1", "d1 d2",
                   "b2 | b2 b3 | c2 | d2 | b1 d2 | c1 d2 | d1 d2");
}

static void
test_merged_path (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a b<a c1<b d1<c1 c2<b#c2branch d2<c2 e<d1,d2 f<e");

  check_stamp (graph, "c2", "e", "e>c2", "c2");
  check_stamp (graph, "a", "e", "e>a", "a");
  check_stamp (graph, "e", "c2", "c2>e", "e");
  /* DELETE d1, UPDATE c2 to f. */
  check_stamp (graph, "c2branch@head", "d1 c2", "d1,c2>f", "f");
  check_stamp (graph, "e", "d1 c2", "d1,c2>e", "e");
  check_stamp (graph, "e", "b", "b>e", "e");
  check_plan_full (graph, STRATA_DIRECTION_UPGRADE, "b", "f", "c2 d2 c1 d1 e f", "f",
                   "c2 | d2 | c1 d2 | d1 d2 | e | f");
  check_plan_full (graph, STRATA_DIRECTION_DOWNGRADE, "f", "b", "f e d1 c1 d2 c2", "b",
                   "e | d1 d2 | c1 d2 | d2 | c2 | b");
}

/* Dependencies ------------------------------------------------------------------- */

static const char *depends_one =
  "a1#lib1 b1<a1 c1<b1 a2 b2<a2 c2<b2~c1 d1<c1 e1<d1 f1<e1";

static void
test_depends_on_branch_one (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (depends_one);

  check_downgrade (graph, "c1", "c2 d1", "d1", "c2");
  check_stamp (graph, "b1", "e1 c2", "e1,c2>b1", "b1");
}

static void
test_depends_on_branch_two (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a1 a2 a3 amerge<a1,a2,a3 b1 b2 bmerge<b1,b2 c1 c2 c3 cmerge<c1,c2,c3 "
                     "d1~a3,b2,c1");

  /* b2 is not a row afterwards, but d1 implies it. */
  check_downgrade (graph, "b2", "amerge bmerge cmerge d1", "bmerge", "amerge b1 cmerge d1");
  /* b2 is inserted, because only d1 implied it. */
  check_downgrade (graph, "d1@base", "amerge d1 b1 cmerge", "d1", "amerge b1 b2 cmerge");
  check_plan_full (graph, STRATA_DIRECTION_DOWNGRADE, "amerge b1 b2 cmerge", "base",
                   "amerge a1 b1 b2 cmerge c1 a2 a3 c2 c3", "",
                   "a1 a2 a3 b1 b2 cmerge | a2 a3 b1 b2 cmerge | a2 a3 b2 cmerge | a2 a3 cmerge | "
                   "a2 a3 c1 c2 c3 | a2 a3 c2 c3 | a3 c2 c3 | c2 c3 | c3 | ");
}

static void
test_depends_on_branch_three (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make ("a1 a2<a1 b1 b2<b1~a2 b3<b2 a3<a2~b1");

  /* b1 stays, implied by a3. */
  check_downgrade (graph, "b1", "a3 b2", "b2", "a3");
}

static void
test_depends_on_own_downrev (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make ("a1 a2<a1~a1");

  check_upgrade (graph, "a2", "", "a1 a2", "a2");
  check_downgrade (graph, "a1", "a2", "a2", "a1");
}

static void
test_depends_on_branch_four (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a1 a2<a1 a3<a2 b1 b2<b1~a3 b3<b2 b4<b3~a3");

  /* a3 is not a row afterwards: b3 still implies it. */
  check_downgrade (graph, "b3", "b4", "b4", "b3");
}

static void
test_depends_on_branch_label (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a1#lib1 b1<a1 c1<b1#c1lib a2 b2<a2 c2<b2~c1lib d1<c1 e1<d1 f1<e1");

  check_upgrade (graph, "c2", "a2", "a1 b1 c1 b2 c2", "c2");
}

static void
test_cross_dependencies (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a b<a c1<b#c1branch d1<c1 c2<b#c2branch d2<c2~c1");

  check_downgrade (graph, "c2branch@b", "d1 d2", "d2 c2", "d1");
  /* Taking c1branch down takes d2, which depends on it, down first. */
  check_plan_full (graph, STRATA_DIRECTION_DOWNGRADE, "d1 d2", "c1branch@b", "d1 d2 c1", "c2",
                   "d2 | c1 c2 | c2");
}

static void
test_forest (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make ("a1 b1<a1 a2 b2<a2");

  check_upgrade (graph, "heads", "", "a2 b2 a1 b1", "b1 b2");
  check_stamp (graph, "heads", "", ">b1 >b2", "b1 b2");
  check_stamp (graph, "heads", "b1 b2", "", "b1 b2");
}

/* The steps' SQL and wording ----------------------------------------------------- */

static char *
version_sql (StrataStep *step)
{
  g_autoptr(GPtrArray) statements = strata_step_get_version_sql (step, "alembic_version");

  g_ptr_array_add (statements, NULL);
  return g_strjoinv ("\n", (char **)statements->pdata);
}

static void
test_step_sql (void)
{
  g_autoptr(StrataRevisionGraph) graph =
    graph_test_make ("a b<a c1<b d1<c1 c2<b#c2branch d2<c2 e<d1,d2 f<e");
  const char *at_b[] = { "b", NULL };
  const char *at_f[] = { "f", NULL };
  g_autoptr(GPtrArray) up = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, at_b, "f", NULL);
  g_autoptr(GPtrArray) down = strata_revision_graph_plan (graph, STRATA_DIRECTION_DOWNGRADE, at_f, "b", NULL);
  g_autofree char *update = version_sql (g_ptr_array_index (up, 0));
  g_autofree char *insert = version_sql (g_ptr_array_index (up, 2));
  g_autofree char *merge = version_sql (g_ptr_array_index (up, 4));
  g_autofree char *unmerge = version_sql (g_ptr_array_index (down, 1));
  g_autofree char *delete = version_sql (g_ptr_array_index (down, 3));
  g_autofree char *running = strata_step_describe (g_ptr_array_index (up, 4));
  g_autofree char *running_down = strata_step_describe (g_ptr_array_index (down, 1));

  g_assert_cmpstr (update, ==,
                   "UPDATE \"alembic_version\" SET version_num='c2' "
                   "WHERE \"alembic_version\".version_num = 'b';");
  g_assert_cmpstr (insert, ==, "INSERT INTO \"alembic_version\" (version_num) VALUES ('c1');");
  g_assert_cmpstr (merge, ==,
                   "DELETE FROM \"alembic_version\" WHERE \"alembic_version\".version_num = 'd1';\n"
                   "UPDATE \"alembic_version\" SET version_num='e' "
                   "WHERE \"alembic_version\".version_num = 'd2';");
  g_assert_cmpstr (unmerge, ==,
                   "INSERT INTO \"alembic_version\" (version_num) VALUES ('d1');\n"
                   "UPDATE \"alembic_version\" SET version_num='d2' "
                   "WHERE \"alembic_version\".version_num = 'e';");
  g_assert_cmpstr (delete, ==,
                   "DELETE FROM \"alembic_version\" WHERE \"alembic_version\".version_num = 'c1';");
  g_assert_cmpstr (running, ==, "Running upgrade d1, d2 -> e, e");
  g_assert_cmpstr (running_down, ==, "Running downgrade e -> d1, d2, e");
}

static void
test_step_describe_base (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make ("a b<a");
  const char *none[] = { NULL };
  g_autoptr(GPtrArray) steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, none,
                                                           "head", NULL);
  g_autofree char *first = strata_step_describe (g_ptr_array_index (steps, 0));
  g_autoptr(GPtrArray) stamps = strata_revision_graph_plan_stamp (graph, none, "b", FALSE, NULL);
  g_autofree char *stamp = strata_step_describe (g_ptr_array_index (stamps, 0));

  g_assert_cmpstr (first, ==, "Running upgrade  -> a, a");
  g_assert_cmpstr (stamp, ==, "Running stamp_revision  -> b");
}

/* The planner's own contract ----------------------------------------------------- */

static void
test_unknown_current_head (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) purged = NULL;
  const char *rows[] = { "d1", "x", NULL };

  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, rows, "heads", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_assert_cmpstr (error->message, ==,
                   "The database is at revision “x”, which is neither in versions/ nor in "
                   "strata_history");
  g_clear_error (&error);

  /* A purge does not care what the table holds. */
  purged = strata_revision_graph_plan_stamp (graph, rows, "c2", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (purged->len, ==, 2);
  g_assert_cmpstrv (strata_step_get_from_heads (g_ptr_array_index (purged, 0)), rows);
  g_assert_cmpstrv (strata_step_get_to_heads (g_ptr_array_index (purged, 1)),
                    ((const char *[]) { "c2", NULL }));
}

static void
test_multiple_heads_target (void)
{
  g_autoptr(StrataRevisionGraph) graph = graph_test_make (branched);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  const char *rows[] = { "b", NULL };

  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, rows, "head", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS);
  g_assert_cmpstr (error->message, ==,
                   "Multiple head revisions are present for given argument 'head'; please "
                   "specify a specific target revision, '<branchname>@head' to narrow to a "
                   "specific head, or 'heads' for all heads");
  g_clear_error (&error);

  steps = strata_revision_graph_plan_stamp (graph, rows, "head", FALSE, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS);
  check_upgrade (graph, "c1branch@head", "b", "c1 d1", "d1");
}

static void
test_relative_past_the_end (void)
{
  g_autoptr(StrataRevisionGraph) graph = revision_path ();
  const char *rows[] = { C, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;

  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_UPGRADE, rows, C "+9", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_RANGE);
  g_clear_error (&error);
  steps = strata_revision_graph_plan (graph, STRATA_DIRECTION_DOWNGRADE, rows, "-4", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_RANGE);
  check_upgrade (graph, A, E, "", E);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/traversal/path/downgrade-no-op", test_path_downgrade_no_op);
  g_test_add_func ("/core/traversal/path/upgrade", test_path_upgrade);
  g_test_add_func ("/core/traversal/path/relative-upgrade", test_path_relative_upgrade);
  g_test_add_func ("/core/traversal/path/downgrade", test_path_downgrade);
  g_test_add_func ("/core/traversal/path/relative-downgrade", test_path_relative_downgrade);
  g_test_add_func ("/core/traversal/path/invalid-downgrade", test_path_invalid_downgrade);
  g_test_add_func ("/core/traversal/path/stamp-to-base", test_path_stamp_to_base);
  g_test_add_func ("/core/traversal/branched/stamp", test_branched_stamp);
  g_test_add_func ("/core/traversal/branched/upgrade", test_branched_upgrade);
  g_test_add_func ("/core/traversal/branched/ambiguous-upgrade", test_branched_ambiguous_upgrade);
  g_test_add_func ("/core/traversal/downgrade-branch", test_branched_downgrade);
  g_test_add_func ("/core/traversal/downgrade-once-ambiguous", test_branched_downgrade_once_ambiguous);
  g_test_add_func ("/core/traversal/branch-from-mergepoint", test_branch_from_mergepoint);
  g_test_add_func ("/core/traversal/branch-from-3way-mergepoint", test_branch_from_three_way_mergepoint);
  g_test_add_func ("/core/traversal/twin-merge", test_twin_merge);
  g_test_add_func ("/core/traversal/not-quite-twin-merge", test_not_quite_twin_merge);
  g_test_add_func ("/core/traversal/merge", test_merged_path);
  g_test_add_func ("/core/traversal/depends-on/one", test_depends_on_branch_one);
  g_test_add_func ("/core/traversal/depends-on/two", test_depends_on_branch_two);
  g_test_add_func ("/core/traversal/depends-on/three", test_depends_on_branch_three);
  g_test_add_func ("/core/traversal/depends-on/own-downrev", test_depends_on_own_downrev);
  g_test_add_func ("/core/traversal/depends-on/four", test_depends_on_branch_four);
  g_test_add_func ("/core/traversal/depends-on/label", test_depends_on_branch_label);
  g_test_add_func ("/core/traversal/depends-on/cross", test_cross_dependencies);
  g_test_add_func ("/core/traversal/forest", test_forest);
  g_test_add_func ("/core/traversal/step-sql", test_step_sql);
  g_test_add_func ("/core/traversal/step-describe", test_step_describe_base);
  g_test_add_func ("/core/traversal/unknown-current-head", test_unknown_current_head);
  g_test_add_func ("/core/traversal/multiple-heads-target", test_multiple_heads_target);
  g_test_add_func ("/core/traversal/relative-past-the-end", test_relative_past_the_end);

  return g_test_run ();
}
