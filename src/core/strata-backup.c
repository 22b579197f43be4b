/* strata-backup.c: consistent copies of the database, listed and put back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-backup-private.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-lint.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-sql.h"
#include "strata-sql-lexer-private.h"
#include "strata-step.h"

#define SUFFIX         ".db"
#define PARTIAL_SUFFIX ".partial"

struct _StrataBackup
{
  GObject    parent_instance;

  GFile     *file;
  char      *name;
  char      *database_name;
  char      *revision;
  GDateTime *created;
};

G_DEFINE_FINAL_TYPE (StrataBackup, strata_backup, G_TYPE_OBJECT)

static void
strata_backup_finalize (GObject *object)
{
  StrataBackup *self = (StrataBackup *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->database_name, g_free);
  g_clear_pointer (&self->revision, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (strata_backup_parent_class)->finalize (object);
}

static void
strata_backup_class_init (StrataBackupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_backup_finalize;
}

static void
strata_backup_init (StrataBackup *self)
{
}

/* Names ------------------------------------------------------------------------ */

/* The database's file name without its extension. */
static char *
database_stem (GFile *database_file)
{
  g_autofree char *base = g_file_get_basename (database_file);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

/* Ids are joined by "+", and "-" separates the parts of the name, so
 * neither may appear inside one id. */
static char *
revision_part (const char * const *heads)
{
  g_autoptr(GString) part = g_string_new (NULL);

  if (heads == NULL || heads[0] == NULL)
    return g_strdup ("base");
  for (guint i = 0; heads[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (part, '+');
      for (const char *p = heads[i]; *p != '\0'; p++)
        g_string_append_c (part, g_ascii_isalnum (*p) || *p == '_' ? *p : '_');
    }
  return g_string_free (g_steal_pointer (&part), FALSE);
}

static char *
time_part (GDateTime *time)
{
  g_autofree char *seconds = g_date_time_format (time, "%Y%m%dT%H%M%S");
  return g_strdup_printf ("%s.%06dZ", seconds, g_date_time_get_microsecond (time));
}

StrataBackup *
strata_backup_new_for_file (GFile *file)
{
  g_autoptr(StrataBackup) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;
  char *time_dash;
  char *revision_dash;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  if (!g_str_has_suffix (name, SUFFIX))
    return NULL;
  stem = g_strndup (name, strlen (name) - strlen (SUFFIX));
  if (!(time_dash = strrchr (stem, '-')))
    return NULL;
  *time_dash = '\0';
  if (!(revision_dash = strrchr (stem, '-')) || revision_dash == stem)
    return NULL;
  *revision_dash = '\0';

  self = g_object_new (STRATA_TYPE_BACKUP, NULL);
  if (!(self->created = g_date_time_new_from_iso8601 (time_dash + 1, NULL)) ||
      revision_dash[1] == '\0')
    return NULL;
  self->file = g_object_ref (file);
  self->name = g_steal_pointer (&name);
  self->database_name = g_strdup (stem);
  self->revision = g_strdup (revision_dash + 1);
  return g_steal_pointer (&self);
}

/* Listing and pruning ------------------------------------------------------------ */

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  StrataBackup *first = *(StrataBackup * const *)a;
  StrataBackup *second = *(StrataBackup * const *)b;

  return g_date_time_compare (second->created, first->created);
}

static GPtrArray *
list_backups (GFile         *folder,
              const char    *stem,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (enumerator == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_steal_pointer (&backups);
  while (enumerator != NULL &&
         (info = g_file_enumerator_next_file (enumerator, cancellable, &local_error)))
    {
      g_autoptr(GFile) file = g_file_get_child (folder, g_file_info_get_name (info));
      StrataBackup *backup = strata_backup_new_for_file (file);

      if (backup != NULL && g_strcmp0 (backup->database_name, stem) == 0)
        g_ptr_array_add (backups, backup);
      else
        g_clear_object (&backup);
      g_object_unref (info);
    }
  if (local_error != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (folder);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("the backup folder %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  g_ptr_array_sort (backups, newest_first);
  return g_steal_pointer (&backups);
}

/* Deletes the oldest backups past backup_keep; a failure to delete one only
 * leaves an extra file, so it is not an error. */
static void
prune (StrataProject *project,
       GCancellable  *cancellable)
{
  g_autofree char *stem = database_stem (strata_project_get_database_file (project));
  g_autoptr(GPtrArray) backups = NULL;
  guint keep = strata_project_get_backup_keep (project);

  if (keep == 0 ||
      !(backups = list_backups (strata_project_get_backup_directory (project), stem,
                                cancellable, NULL)))
    return;
  for (guint i = keep; i < backups->len; i++)
    {
      StrataBackup *old = g_ptr_array_index (backups, i);
      g_file_delete (old->file, NULL, NULL);
    }
}

GPtrArray *
strata_backup_list (StrataProject  *project,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autofree char *stem = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  stem = database_stem (strata_project_get_database_file (project));
  return list_backups (strata_project_get_backup_directory (project), stem, cancellable, error);
}

/* Writing ------------------------------------------------------------------------ */

static gboolean
sync_path (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0 || errno == EINVAL;
  close (fd);
  return ok;
}

static gboolean
vacuum_into (StrataDatabase  *database,
             const char      *path,
             GError         **error)
{
  /* VACUUM INTO reads the database in one read transaction, so the copy is
   * a consistent snapshot even while others write. */
  if (_strata_database_vacuum_into (database, path) == SQLITE_DONE)
    return TRUE;
  strata_database_set_error (database, error, STRATA_ERROR_IO, _("cannot write a backup"));
  return FALSE;
}

static gboolean
make_folder (GFile   *folder,
             GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  if (g_file_make_directory_with_parents (folder, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        return TRUE;
      g_clear_error (&local_error);
      g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                           _("a file of that name is in the way"));
    }
  path = g_file_get_parse_name (folder);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("cannot create the backup folder %s: %s; fix “backup_dir” in strata.ini"),
               path, local_error->message);
  return FALSE;
}

static GFile *
new_backup_file (GFile              *folder,
                 const char         *stem,
                 const char * const *heads)
{
  g_autofree char *revision = revision_part (heads);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = time_part (now);
  g_autofree char *name = g_strdup_printf ("%s-%s-%s%s", stem, revision, time, SUFFIX);

  return g_file_get_child (folder, name);
}

/* Gives the finished copy its name with link(), which never replaces a
 * file: two processes backing up in the same microsecond both keep theirs. */
static GFile *
publish (const char          *partial,
         GFile               *folder,
         const char          *stem,
         const char * const  *heads,
         GError             **error)
{
  for (guint attempt = 0; attempt < 1000; attempt++)
    {
      g_autoptr(GFile) file = new_backup_file (folder, stem, heads);
      g_autofree char *path = g_file_get_path (file);

      if (link (partial, path) == 0)
        {
          g_unlink (partial);
          return g_steal_pointer (&file);
        }
      if (errno != EEXIST)
        {
          int saved = errno;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot write the backup %s: %s"),
                       path, g_strerror (saved));
          return NULL;
        }
      g_usleep (1);
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot name the backup in %s"), partial);
  return NULL;
}

/* A crash leaves at worst a hidden .partial file, never a backup that is not
 * whole; the process id keeps two processes out of each other's file. */
static GFile *
write_copy (StrataDatabase      *database,
            GFile               *folder,
            const char          *stem,
            const char * const  *heads,
            GError             **error)
{
  g_autofree char *folder_path = g_file_get_path (folder);
  g_autofree char *partial_name = g_strdup_printf (".%s.%d%s", stem, (int)getpid (),
                                                   PARTIAL_SUFFIX);
  g_autofree char *partial = NULL;
  GFile *file;

  if (folder_path == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("the backup folder is not a local folder; fix “backup_dir” in "
                     "strata.ini"));
      return NULL;
    }
  partial = g_build_filename (folder_path, partial_name, NULL);
  g_unlink (partial);
  if (!vacuum_into (database, partial, error))
    {
      g_unlink (partial);
      return NULL;
    }
  if (!sync_path (partial))
    {
      int saved = errno;
      g_unlink (partial);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot write the backup %s: %s"),
                   partial, g_strerror (saved));
      return NULL;
    }
  if ((file = publish (partial, folder, stem, heads, error)))
    sync_path (folder_path);
  else
    g_unlink (partial);
  return file;
}

StrataBackup *
_strata_backup_create_from (StrataProject   *project,
                            StrataDatabase  *database,
                            GCancellable    *cancellable,
                            GError         **error)
{
  GFile *folder = strata_project_get_backup_directory (project);
  g_autofree char *stem = database_stem (strata_project_get_database_file (project));
  g_auto(GStrv) heads = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !make_folder (folder, error) ||
      !(heads = strata_database_read_heads (database,
                                            strata_project_get_version_table (project),
                                            error)) ||
      !(file = write_copy (database, folder, stem, (const char * const *)heads, error)))
    return NULL;
  prune (project, cancellable);
  return strata_backup_new_for_file (file);
}

