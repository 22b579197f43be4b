/* fuzz-target.c: libFuzzer target for Alembic's target syntax
 *
 * The input is a target (head, base, ids, prefixes, label@head, +N, rev-N,
 * …) resolved and planned on a small fixed graph with a branch point, a merge
 * and labels, from every state of the version table the graph allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <strata.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static StrataRevision *
revision (const char *id,
          const char *down,
          const char *label)
{
  StrataRevision *self = strata_revision_new (id, id);
  const char *downs[] = { NULL, NULL, NULL };
  const char *labels[] = { label, NULL };
  g_auto(GStrv) split = NULL;

  if (down != NULL)
    {
      split = g_strsplit (down, ",", -1);
      strata_revision_set_down_revisions (self, (const char * const *)split);
    }
  else
    strata_revision_set_down_revisions (self, downs);
  if (label != NULL)
    strata_revision_set_branch_labels (self, labels);
  strata_revision_set_sql (self, STRATA_DIRECTION_UPGRADE, "SELECT 1;");
  strata_revision_set_display_path (self, id);
  return self;
}

static StrataRevisionGraph *
make_graph (void)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  StrataRevisionGraph *graph;

  g_ptr_array_add (revisions, revision ("a1a1a1a1a1a1", NULL, NULL));
  g_ptr_array_add (revisions, revision ("b2b2b2b2b2b2", "a1a1a1a1a1a1", NULL));
  g_ptr_array_add (revisions, revision ("c3c3c3c3c3c3", "b2b2b2b2b2b2", "left"));
  g_ptr_array_add (revisions, revision ("d4d4d4d4d4d4", "b2b2b2b2b2b2", "right"));
  g_ptr_array_add (revisions, revision ("e5e5e5e5e5e5", "c3c3c3c3c3c3,d4d4d4d4d4d4", NULL));
  g_ptr_array_add (revisions, revision ("f6f6f6f6f6f6", NULL, "other"));
  graph = strata_revision_graph_new (revisions, &error);
  g_assert (graph != NULL);
  return graph;
}

static void
plan_all (StrataRevisionGraph *graph,
          const char          *target)
{
  static const char *states[][3] = {
    { NULL }, { "b2b2b2b2b2b2", NULL }, { "c3c3c3c3c3c3", "d4d4d4d4d4d4", NULL },
    { "e5e5e5e5e5e5", "f6f6f6f6f6f6", NULL }, { "c3c3c3c3c3c3", NULL },
  };

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    for (int d = STRATA_DIRECTION_UPGRADE; d <= STRATA_DIRECTION_DOWNGRADE; d++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) steps = strata_revision_graph_plan (graph, d, states[s], target,
                                                                 &error);
        g_assert ((steps == NULL) == (error != NULL));
        g_assert (error == NULL || error->domain == STRATA_ERROR);
      }
  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) steps = strata_revision_graph_plan_stamp (graph, states[s], target,
                                                                     FALSE, &error);
      g_assert ((steps == NULL) == (error != NULL));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static StrataRevisionGraph *graph;
  g_autofree char *target = NULL;
  g_autoptr(GPtrArray) resolved = NULL;
  g_autoptr(GError) error = NULL;

  if (graph == NULL)
    graph = make_graph ();
  /* A target comes from a command line: text without NUL bytes. */
  if (size > 256 || memchr (data, '\0', size) != NULL)
    return 0;
  target = g_strndup ((const char *)data, size);

  resolved = strata_revision_graph_resolve (graph, target, &error);
  g_assert ((resolved == NULL) == (error != NULL));
  plan_all (graph, target);
  {
    g_autoptr(GError) walk_error = NULL;
    g_autoptr(GPtrArray) walked = strata_revision_graph_walk (graph, NULL, target, &walk_error);
    g_assert ((walked == NULL) == (walk_error != NULL));
  }
  return 0;
}
