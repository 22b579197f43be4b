/* test-timeline-layout.c: lanes of the timeline, computed without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-timeline-layout.h"

/* Revisions newest first from "id:parent,parent" specs. */
static GPtrArray *
make_revisions (const char * const *specs)
{
  GPtrArray *revisions = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (specs[i], ":", 2);
      g_auto(GStrv) parents = g_strsplit (parts[1] ? parts[1] : "", ",", -1);
      StrataRevision *revision = strata_revision_new (parts[0], parts[0]);

      if (parents[0] != NULL && parents[0][0] == '\0')
        g_clear_pointer (&parents, g_strfreev);
      strata_revision_set_down_revisions (revision, parents ? (const char * const *)parents
                                                            : (const char *[]) { NULL });
      g_ptr_array_add (revisions, revision);
    }
  return revisions;
}

static StrataLaneRow *
row_at (GPtrArray *rows,
        guint      i)
{
  return g_ptr_array_index (rows, i);
}

static void
test_linear (void)
{
  g_autoptr(GPtrArray) revisions = make_revisions ((const char *[]) { "c:b", "b:a", "a:", NULL });
  g_autoptr(GPtrArray) rows = strata_timeline_layout_compute (revisions);

  g_assert_cmpuint (rows->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (row_at (rows, i)->node_lane, ==, 0);
      g_assert_cmpuint (row_at (rows, i)->n_lanes, ==, 1);
    }
  /* The head has no line above; the base none below. */
  g_assert_cmpuint (row_at (rows, 0)->n_edges, ==, 1);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 0), 0, STRATA_LANE_MIDDLE, 0, STRATA_LANE_BOTTOM));
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 1), 0, STRATA_LANE_TOP, 0, STRATA_LANE_MIDDLE));
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 1), 0, STRATA_LANE_MIDDLE, 0, STRATA_LANE_BOTTOM));
  g_assert_cmpuint (row_at (rows, 2)->n_edges, ==, 1);
}

/* The example project: a branch point at 5e2f, two labelled branches, a merge. */
static void
test_branch_and_merge (void)
{
  g_autoptr(GPtrArray) revisions =
    make_revisions ((const char *[]) { "merge:price,storage", "storage:move", "price:move",
                                       "move:supplier", "supplier:", NULL });
  g_autoptr(GPtrArray) rows = strata_timeline_layout_compute (revisions);

  /* The merge opens a second lane for its second parent. */
  g_assert_cmpuint (row_at (rows, 0)->node_lane, ==, 0);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 0), 0, STRATA_LANE_MIDDLE, 0, STRATA_LANE_BOTTOM));
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 0), 0, STRATA_LANE_MIDDLE, 1, STRATA_LANE_BOTTOM));
  /* storage sits in lane 1 while lane 0 passes by. */
  g_assert_cmpuint (row_at (rows, 1)->node_lane, ==, 1);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 1), 0, STRATA_LANE_TOP, 0, STRATA_LANE_BOTTOM));
  /* price in lane 0, storage's line passing in lane 1. */
  g_assert_cmpuint (row_at (rows, 2)->node_lane, ==, 0);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 2), 1, STRATA_LANE_TOP, 1, STRATA_LANE_BOTTOM));
  /* Both lines converge on the branch point, which continues alone. */
  g_assert_cmpuint (row_at (rows, 3)->node_lane, ==, 0);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 3), 1, STRATA_LANE_TOP, 0, STRATA_LANE_MIDDLE));
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 3), 0, STRATA_LANE_TOP, 0, STRATA_LANE_MIDDLE));
  g_assert_false (strata_lane_row_has_edge (row_at (rows, 3), 1, STRATA_LANE_MIDDLE, 1, STRATA_LANE_BOTTOM));
  /* Every row is as wide as the widest, so the text lines up. */
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (row_at (rows, i)->n_lanes, ==, 2);
}

static void
test_two_heads_and_missing_parent (void)
{
  g_autoptr(GPtrArray) revisions =
    make_revisions ((const char *[]) { "x:base", "y:base", "base:gone", NULL });
  g_autoptr(GPtrArray) rows = strata_timeline_layout_compute (revisions);

  /* Two heads, two lanes; their lines meet at the shared parent. */
  g_assert_cmpuint (row_at (rows, 0)->node_lane, ==, 0);
  g_assert_cmpuint (row_at (rows, 1)->node_lane, ==, 1);
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 1), 0, STRATA_LANE_TOP, 0, STRATA_LANE_BOTTOM));
  g_assert_true (strata_lane_row_has_edge (row_at (rows, 2), 1, STRATA_LANE_TOP, 0, STRATA_LANE_MIDDLE));
  /* A parent that is not in the list (a missing file) draws no line. */
  g_assert_cmpuint (row_at (rows, 2)->n_edges, ==, 2);
}

static void
test_depends_on (void)
{
  g_autoptr(GPtrArray) revisions =
    make_revisions ((const char *[]) { "audit1:seed1", "price1:seed1", "seed1:", NULL });
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(StrataLaneRow) copy = NULL;

  /* audit depends on price (an id prefix, as Alembic allows) and on a
   * branch label; no revision depends on anything else. */
  strata_revision_set_depends_on (g_ptr_array_index (revisions, 0),
                                  (const char *[]) { "price", "pricing@head", NULL });
  rows = strata_timeline_layout_compute (revisions);
  g_assert_cmpstrv (row_at (rows, 0)->depends_on,
                    ((const char *[]) { "price1", "pricing@head", NULL }));
  g_assert_null (row_at (rows, 1)->depends_on);
  g_assert_null (row_at (rows, 2)->depends_on);

  /* The dependency draws no lane: the same lanes as without it. */
  g_assert_cmpuint (row_at (rows, 0)->node_lane, ==, 0);
  g_assert_cmpuint (row_at (rows, 1)->node_lane, ==, 1);
  g_assert_cmpuint (row_at (rows, 0)->n_edges, ==, 1);
  g_assert_cmpuint (row_at (rows, 0)->n_lanes, ==, 2);

  copy = strata_lane_row_copy (row_at (rows, 0));
  g_assert_cmpstrv (copy->depends_on, ((const char *[]) { "price1", "pricing@head", NULL }));
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = strata_timeline_layout_compute (revisions);

  g_assert_cmpuint (rows->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/timeline-layout/linear", test_linear);
  g_test_add_func ("/app/timeline-layout/branch-and-merge", test_branch_and_merge);
  g_test_add_func ("/app/timeline-layout/two-heads", test_two_heads_and_missing_parent);
  g_test_add_func ("/app/timeline-layout/depends-on", test_depends_on);
  g_test_add_func ("/app/timeline-layout/empty", test_empty);

  return g_test_run ();
}