StrataBackup *
strata_backup_create (StrataProject  *project,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(database = strata_database_open (strata_project_get_database_file (project),
                                         STRATA_DATABASE_FLAGS_READ_ONLY, error)))
    return NULL;
  return _strata_backup_create_from (project, database, cancellable, error);
}

/* DROP TABLE, or ALTER TABLE … DROP COLUMN. The lint does not warn about a
 * downgrade dropping the table its upgrade created, but the rows written
 * since are lost all the same, so a backup counts every DROP. */
static gboolean
statement_drops (const char *text)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (text);

  if (_strata_sql_token_is (tokens, 0, "DROP"))
    return _strata_sql_token_is (tokens, 1, "TABLE");
  if (!_strata_sql_token_is (tokens, 0, "ALTER") || !_strata_sql_token_is (tokens, 1, "TABLE"))
    return FALSE;
  for (guint i = 3; i < tokens->len && i <= 5; i++)
    if (_strata_sql_token_is (tokens, i, "DROP"))
      return TRUE;
  return FALSE;
}

static gboolean
section_drops (StrataRevision  *revision,
               StrataDirection  direction)
{
  const char *sql = strata_revision_get_sql (revision, direction);
  g_autoptr(GPtrArray) statements = strata_sql_split (sql != NULL ? sql : "");
  g_autoptr(GPtrArray) warnings = NULL;

  for (guint i = 0; i < statements->len; i++)
    if (statement_drops (((StrataStatement *)g_ptr_array_index (statements, i))->text))
      return TRUE;
  /* Whatever else the lint counts as data loss. Without a graph it reads
   * the statements and runs nothing. */
  warnings = strata_lint_revision (revision, NULL, NULL, NULL, NULL);
  for (guint w = 0; warnings != NULL && w < warnings->len; w++)
    {
      StrataLintWarning *warning = g_ptr_array_index (warnings, w);

      if (warning->code == STRATA_LINT_DATA_LOSS && warning->direction == direction)
        return TRUE;
    }
  return FALSE;
}

