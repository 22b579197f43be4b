/* strata-backup.c: consistent copies of the database, listed and put back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-backup-private.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-project.h"

#define SUFFIX         ".db"
#define PARTIAL_SUFFIX ".partial"
/* Hex digits of the owner tag: a 1 in 4 billion chance for two databases
 * sharing a backup folder and a file name to share a tag too. */
#define OWNER_LENGTH   8

struct _StrataBackup
{
  GObject    parent_instance;

  GFile     *file;
  char      *name;
  char      *database_name;
  char      *revision;
  GDateTime *created;
  char      *owner;   /* NULL for a backup named before owners were */
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
  g_clear_pointer (&self->owner, g_free);

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

/* Which database a backup belongs to, in its name: two databases of the
 * same file name (a staging copy beside the real one) may share a backup
 * folder, and one must never prune or restore the other's backups. A hash of
 * the database's absolute path, its folder's symbolic links resolved. */
static char *
database_owner (GFile *database_file)
{
  g_autofree char *path = g_file_get_path (database_file);
  g_autofree char *folder = NULL;
  g_autofree char *base = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *digest = NULL;
  char real[PATH_MAX];

  if (path == NULL)
    path = g_file_get_uri (database_file);
  folder = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  if (realpath (folder, real) != NULL)
    resolved = g_build_filename (real, base, NULL);
  else
    resolved = g_canonicalize_filename (path, NULL);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, resolved, -1);
  return g_strndup (digest, OWNER_LENGTH);
}

