/* core-test.c: shared fixtures of the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include "core-test.h"

char *
ct_make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
ct_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          ct_remove_tree (child);
        }
    }
  g_remove (path);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
}

char *
ct_copy_example (const char *dir)
{
  const char *root = g_getenv ("STRATA_SOURCE_ROOT");
  g_autofree char *source = NULL;
  g_autofree char *source_versions = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GDir) listing = NULL;
  char *project;
  const char *name;

  g_assert_nonnull (root);
  source = g_build_filename (root, "migrations", NULL);
  source_versions = g_build_filename (source, "versions", NULL);
  project = g_build_filename (dir, "migrations", NULL);
  versions = g_build_filename (project, "versions", NULL);
  g_assert_cmpint (g_mkdir_with_parents (versions, 0755), ==, 0);

  from = g_build_filename (source, "strata.ini", NULL);
  to = g_build_filename (project, "strata.ini", NULL);
  copy_file (from, to);

  listing = g_dir_open (source_versions, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)))
    {
      g_autofree char *a = g_build_filename (source_versions, name, NULL);
      g_autofree char *b = g_build_filename (versions, name, NULL);

      if (g_str_has_suffix (name, ".sql"))
        copy_file (a, b);
    }
  return project;
}

void
ct_write_config (const char *dir)
{
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *versions = g_build_filename (dir, "versions", NULL);

  g_assert_cmpint (g_mkdir_with_parents (versions, 0755), ==, 0);
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\n", -1, NULL));
}

void
ct_write_revision (const char *dir,
                   const char *id,
                   const char *down,
                   const char *message,
                   const char *upgrade,
                   const char *downgrade)
{
  g_autofree char *name = g_strdup_printf ("%s.sql", id);
  g_autofree char *path = g_build_filename (dir, "versions", name, NULL);
  g_autofree char *text =
    g_strdup_printf ("-- %s\n--\n-- Revision ID: %s\n-- Revises: %s\n"
                     "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
                     "-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s",
                     message, id, down ? down : "", upgrade, downgrade);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

StrataProject *
ct_open_project (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  StrataProject *project = strata_project_new (file, &error);

  g_assert_no_error (error);
  return project;
}

void
ct_migrate (StrataProject   *project,
            StrataDirection  direction,
            const char      *target)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (project, direction, target);
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_migration_run (migration, NULL, &error) || error != NULL);
  g_assert_no_error (error);
}

char *
ct_file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("missing");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

char *
ct_query (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

gint64
ct_query_int (const char *db_path,
              const char *sql)
{
  g_autofree char *text = ct_query (db_path, sql);
  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

char *
ct_heads (const char *db_path)
{
  char *heads = ct_query (db_path, "SELECT group_concat(version_num, ',') FROM "
                                   "(SELECT version_num FROM alembic_version ORDER BY 1)");
  return heads != NULL ? heads : g_strdup ("");
}

/* The schema and every row of every table but strata_history. */
char *
ct_dump (const char *db_path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_schema "
                          "WHERE name NOT LIKE 'strata_history%' ORDER BY name", -1, &tables, NULL);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *type = (const char *)sqlite3_column_text (tables, 0);
      const char *name = (const char *)sqlite3_column_text (tables, 1);
      g_autofree char *select = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", name);
      sqlite3_stmt *rows = NULL;

      g_string_append_printf (out, "%s\n", (const char *)sqlite3_column_text (tables, 2));
      if (g_strcmp0 (type, "table") != 0)
        continue;
      sqlite3_prepare_v2 (db, select, -1, &rows, NULL);
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (rows); c++)
          g_string_append_printf (out, "%s|", (const char *)sqlite3_column_text (rows, c));
      sqlite3_finalize (rows);
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
snapshot_into (GString    *out,
               const char *root,
               const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (out, "%s/\n", path + strlen (root));
          snapshot_into (out, root, path);
        }
      else
        {
          g_autofree char *sum = ct_file_checksum (path);
          g_string_append_printf (out, "%s %s\n", path + strlen (root), sum);
        }
    }
}

char *
ct_snapshot (const char *dir)
{
  g_autoptr(GString) out = g_string_new (NULL);

  snapshot_into (out, dir, dir);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
kill_helper_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *folder = NULL;

  g_assert_nonnull (self);
  folder = g_path_get_dirname (self);
  return g_build_filename (folder, "strata-kill-helper", NULL);
}

guint
ct_kill_helper_after (const char *dir,
                      guint       commits,
                      gint64      delay_us)
{
  g_autofree char *helper = kill_helper_path ();
  const char *argv[] = { helper, dir, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  int out = -1;
  guint seen = 0;
  char c;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  while (seen < commits && read (out, &c, 1) == 1)
    seen += c == '\n';
  g_usleep (delay_us);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  close (out);
  return seen;
}

char *
ct_load_real (const char *dir,
              const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "real", name, NULL);
  g_autofree char *sql = NULL;
  char *db = g_build_filename (dir, "test.db", NULL);
  sqlite3 *handle = NULL;

  g_assert_true (g_file_get_contents (source, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  return db;
}

void
ct_assert_query (const char *db_path,
                 const char *sql,
                 const char *expected)
{
  g_autofree char *actual = ct_query (db_path, sql);
  g_assert_cmpstr (actual, ==, expected);
}

void
ct_assert_heads (const char *db_path,
                 const char *expected)
{
  g_autofree char *actual = ct_heads (db_path);
  g_assert_cmpstr (actual, ==, expected);
}
