/* graph-test.c: building revision graphs from a line of text, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "graph-test.h"

StrataRevisionGraph *
graph_test_new (const char  *spec,
                GError     **error)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) tokens = g_strsplit_set (spec, " \n", -1);
  guint n = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *token = tokens[i];
      char *labels = strchr (token, '#');
      char *deps;
      char *down;
      g_autoptr(StrataRevision) revision = NULL;
      g_autofree char *path = NULL;

      if (*token == '\0')
        continue;
      if (labels != NULL)
        *labels++ = '\0';
      if ((deps = strchr (token, '~')) != NULL)
        *deps++ = '\0';
      if ((down = strchr (token, '<')) != NULL)
        *down++ = '\0';

      revision = strata_revision_new (token, token);
      path = g_strdup_printf ("versions/%03u_%s.sql", ++n, token);
      strata_revision_set_display_path (revision, path);
      if (down != NULL)
        {
          g_auto(GStrv) ids = g_strsplit (down, ",", -1);
          strata_revision_set_down_revisions (revision, (const char * const *)ids);
        }
      if (deps != NULL)
        {
          g_auto(GStrv) ids = g_strsplit (deps, ",", -1);
          strata_revision_set_depends_on (revision, (const char * const *)ids);
        }
      if (labels != NULL)
        {
          g_auto(GStrv) names = g_strsplit (labels, ",", -1);
          strata_revision_set_branch_labels (revision, (const char * const *)names);
        }
      g_ptr_array_add (revisions, g_steal_pointer (&revision));
    }

  return strata_revision_graph_new (revisions, error);
}

StrataRevisionGraph *
graph_test_make (const char *spec)
{
  g_autoptr(GError) error = NULL;
  StrataRevisionGraph *graph = graph_test_new (spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

char *
graph_test_ids (GPtrArray *revisions)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < revisions->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            strata_revision_get_id (g_ptr_array_index (revisions, i)));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