static gboolean
is_owner_tag (const char *text)
{
  if (strlen (text) != OWNER_LENGTH)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
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
  g_autofree char *owner = NULL;
  char *owner_dash;
  char *time_dash;
  char *revision_dash;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  if (!g_str_has_suffix (name, SUFFIX))
    return NULL;
  stem = g_strndup (name, strlen (name) - strlen (SUFFIX));
  /* "…Z-1a2b3c4d": the owner's tag after the time, which ends in "Z". */
  if ((owner_dash = strrchr (stem, '-')) && owner_dash > stem && owner_dash[-1] == 'Z' &&
      is_owner_tag (owner_dash + 1))
    {
      owner = g_strdup (owner_dash + 1);
      *owner_dash = '\0';
    }
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
  self->owner = g_steal_pointer (&owner);
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

/* A backup of @stem whose owner is @owner, or (with @older) one named
 * before backups had owners, which may be that database's. */
static gboolean
belongs_to (StrataBackup *backup,
            const char   *stem,
            const char   *owner,
            gboolean      older)
{
  return g_strcmp0 (backup->database_name, stem) == 0 &&
         (g_strcmp0 (backup->owner, owner) == 0 || (older && backup->owner == NULL));
}

static GPtrArray *
list_backups (GFile         *folder,
              GFile         *database_file,
              gboolean       older,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stem = database_stem (database_file);
  g_autofree char *owner = database_owner (database_file);
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

      if (backup != NULL && belongs_to (backup, stem, owner, older))
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
 * leaves an extra file, so it is not an error. Only backups that name this
 * database as their owner count: never another's, nor one of unknown owner. */
static void
prune (StrataProject *project,
       GCancellable  *cancellable)
{
  g_autoptr(GPtrArray) backups = NULL;
  guint keep = strata_project_get_backup_keep (project);

  if (keep == 0 ||
      !(backups = list_backups (strata_project_get_backup_directory (project),
                                strata_project_get_database_file (project), FALSE,
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
  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  return list_backups (strata_project_get_backup_directory (project),
                       strata_project_get_database_file (project), TRUE, cancellable, error);
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

/* Who hears how far a copy is, and how to tell. */
typedef struct
{
  StrataBackupProgressFunc  func;
  gpointer                  user_data;
  char                     *database_name;
  const char               *partial;
  goffset                   size;
  double                    reported;
  GCancellable             *cancellable;
} Progress;

static void
report (Progress *progress,
        double    fraction)
{
  if (progress->func == NULL)
    return;
  progress->reported = fraction;
  progress->func (progress->database_name, progress->size, fraction, progress->user_data);
}

/* SQLite's progress handler, every few thousand instructions of the VACUUM:
 * how much of the copy is written, told by the size of the partial file,
 * and a cancelled run stops the copy. */
static int
vacuum_progress_cb (void *data)
{
  Progress *progress = data;
  struct stat info;
  double fraction;

  if (g_cancellable_is_cancelled (progress->cancellable))
    return 1;
  if (progress->func == NULL || progress->size <= 0 || stat (progress->partial, &info) != 0)
    return 0;
  fraction = MIN (0.99, (double)info.st_size / progress->size);
  if (fraction - progress->reported >= 0.01)
    report (progress, fraction);
  return 0;
}

static goffset
database_size (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  goffset size = 0;

  if (sqlite3_prepare_v2 (db, "SELECT page_count * page_size FROM pragma_page_count(), "
                              "pragma_page_size()", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    size = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return size;
}

static gboolean
vacuum_into (StrataDatabase  *database,
             const char      *path,
             Progress        *progress,
             GError         **error)
{
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3_stmt *stmt = NULL;
  int rc;

  progress->partial = path;
  progress->size = database_size (db);
  report (progress, 0.0);
  sqlite3_progress_handler (db, 10000, vacuum_progress_cb, progress);
  /* VACUUM INTO reads the database in one read transaction, so the copy is
   * a consistent snapshot even while others write. */
  rc = sqlite3_prepare_v2 (db, "VACUUM INTO ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    {
      /* As in _strata_database_vacuum_into(): the copy evaluates nothing of
       * the schema, so trusting it for this one statement is safe, and a JSON
       * index or check does not make the backup fail. */
      sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
      rc = sqlite3_step (stmt);
      sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    }
  sqlite3_finalize (stmt);
  sqlite3_progress_handler (db, 0, NULL, NULL);
  if (rc == SQLITE_DONE)
    {
      report (progress, 1.0);
      return TRUE;
    }
  if (rc == SQLITE_INTERRUPT && g_cancellable_set_error_if_cancelled (progress->cancellable, error))
    return FALSE;
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
                 GFile              *database_file,
                 const char * const *heads)
{
  g_autofree char *stem = database_stem (database_file);
  g_autofree char *owner = database_owner (database_file);
  g_autofree char *revision = revision_part (heads);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = time_part (now);
  g_autofree char *name = g_strdup_printf ("%s-%s-%s-%s%s", stem, revision, time, owner,
                                           SUFFIX);

  return g_file_get_child (folder, name);
}

/* Gives the finished copy its name with link(), which never replaces a
 * file: two processes backing up in the same microsecond both keep theirs. */
static GFile *
publish (const char          *partial,
         GFile               *folder,
         GFile               *database_file,
         const char * const  *heads,
         GError             **error)
{
  for (guint attempt = 0; attempt < 1000; attempt++)
    {
      g_autoptr(GFile) file = new_backup_file (folder, database_file, heads);
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

/* The process that wrote ".<stem>.<pid>.partial" (or its journal), if
 * @name is such a file. */
static gboolean
partial_writer (const char *name,
                pid_t      *pid)
{
  const char *suffix = strstr (name, PARTIAL_SUFFIX);
  const char *digits;
  char *end = NULL;
  guint64 value;

  if (name[0] != '.' || suffix == NULL || suffix == name + 1 ||
      (suffix[strlen (PARTIAL_SUFFIX)] != '\0' && suffix[strlen (PARTIAL_SUFFIX)] != '-'))
    return FALSE;
  for (digits = suffix; digits > name + 1 && g_ascii_isdigit (digits[-1]); digits--)
    ;
  if (digits == suffix || digits[-1] != '.')
    return FALSE;
  value = g_ascii_strtoull (digits, &end, 10);
  if (end != suffix || value == 0 || value > G_MAXINT)
    return FALSE;
  *pid = (pid_t)value;
  return TRUE;
}

/* What a killed backup left: the partial files of processes that are gone.
 * A process still running (kill() finds it) may be writing its own. */
static void
remove_stale_partials (const char *folder_path)
{
  g_autoptr(GDir) dir = g_dir_open (folder_path, 0, NULL);
  const char *name;
  pid_t pid;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      if (!partial_writer (name, &pid) || pid == getpid () ||
          kill (pid, 0) == 0 || errno != ESRCH)
        continue;
      g_autofree char *path = g_build_filename (folder_path, name, NULL);
      g_unlink (path);
    }
}

/* A crash leaves at worst a hidden .partial file, never a backup that is not
 * whole, and the next backup into the folder removes it; the process id keeps
 * two processes out of each other's file. */
static GFile *
write_copy (StrataDatabase      *database,
            GFile               *folder,
            GFile               *database_file,
            const char * const  *heads,
            Progress            *progress,
            GError             **error)
{
  g_autofree char *folder_path = g_file_get_path (folder);
  g_autofree char *stem = database_stem (database_file);
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
  remove_stale_partials (folder_path);
  partial = g_build_filename (folder_path, partial_name, NULL);
  g_unlink (partial);
  if (!vacuum_into (database, partial, progress, error))
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
  if ((file = publish (partial, folder, database_file, heads, error)))
    sync_path (folder_path);
  else
    g_unlink (partial);
  return file;
}

/* The copy alone, nothing pruned. */
static StrataBackup *
copy_database (StrataProject   *project,
               StrataDatabase  *database,
               Progress        *progress,
               GCancellable    *cancellable,
               GError         **error)
{
  GFile *folder = strata_project_get_backup_directory (project);
  GFile *database_file = strata_project_get_database_file (project);
  g_autofree char *database_name = g_file_get_basename (database_file);
  g_auto(GStrv) heads = NULL;
  g_autoptr(GFile) file = NULL;

  progress->database_name = database_name;
  progress->cancellable = cancellable;
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !make_folder (folder, error) ||
      !(heads = strata_database_read_heads (database,
                                            strata_project_get_version_table (project),
                                            error)) ||
      !(file = write_copy (database, folder, database_file, (const char * const *)heads,
                           progress, error)))
    return NULL;
  return strata_backup_new_for_file (file);
}

StrataBackup *
_strata_backup_create_with_progress (StrataProject            *project,
                                     StrataDatabase           *database,
                                     StrataBackupProgressFunc  func,
                                     gpointer                  user_data,
                                     GCancellable             *cancellable,
                                     GError                  **error)
{
  Progress progress = { func, user_data };
  StrataBackup *backup;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);

  if ((backup = copy_database (project, database, &progress, cancellable, error)))
    prune (project, cancellable);
  return backup;
}

StrataBackup *
_strata_backup_create_from (StrataProject   *project,
                            StrataDatabase  *database,
                            GCancellable    *cancellable,
                            GError         **error)
{
  return _strata_backup_create_with_progress (project, database, NULL, NULL, cancellable, error);
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

/* A backup named by this project for this very database. */
static gboolean
is_own_backup (StrataProject *project,
               GFile         *file)
{
  GFile *database_file = strata_project_get_database_file (project);
  g_autoptr(StrataBackup) backup = strata_backup_new_for_file (file);
  g_autofree char *stem = database_stem (database_file);
  g_autofree char *owner = database_owner (database_file);

  return backup != NULL && belongs_to (backup, stem, owner, FALSE);
}

static StrataDatabase *
open_source (StrataProject       *project,
             const char          *name,
             StrataRestoreFlags   flags,
             GError             **error)
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
  if (!(flags & STRATA_RESTORE_FLAGS_FOREIGN) && !is_own_backup (project, file))
    {
      g_autofree char *database = g_file_get_basename (strata_project_get_database_file (project));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s is not a backup of %s (another database’s, or one taken by an older "
                     "Strata); nothing was changed. To put it in place all the same: "
                     "strata-cli restore --foreign %s"),
                   path, database, name);
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
strata_backup_restore_full (StrataProject       *project,
                            const char          *name,
                            StrataRestoreFlags   flags,
                            GCancellable        *cancellable,
                            GError             **error)
{
  GFile *database_file;
  g_autoptr(StrataDatabase) source = NULL;
  g_autoptr(StrataDatabase) target = NULL;
  g_autoptr(StrataBackup) replaced = NULL;
  Progress progress = { NULL };

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  database_file = strata_project_get_database_file (project);
  if (!(source = open_source (project, name, flags, error)))
    return NULL;

  /* Nothing is pruned before the copy is in: with backup_keep = 1, pruning
   * first would delete the very backup being restored. */
  if (g_file_query_exists (database_file, NULL))
    {
      if (!(target = strata_database_open (database_file, STRATA_DATABASE_FLAGS_NONE, error)) ||
          !(replaced = copy_database (project, target, &progress, cancellable, error)))
        return NULL;
    }
  else if (!(target = strata_database_open (database_file, STRATA_DATABASE_FLAGS_CREATE, error)))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !copy_into (source, target, error))
    {
      /* The database is as it was: the copy of it made a moment ago is
       * only one more file. */
      if (replaced != NULL)
        g_file_delete (replaced->file, NULL, NULL);
      return NULL;
    }
  prune (project, cancellable);
  return g_steal_pointer (&replaced);
}

StrataBackup *
strata_backup_restore (StrataProject  *project,
                       const char     *name,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return strata_backup_restore_full (project, name, STRATA_RESTORE_FLAGS_NONE, cancellable,
                                     error);
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
