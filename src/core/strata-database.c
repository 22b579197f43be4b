/* strata-database.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-json-functions-private.h"
#include "strata-sql.h"

/* How long a write waits for another connection's lock before giving up. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

struct _StrataDatabase
{
  GObject  parent_instance;

  sqlite3 *db;
  GFile   *file;
  char    *display_name;
};

G_DEFINE_FINAL_TYPE (StrataDatabase, strata_database, G_TYPE_OBJECT)

static void
strata_database_finalize (GObject *object)
{
  StrataDatabase *self = (StrataDatabase *)object;

  /* sqlite3_close_v2() defers the close until the last statement is
   * finalized, so a leaked statement can never keep a lock forever. */
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_object (&self->file);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (strata_database_parent_class)->finalize (object);
}

static void
strata_database_class_init (StrataDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_database_finalize;
}

static void
strata_database_init (StrataDatabase *self)
{
}

/* Set once by the program before its threads open connections; atomic all
 * the same, as a worker may read it while the app sets it. */
static gint busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;

void
strata_database_set_default_busy_timeout (guint timeout_ms)
{
  g_atomic_int_set (&busy_timeout_ms, (gint)MIN (timeout_ms, (guint)G_MAXINT));
}

guint
strata_database_get_default_busy_timeout (void)
{
  return (guint)g_atomic_int_get (&busy_timeout_ms);
}

int
_strata_database_get_busy_timeout (void)
{
  return g_atomic_int_get (&busy_timeout_ms);
}

const char *
_strata_database_get_display_name (StrataDatabase *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (self), NULL);
  return self->display_name;
}

/* SQLite counts every allocation under a global mutex for
 * sqlite3_memory_used(), which Strata never asks for. In a process with
 * threads each lock is an atomic operation, and a migration allocates millions
 * of times: a sixth of the time of a long downgrade. The count can only be
 * switched off before SQLite initialises, so the first open does it; a
 * process that used SQLite before keeps it. */
static void
configure_sqlite_once (void)
{
  static gsize configured = 0;

  if (g_once_init_enter (&configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&configured, 1);
    }
}

static gboolean
configure (StrataDatabase  *self,
           GError         **error)
{
  int enabled = 0;

  g_assert (STRATA_IS_DATABASE (self));

  sqlite3_extended_result_codes (self->db, 1);
  /* A schema written by someone else must not be able to run code here:
   * no writable sqlite_schema, no functions with side effects in views and
   * triggers, no extensions. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &enabled);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &enabled);
  sqlite3_busy_timeout (self->db, _strata_database_get_busy_timeout ());
  /* The user's own JSON checks and indexes must still work without a
   * trusted schema; see strata-json-functions.c. */
  if (_strata_json_functions_register (self->db) != SQLITE_OK)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }

  return strata_database_exec (self, "PRAGMA trusted_schema = OFF;", error);
}

/* Reading the schema is what makes SQLite look at the file's header, so this
 * is where "not a database" shows up rather than at open time. */
static gboolean
verify (StrataDatabase  *self,
        GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert (STRATA_IS_DATABASE (self));

  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;

  if ((rc & 0xff) == SQLITE_NOTADB)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s is not a SQLite database (%s); check “database” in strata.ini"),
                   self->display_name, sqlite3_errstr (rc));
      return FALSE;
    }
  strata_database_set_error (self, error, STRATA_ERROR_DATABASE, NULL);
  return FALSE;
}

static gboolean
check_writable (StrataDatabase  *self,
                const char      *path,
                GError         **error)
{
  g_autofree char *folder = g_path_get_dirname (path);

  /* SQLite quietly opens a write-protected file read-only; the first write
   * would then fail half-way through a run, so say it now. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("%s is read-only; make it writable (chmod u+w) to migrate it"),
                   self->display_name);
      return FALSE;
    }
  /* The rollback journal lives beside the database. */
  if (access (folder, W_OK) != 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("%s cannot be written: its folder %s is read-only, and SQLite needs "
                     "to create its journal there; make the folder writable"),
                   self->display_name, folder);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_folder (StrataDatabase  *self,
              const char      *path,
              GError         **error)
{
  g_autofree char *folder = g_path_get_dirname (path);

  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
               _("cannot open %s: the folder %s does not exist; create it, or fix "
                 "“database” in strata.ini"),
               self->display_name, folder);
  return FALSE;
}

static int
open_flags (StrataDatabaseFlags flags)
{
  /* No SQLITE_OPEN_URI: a file named "file:x.db" is a file, nothing more.
   * Each connection belongs to one thread, so SQLite's own mutex is not needed. */
  int sqlite_flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;

  if (flags & STRATA_DATABASE_FLAGS_READ_ONLY)
    return sqlite_flags | SQLITE_OPEN_READONLY;
  sqlite_flags |= SQLITE_OPEN_READWRITE;
  if (flags & STRATA_DATABASE_FLAGS_CREATE)
    sqlite_flags |= SQLITE_OPEN_CREATE;
  return sqlite_flags;
}

