/* strata-project-revisions.c: new revision files, from the project's template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-project-settings-private.h"
#include "strata-revision-private.h"
#include "strata-revision-graph.h"

static char *
join_ids (const char * const *ids)
{
  return g_strjoinv (", ", (char **)ids);
}

/* ${name} placeholders of the template; an unknown one is kept as written. */
static char *
expand_template (const char     *text,
                 StrataRevision *revision)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *down = join_ids (strata_revision_get_down_revisions (revision));
  g_autofree char *labels = join_ids (strata_revision_get_branch_labels (revision));
  g_autofree char *depends = join_ids (strata_revision_get_depends_on (revision));
  const char *names[] = { "message", "revision", "down_revisions", "create_date",
                          "branch_labels", "depends_on" };
  const char *values[] = { strata_revision_get_message (revision),
                           strata_revision_get_id (revision), down,
                           strata_revision_get_create_date (revision), labels, depends };
  const char *p = text;

  while (*p != '\0')
    {
      const char *end;
      gboolean replaced = FALSE;

      if (p[0] != '$' || p[1] != '{' || !(end = strchr (p, '}')))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (names) && !replaced; i++)
        if (strlen (names[i]) == (gsize)(end - p - 2) &&
            strncmp (p + 2, names[i], end - p - 2) == 0)
          {
            g_string_append (out, values[i]);
            replaced = TRUE;
          }
      if (!replaced)
        g_string_append_len (out, p, end - p + 1);
      p = end + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Gives @revision the sections and extra header lines of the project's
 * template, as Alembic renders script.py.mako; a project without one gets
 * empty sections. */
static StrataRevision *
apply_template (const StrataProjectSettings  *self,
                StrataRevision               *revision,
                GError                      **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *display = NULL;
  g_autoptr(StrataRevision) templated = NULL;

  if (!g_file_load_contents (self->template_file, NULL, &contents, NULL, NULL, NULL))
    return g_object_ref (revision);

  display = _strata_project_settings_display_path (self, self->template_file);
  expanded = expand_template (contents, revision);
  if (!(templated = strata_revision_new_from_data (display, expanded, -1, error)))
    return NULL;

  /* What the caller asked for wins over whatever the template wrote. */
  strata_revision_set_id (templated, strata_revision_get_id (revision));
  strata_revision_set_message (templated, strata_revision_get_message (revision));
  strata_revision_set_create_date (templated, strata_revision_get_create_date (revision));
  strata_revision_set_down_revisions (templated, strata_revision_get_down_revisions (revision));
  strata_revision_set_branch_labels (templated, strata_revision_get_branch_labels (revision));
  strata_revision_set_depends_on (templated, strata_revision_get_depends_on (revision));
  strata_revision_set_display_path (templated, NULL);
  return g_steal_pointer (&templated);
}

static char *
now_as_create_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* Alembic's format: str(datetime.now()). */
  return g_date_time_format (now, "%Y-%m-%d %H:%M:%S.%f");
}

/* Checks the new revision against the graph (duplicate id or label, a
 * Depends On naming nothing) before anything is written. */
static gboolean
validate_in_graph (StrataRevisionGraph  *graph,
                   StrataRevision       *revision,
                   GError              **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(StrataRevisionGraph) extended = NULL;

  if (graph != NULL)
    {
      GPtrArray *revisions = strata_revision_graph_get_revisions (graph);

      for (guint i = 0; i < revisions->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (revisions, i)));
    }
  g_ptr_array_add (all, g_object_ref (revision));
  extended = strata_revision_graph_new (all, error);
  return extended != NULL;
}

