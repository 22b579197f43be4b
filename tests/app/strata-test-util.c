/* strata-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <sqlite3.h>

#include "strata-test-util.h"

#define WAIT_SECONDS 30

void
strata_test_init (int    *argc,
                  char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  gtk_source_init ();
  /* Where the app's GtkApplication finds its own icons (resource-base-path). */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_BASE "/icons");
}

static void
copy_tree (GFile *from,
           GFile *to)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  g_file_make_directory_with_parents (to, NULL, NULL);
  children = g_file_enumerate_children (from, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autoptr(GFile) source = g_file_get_child (from, name);
      g_autoptr(GFile) target = g_file_get_child (to, name);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        copy_tree (source, target);
      else if (!g_str_has_suffix (name, ".db") && !g_str_has_suffix (name, ".db-journal"))
        {
          g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      g_object_unref (info);
    }
  g_assert_no_error (error);
}

char *
strata_test_copy_example (void)
{
  const char *root = g_getenv ("STRATA_SOURCE_ROOT");
  g_autofree char *source_path = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GError) error = NULL;
  char *dir;

  g_assert_nonnull (root);
  source_path = g_build_filename (root, "migrations", NULL);
  dir = g_dir_make_tmp ("strata-app-test-XXXXXX", &error);
  g_assert_no_error (error);
  source = g_file_new_for_path (source_path);
  target = g_file_new_for_path (dir);
  copy_tree (source, target);
  return dir;
}

char *
strata_test_linear_id (guint i)
{
  return g_strdup_printf ("%012" G_GINT64_MODIFIER "x", (guint64)0x100000000000 + (guint64)i * 7919);
}

char *
strata_test_make_linear_project (guint       n,
                                 const char *work)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *config = NULL;
  char *dir;

  dir = g_dir_make_tmp ("strata-app-linear-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (dir, "strata.ini", NULL);
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = linear.db\nversions = versions\n",
                                      -1, NULL));
  versions = g_build_filename (dir, "versions", NULL);
  g_assert_cmpint (g_mkdir (versions, 0755), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = strata_test_linear_id (i);
      g_autofree char *parent = i > 0 ? strata_test_linear_id (i - 1) : g_strdup ("");
      g_autofree char *name = g_strdup_printf ("%s_table_%u.sql", id, i);
      g_autofree char *path = g_build_filename (versions, name, NULL);
      g_autofree char *text = NULL;

      text = g_strdup_printf ("-- Table %u\n--\n-- Revision ID: %s\n-- Revises: %s\n"
                              "-- Create Date: 2024-01-01 00:00:00\n\n"
                              "-- migrate:upgrade\n%s%sCREATE TABLE t%u (id INTEGER PRIMARY KEY);\n\n"
                              "-- migrate:downgrade\nDROP TABLE t%u;\n",
                              i, id, parent, work ? work : "", work ? "\n" : "", i, i);
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
    }
  return dir;
}

static void
remove_file (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_file (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
strata_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  remove_file (file);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
strata_test_wait (StrataTestCondition  condition,
                  gpointer             data,
                  const char          *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (source);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

void
strata_test_destroy_window (GtkWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (window);
  strata_test_wait (is_null, &weak, "the window to be finalized");
}

char *
strata_test_read_heads (const char *database_path)
{
  g_autoptr(GString) heads = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (database_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "SELECT version_num FROM alembic_version ORDER BY 1", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (heads, "%s%s", heads->len ? "," : "",
                                (const char *)sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&heads), FALSE);
}

void
strata_test_exec (const char *database_path,
                  const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (database_path, &db), ==, SQLITE_OK);
  /* A window under test may be reading the file on its worker thread, as a
   * person's would be while another program writes it. */
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);
}