gboolean
_strata_backup_steps_destroy (GPtrArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      StrataRevision *revision = strata_step_get_revision (step);
      StrataDirection direction = strata_step_get_direction (step);

      if (revision != NULL && direction != STRATA_DIRECTION_STAMP &&
          section_drops (revision, direction))
        return TRUE;
    }
  return FALSE;
}

/* Restoring ---------------------------------------------------------------------- */

static GFile *
resolve_name (StrataProject *project,
              const char    *name)
{
  /* A bare name is in the backup folder; anything with a slash is a path. */
  if (strchr (name, G_DIR_SEPARATOR) != NULL)
    return g_file_new_for_commandline_arg (name);
  return g_file_get_child (strata_project_get_backup_directory (project), name);
}

static gboolean
check_source (StrataDatabase  *source,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (strata_database_get_handle (source), "PRAGMA quick_check", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      strata_database_set_error (source, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }
  if (g_strcmp0 (result, "ok") == 0)
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
               _("%s is damaged (%s); it was not restored, pick another backup"),
               _strata_database_get_display_name (source), result);
  return FALSE;
}

static StrataDatabase *
open_source (StrataProject  *project,
             const char     *name,
             GError        **error)
{
  g_autoptr(GFile) file = resolve_name (project, name);
  g_autoptr(StrataDatabase) source = NULL;
  g_autofree char *path = g_file_get_parse_name (file);

  if (!g_file_query_exists (file, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("no backup named %s; “strata-cli backups” lists them"), path);
      return NULL;
    }
  if (!(source = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, error)) ||
      !check_source (source, error))
    return NULL;
  return g_steal_pointer (&source);
}