static StrataRevision *
write_revision (StrataProject        *self,
                StrataRevisionGraph  *graph,
                StrataRevision       *revision,
                GError              **error)
{
  g_autoptr(StrataProjectSettings) settings = _strata_project_get_settings (self);
  g_autoptr(StrataRevision) templated = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *create_date = now_as_create_date ();
  g_autoptr(GFile) file = NULL;

  strata_revision_set_create_date (revision, create_date);
  /* The id names the file: checked before anything is written. */
  if (!_strata_revision_check_id (strata_revision_get_id (revision), NULL, error) ||
      !validate_in_graph (graph, revision, error))
    return NULL;
  if (!(templated = apply_template (settings, revision, error)) ||
      !_strata_revision_check_id (strata_revision_get_id (templated), NULL, error))
    return NULL;

  file_name = strata_revision_make_file_name (strata_revision_get_id (templated),
                                              strata_revision_get_message (templated));
  file = g_file_get_child (settings->versions_directory, file_name);
  if (g_file_query_exists (file, NULL))
    {
      g_autofree char *display = strata_project_get_display_path (self, file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DUPLICATE,
                   _("%s already exists; choose another revision id"), display);
      return NULL;
    }
  if (!strata_revision_save (templated, file, NULL, error))
    return NULL;
  {
    g_autofree char *display = strata_project_get_display_path (self, file);
    strata_revision_set_display_path (templated, display);
  }
  return g_steal_pointer (&templated);
}

/* Alembic's default: the single head, or an error naming the heads. */
static GStrv
default_heads (StrataRevisionGraph  *graph,
               GError              **error)
{
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (graph == NULL || strata_revision_graph_get_n_revisions (graph) == 0)
    return g_new0 (char *, 1);

  heads = strata_revision_graph_get_heads (graph);
  if (heads->len > 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
                   _("Multiple heads are present; please specify the head revision on which "
                     "the new revision should be based, or perform a merge."));
      return NULL;
    }
  g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (heads, 0)));
  return g_strv_builder_end (builder);
}

static gboolean
is_head (StrataRevisionGraph *graph,
         StrataRevision      *revision)
{
  g_autoptr(GPtrArray) children = strata_revision_graph_get_children (graph, revision);
  return children->len == 0;
}

/* The ids that @specs name; with @heads_only each must be a head, unless the
 * caller splices a new branch. */
static GStrv
resolve_ids (StrataRevisionGraph  *graph,
             const char * const   *specs,
             gboolean              heads_only,
             GError              **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) resolved = NULL;

      if (g_strcmp0 (specs[i], "base") == 0)
        continue;
      if (graph == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("No such revision or branch '%s'"), specs[i]);
          return NULL;
        }
      if (!(resolved = strata_revision_graph_resolve (graph, specs[i], error)))
        return NULL;
      for (guint j = 0; j < resolved->len; j++)
        {
          StrataRevision *revision = g_ptr_array_index (resolved, j);
          const char *id = strata_revision_get_id (revision);

          if (heads_only && !is_head (graph, revision))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                           _("Revision %s is not a head revision; please specify --splice "
                             "to create a new branch from this revision"), id);
              return NULL;
            }
          if (g_hash_table_add (seen, (gpointer)id))
            g_strv_builder_add (builder, id);
        }
    }
  return g_strv_builder_end (builder);
}

/* Alembic keeps a branch label in Depends On as written, and completes a
 * prefix to the full id. */
static GStrv
resolve_depends_on (StrataRevisionGraph  *graph,
                    const char * const   *specs,
                    GError              **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) resolved = NULL;
      StrataRevision *revision;

      if (graph == NULL || !(resolved = strata_revision_graph_resolve (graph, specs[i], error)))
        {
          if (graph == NULL)
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                         _("No such revision or branch '%s'"), specs[i]);
          return NULL;
        }
      if (resolved->len != 1)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                       _("“%s” names %u revisions; a dependency names one"),
                       specs[i], resolved->len);
          return NULL;
        }
      revision = g_ptr_array_index (resolved, 0);
      if (g_strv_contains (strata_revision_get_branch_labels (revision), specs[i]))
        g_strv_builder_add (builder, specs[i]);
      else
        g_strv_builder_add (builder, strata_revision_get_id (revision));
    }
  return g_strv_builder_end (builder);
}