static gboolean
open_path (StrataDatabase       *self,
           const char           *path,
           StrataDatabaseFlags   flags,
           GError              **error)
{
  int rc;

  g_assert (STRATA_IS_DATABASE (self));

  if (!check_folder (self, path, error))
    return FALSE;
  if (!(flags & STRATA_DATABASE_FLAGS_CREATE) && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s does not exist; run an upgrade to create it"), self->display_name);
      return FALSE;
    }

  configure_sqlite_once ();
  rc = sqlite3_open_v2 (path, &self->db, open_flags (flags), NULL);
  if (rc != SQLITE_OK)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, _("cannot open it"));
      return FALSE;
    }

  if (!configure (self, error) || !verify (self, error))
    return FALSE;
  if (!(flags & STRATA_DATABASE_FLAGS_READ_ONLY) && !check_writable (self, path, error))
    return FALSE;
  return TRUE;
}

/* SQLite would wait forever for a writer to open a FIFO, and says only
 * "disk I/O error" of a folder: anything but a regular file is refused first. */
static gboolean
is_regular_or_absent (StrataDatabase  *self,
                      const char      *path,
                      GError         **error)
{
  struct stat info;
  const char *kind;

  if (stat (path, &info) != 0 || S_ISREG (info.st_mode))
    return TRUE;
  if (S_ISFIFO (info.st_mode))
    kind = _("a FIFO");
  else if (S_ISDIR (info.st_mode))
    kind = _("a folder");
  else if (S_ISSOCK (info.st_mode))
    kind = _("a socket");
  else if (S_ISCHR (info.st_mode) || S_ISBLK (info.st_mode))
    kind = _("a device");
  else
    kind = _("not a file");
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
               _("%s is %s, not a database file; point “database” in strata.ini (or "
                 "--database) at a SQLite file"), self->display_name, kind);
  return FALSE;
}