/* All pages in one step: the destination changes in a single write
 * transaction, committed whole or rolled back. */
static gboolean
copy_into (StrataDatabase  *source,
           StrataDatabase  *target,
           GError         **error)
{
  sqlite3 *db = strata_database_get_handle (target);
  sqlite3_backup *backup = sqlite3_backup_init (db, "main",
                                                strata_database_get_handle (source), "main");
  int rc;

  if (backup == NULL)
    {
      strata_database_set_error (target, error, STRATA_ERROR_DATABASE, _("cannot restore"));
      return FALSE;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE)
    return TRUE;
  strata_database_set_error (target, error, STRATA_ERROR_DATABASE, _("cannot restore"));
  return FALSE;
}

StrataBackup *
strata_backup_restore (StrataProject  *project,
                       const char     *name,
                       GCancellable   *cancellable,
                       GError        **error)
{
  GFile *database_file;
  g_autoptr(StrataDatabase) source = NULL;
  g_autoptr(StrataDatabase) target = NULL;
  g_autoptr(StrataBackup) replaced = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  database_file = strata_project_get_database_file (project);
  if (!(source = open_source (project, name, error)))
    return NULL;

  if (g_file_query_exists (database_file, NULL))
    {
      if (!(target = strata_database_open (database_file, STRATA_DATABASE_FLAGS_NONE, error)) ||
          !(replaced = _strata_backup_create_from (project, target, cancellable, error)))
        return NULL;
    }
  else if (!(target = strata_database_open (database_file, STRATA_DATABASE_FLAGS_CREATE, error)))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !copy_into (source, target, error))
    return NULL;
  prune (project, cancellable);
  return g_steal_pointer (&replaced);
}

/* Asynchronous twins --------------------------------------------------------------- */

static void
create_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  StrataBackup *backup = strata_backup_create (task_data, cancellable, &error);

  if (backup != NULL)
    g_task_return_pointer (task, backup, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_backup_create_async (StrataProject       *project,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (project));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_backup_create_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  g_task_run_in_thread (task, create_worker);
}

StrataBackup *
strata_backup_create_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *backups = strata_backup_list (task_data, cancellable, &error);

  if (backups != NULL)
    g_task_return_pointer (task, backups, (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
strata_backup_list_async (StrataProject       *project,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (project));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_backup_list_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  g_task_run_in_thread (task, list_worker);
}

GPtrArray *
strata_backup_list_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  StrataProject *project;
  char          *name;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->project);
  g_clear_pointer (&data->name, g_free);
  g_free (data);
}

static void
restore_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *data = task_data;
  GError *error = NULL;
  StrataBackup *replaced = strata_backup_restore (data->project, data->name, cancellable, &error);

  /* NULL without an error: there was nothing to replace. */
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, replaced, g_object_unref);
}

void
strata_backup_restore_async (StrataProject       *project,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *data;

  g_return_if_fail (STRATA_IS_PROJECT (project));
  g_return_if_fail (name != NULL);

  data = g_new0 (RestoreData, 1);
  data->project = g_object_ref (project);
  data->name = g_strdup (name);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_backup_restore_async);
  g_task_set_task_data (task, data, (GDestroyNotify)restore_data_free);
  g_task_run_in_thread (task, restore_worker);
}

StrataBackup *
strata_backup_restore_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Accessors -------------------------------------------------------------------- */

GFile *
strata_backup_get_file (StrataBackup *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUP (self), NULL);
  return self->file;
}

const char *
strata_backup_get_name (StrataBackup *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUP (self), NULL);
  return self->name;
}

const char *
strata_backup_get_database_name (StrataBackup *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUP (self), NULL);
  return self->database_name;
}

const char *
strata_backup_get_revision (StrataBackup *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUP (self), NULL);
  return self->revision;
}

GDateTime *
strata_backup_get_created (StrataBackup *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUP (self), NULL);
  return self->created;
}

goffset
strata_backup_get_size (StrataBackup *self)
{
  g_autoptr(GFileInfo) info = NULL;

  g_return_val_if_fail (STRATA_IS_BACKUP (self), -1);

  info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  return info != NULL ? g_file_info_get_size (info) : -1;
}
