/* strata-revision-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-revision-parser-private.h"

/* Writing ------------------------------------------------------------------ */

static void
append_list (GString            *out,
             const char         *key,
             const char * const *values)
{
  g_autofree char *joined = g_strjoinv (", ", (char **)values);

  if (joined[0] != '\0')
    g_string_append_printf (out, "-- %s: %s\n", key, joined);
  else
    g_string_append_printf (out, "-- %s:\n", key);
}

static void
append_section (GString        *out,
                StrataRevision *self,
                const char     *name,
                Section        *section)
{
  const char *sql = _strata_revision_section_sql (self, section);

  g_string_append_printf (out, "-- migrate:%s%s\n", name,
                          section->transactional ? "" : " transaction:false");
  g_string_append (out, sql);
  if (sql[0] != '\0' && !g_str_has_suffix (sql, "\n"))
    g_string_append_c (out, '\n');
}

char *
strata_revision_to_data (StrataRevision *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) message_lines = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);

  message_lines = g_strsplit (self->message, "\n", -1);
  for (guint i = 0; message_lines[i] != NULL; i++)
    g_string_append_printf (out, "-- %s\n", message_lines[i]);
  g_string_append (out, "--\n");
  for (guint i = 0; self->extra_before != NULL && i < self->extra_before->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_before, i));
  g_string_append_printf (out, "-- Revision ID: %s\n", self->id);
  append_list (out, "Revises", (const char * const *)self->down_revisions);
  g_string_append_printf (out, "-- Create Date: %s\n", self->create_date);
  if (self->branch_labels[0] != NULL)
    append_list (out, "Branch Labels", (const char * const *)self->branch_labels);
  if (self->depends_on[0] != NULL)
    append_list (out, "Depends On", (const char * const *)self->depends_on);
  for (guint i = 0; self->extra_after != NULL && i < self->extra_after->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_after, i));
  g_string_append_c (out, '\n');

  append_section (out, self, "upgrade", &self->sections[0]);
  if (!g_str_has_suffix (out->str, "\n\n"))
    g_string_append_c (out, '\n');
  append_section (out, self, "downgrade", &self->sections[1]);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_python_module (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".py");
}

/* A revision read from an Alembic project is its Python module: writing
 * SQL over it would destroy the user's code. */
static gboolean
check_writable (GFile   *file,
                GError **error)
{
  g_autofree char *path = NULL;

  g_assert (G_IS_FILE (file));

  if (!is_python_module (file))
    return TRUE;
  path = g_file_get_parse_name (file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("%s is an Alembic revision (Python), which Strata does not edit; convert "
                 "the project with “strata-cli init NEWDIR --from-alembic DIR” first"),
               path);
  return FALSE;
}

/* Touches nothing but @file and @data, so that it may run on a worker. */
static gboolean
write_data (GFile         *file,
            const char    *data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_assert (G_IS_FILE (file));
  g_assert (data != NULL);

  /* g_file_replace_contents() writes a temporary file and renames it, so a
   * crash while saving never leaves half a revision on disk. */
  if (g_file_replace_contents (file, data, strlen (data), NULL, FALSE,
                               G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    return TRUE;
  path = g_file_get_parse_name (file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("%s: cannot save the revision: %s"), path, local_error->message);
  return FALSE;
}

/* After @data was written to @file: line numbers follow the file as
 * written, and the revision is now that file's. */
static void
adopt_written (StrataRevision *self,
               GFile          *file,
               const char     *data)
{
  g_autoptr(StrataRevision) reread = strata_revision_new_from_data (NULL, data, -1, NULL);

  g_assert (STRATA_IS_REVISION (self));

  if (reread != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
      self->sections[i].line = reread->sections[i].line;
  strata_revision_set_file (self, file);
}

gboolean
strata_revision_save (StrataRevision  *self,
                      GFile           *file,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autofree char *data = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!check_writable (file, error))
    return FALSE;
  data = strata_revision_to_data (self);
  if (!write_data (file, data, cancellable, error))
    return FALSE;
  adopt_written (self, file, data);
  return TRUE;
}

typedef struct
{
  GFile *file;
  char  *data;
} Saving;

static void
saving_free (Saving *saving)
{
  g_clear_object (&saving->file);
  g_clear_pointer (&saving->data, g_free);
  g_free (saving);
}

static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Saving *saving = task_data;
  GError *error = NULL;

  if (write_data (saving->file, saving->data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
strata_revision_save_async (StrataRevision      *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Saving *saving;

  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_revision_save_async);
  if (!check_writable (file, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The worker is handed the file's text, rendered here: the revision
   * itself is only touched on this thread, by the _finish. */
  saving = g_new0 (Saving, 1);
  saving->file = g_object_ref (file);
  saving->data = strata_revision_to_data (self);
  g_task_set_task_data (task, saving, (GDestroyNotify)saving_free);
  g_task_run_in_thread (task, save_worker);
}

gboolean
strata_revision_save_finish (StrataRevision  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  Saving *saving;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  saving = g_task_get_task_data (G_TASK (result));
  adopt_written (self, saving->file, saving->data);
  return TRUE;
}