StrataRevision *
strata_project_create_revision (StrataProject        *self,
                                StrataRevisionGraph  *graph,
                                const char           *message,
                                const char * const   *heads,
                                const char           *branch_label,
                                const char * const   *depends_on,
                                const char           *rev_id,
                                gboolean              splice,
                                GError              **error)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) down = NULL;
  g_auto(GStrv) depends = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph), NULL);

  if (!strata_project_check_runnable (self, error))
    return NULL;
  if (heads == NULL)
    down = default_heads (graph, error);
  else
    down = resolve_ids (graph, heads, !splice, error);
  if (down == NULL || !(depends = resolve_depends_on (graph, depends_on, error)))
    return NULL;

  id = rev_id != NULL ? g_strdup (rev_id) : strata_revision_generate_id ();
  revision = strata_revision_new (id, message);
  strata_revision_set_down_revisions (revision, (const char * const *)down);
  strata_revision_set_depends_on (revision, (const char * const *)depends);
  if (branch_label != NULL && branch_label[0] != '\0')
    strata_revision_set_branch_labels (revision, (const char *[]) { branch_label, NULL });

  return write_revision (self, graph, revision, error);
}

StrataRevision *
strata_project_create_merge (StrataProject        *self,
                             StrataRevisionGraph  *graph,
                             const char           *message,
                             const char * const   *revisions,
                             GError              **error)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) down = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);
  g_return_val_if_fail (revisions != NULL, NULL);

  if (!strata_project_check_runnable (self, error))
    return NULL;
  if (!(down = resolve_ids (graph, revisions, FALSE, error)))
    return NULL;
  if (g_strv_length (down) < 2)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("a merge needs at least two revisions, and “%s” names %u"),
                   revisions[0] != NULL ? revisions[0] : "", g_strv_length (down));
      return NULL;
    }

  id = strata_revision_generate_id ();
  revision = strata_revision_new (id, message);
  strata_revision_set_down_revisions (revision, (const char * const *)down);
  return write_revision (self, graph, revision, error);
}

typedef struct
{
  StrataRevisionGraph *graph;
  char                *message;
  GStrv                heads;
  char                *branch_label;
  GStrv                depends_on;
  char                *rev_id;
  gboolean             splice;
} CreateRevision;

static void
create_revision_free (CreateRevision *data)
{
  g_clear_object (&data->graph);
  g_clear_pointer (&data->message, g_free);
  g_clear_pointer (&data->heads, g_strfreev);
  g_clear_pointer (&data->branch_label, g_free);
  g_clear_pointer (&data->depends_on, g_strfreev);
  g_clear_pointer (&data->rev_id, g_free);
  g_free (data);
}

static void
create_revision_worker (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  CreateRevision *data = task_data;
  GError *error = NULL;
  StrataRevision *revision;

  revision = strata_project_create_revision (source_object, data->graph, data->message,
                                             (const char * const *)data->heads,
                                             data->branch_label,
                                             (const char * const *)data->depends_on,
                                             data->rev_id, data->splice, &error);
  if (revision != NULL)
    g_task_return_pointer (task, revision, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_project_create_revision_async (StrataProject        *self,
                                      StrataRevisionGraph  *graph,
                                      const char           *message,
                                      const char * const   *heads,
                                      const char           *branch_label,
                                      const char * const   *depends_on,
                                      const char           *rev_id,
                                      gboolean              splice,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateRevision *data;

  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_return_if_fail (graph == NULL || STRATA_IS_REVISION_GRAPH (graph));

  data = g_new0 (CreateRevision, 1);
  data->graph = graph != NULL ? g_object_ref (graph) : NULL;
  data->message = g_strdup (message);
  data->heads = g_strdupv ((GStrv)heads);
  data->branch_label = g_strdup (branch_label);
  data->depends_on = g_strdupv ((GStrv)depends_on);
  data->rev_id = g_strdup (rev_id);
  data->splice = splice;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_project_create_revision_async);
  g_task_set_task_data (task, data, (GDestroyNotify)create_revision_free);
  g_task_run_in_thread (task, create_revision_worker);
}

StrataRevision *
strata_project_create_revision_finish (StrataProject  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