StrataDatabase *
strata_database_open (GFile                *file,
                      StrataDatabaseFlags   flags,
                      GError              **error)
{
  g_autoptr(StrataDatabase) self = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (STRATA_TYPE_DATABASE, NULL);
  self->file = g_object_ref (file);
  self->display_name = g_file_get_parse_name (file);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s is not a local file; SQLite databases must be on a local disk"),
                   self->display_name);
      return NULL;
    }

  if (!is_regular_or_absent (self, path, error) || !open_path (self, path, flags, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataDatabase *
strata_database_open_memory (GError **error)
{
  g_autoptr(StrataDatabase) self = g_object_new (STRATA_TYPE_DATABASE, NULL);

  self->display_name = g_strdup (":memory:");
  configure_sqlite_once ();
  if (sqlite3_open_v2 (":memory:", &self->db, open_flags (STRATA_DATABASE_FLAGS_CREATE), NULL)
      != SQLITE_OK)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, _("cannot open it"));
      return NULL;
    }
  if (!configure (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* VACUUM looks functions up among SQLite's built-ins only, so the
 * innocuous JSON copies of strata-json-functions.c are not found and a JSON
 * index makes it fail with "unsafe use of json_extract()". It copies records
 * as they are stored and never evaluates a check, an index expression, a
 * view or a trigger of the schema, so nothing of the schema runs while the
 * schema is trusted for this one statement. */
int
_strata_database_vacuum_into (StrataDatabase *self,
                              const char     *path)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (STRATA_IS_DATABASE (self), SQLITE_MISUSE);

  rc = sqlite3_prepare_v2 (self->db, "VACUUM INTO ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    {
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
      rc = sqlite3_step (stmt);
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* A shadow table (doc_fts_data of an FTS5 table doc_fts, the _node table
 * of an R*Tree) belongs to its virtual table, which creates, fills and drops
 * it: it is never compared, filled or rebuilt on its own. */
gboolean
_strata_database_is_shadow_table (sqlite3    *db,
                                  const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean shadow = FALSE;

  g_return_val_if_fail (db != NULL, FALSE);

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_list WHERE schema = 'main' "
                              "AND type = 'shadow' AND name = ?1 COLLATE NOCASE",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
    shadow = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return shadow;
}

GFile *
strata_database_get_file (StrataDatabase *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (self), NULL);
  return self->file;
}

sqlite3 *
strata_database_get_handle (StrataDatabase *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (self), NULL);
  return self->db;
}

gboolean
strata_database_exec (StrataDatabase  *self,
                      const char      *sql,
                      GError         **error)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  strata_database_set_error (self, error, STRATA_ERROR_SQL, NULL);
  return FALSE;
}

gboolean
_strata_database_table_exists (StrataDatabase  *self,
                               const char      *table,
                               gboolean        *exists,
                               GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (STRATA_IS_DATABASE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* The type ("table", "view", "index", "trigger") of the object SQLite
 * would take @name for (names compare without regard to ASCII case), or
 * NULL with @error unset when there is none. */
static char *
object_type (StrataDatabase  *self,
             const char      *name,
             GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  char *type = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT type FROM sqlite_schema WHERE name = ?1 "
                                     "COLLATE NOCASE ORDER BY type = 'table' DESC LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    type = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    strata_database_set_error (self, error, STRATA_ERROR_DATABASE, NULL);
  return type;
}

/* A version table that is not a table (a view a person made over it, say)
 * would read as empty or as what the view says, and upgrades and stamps
 * would not land in it: refused, as SQLite refuses to write a view. */
static gboolean
check_version_table (StrataDatabase  *self,
                     const char      *version_table,
                     gboolean        *exists,
                     GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *type = object_type (self, version_table, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *exists = type != NULL;
  if (type == NULL || g_str_equal (type, "table"))
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
               _("%s in %s is a %s, not a table: the applied revisions are kept in a table of "
                 "that name, which Strata and Alembic write; nothing was done. Drop the %s and "
                 "set the table with “strata-cli stamp REVISION”, or name another table with "
                 "version_table in strata.ini"),
               version_table, self->display_name, type, type);
  return FALSE;
}

GStrv
strata_database_read_heads (StrataDatabase  *self,
                            const char      *version_table,
                            GError         **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *previous = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean exists = FALSE;
  int rc;

  g_return_val_if_fail (STRATA_IS_DATABASE (self), NULL);
  g_return_val_if_fail (version_table != NULL, NULL);

  if (!check_version_table (self, version_table, &exists, error))
    return NULL;
  if (!exists)
    return g_new0 (char *, 1);

  quoted = strata_sql_quote_identifier (version_table);
  sql = g_strdup_printf ("SELECT version_num FROM %s ORDER BY version_num", quoted);
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, version_table);
      return NULL;
    }

  builder = g_strv_builder_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *)sqlite3_column_text (stmt, 0);

      /* Read as base, it would start the database over from the first
       * revision. */
      if (id == NULL || id[0] == '\0')
        {
          sqlite3_finalize (stmt);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
                       _("the version table %s of %s holds a row with no revision (NULL or "
                         "empty), which no tool writes; nothing was done. Delete it (DELETE "
                         "FROM %s WHERE version_num IS NULL OR version_num = ''), then, if the "
                         "table is still wrong, set it with “strata-cli stamp --purge "
                         "REVISION”"),
                       version_table, self->display_name, quoted);
          return NULL;
        }
      /* Sorted, so a row twice comes twice in a row. */
      if (previous != NULL && g_str_equal (previous, id))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
                       _("the version table %s of %s holds revision %s twice, which no tool "
                         "writes; nothing was done. Delete the copies (DELETE FROM %s WHERE "
                         "rowid NOT IN (SELECT min(rowid) FROM %s GROUP BY version_num))"),
                       version_table, self->display_name, id, quoted, quoted);
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_free (previous);
      previous = g_strdup (id);
      g_strv_builder_add (builder, id);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      strata_database_set_error (self, error, STRATA_ERROR_DATABASE, version_table);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static int
code_for (int rc,
          int fallback_code)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return STRATA_ERROR_BUSY;
    case SQLITE_READONLY:
      return STRATA_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
      return STRATA_ERROR_DATABASE;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return STRATA_ERROR_DATABASE;
    default:
      return fallback_code;
    }
}

void
strata_database_set_error (StrataDatabase  *self,
                           GError         **error,
                           int              fallback_code,
                           const char      *prefix)
{
  int rc;
  const char *message;
  int code;

  g_return_if_fail (STRATA_IS_DATABASE (self));

  rc = self->db != NULL ? sqlite3_extended_errcode (self->db) : SQLITE_NOMEM;
  message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  code = code_for (rc, fallback_code);

  if (code == STRATA_ERROR_BUSY)
    g_set_error (error, STRATA_ERROR, code, _("database is busy: %s: %s"),
                 self->display_name, message);
  else if (code == STRATA_ERROR_READ_ONLY)
    g_set_error (error, STRATA_ERROR, code,
                 _("%s cannot be written (%s); check the permissions of the file and its "
                   "folder"),
                 self->display_name, message);
  else if (prefix != NULL)
    g_set_error (error, STRATA_ERROR, code, "%s: %s: %s", self->display_name, prefix, message);
  else
    g_set_error (error, STRATA_ERROR, code, "%s: %s", self->display_name, message);
}
