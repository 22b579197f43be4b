/* cli-test.c: running the real strata-cli on a copy of the example project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cli-test.h"

static char *binary;

void
cli_test_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, NULL);

  for (int i = 1; i < *argc; i++)
    {
      if ((*argv)[i][0] != '-')
        {
          /* Tests spawn it from other folders: make the path absolute. */
          binary = g_canonicalize_filename ((*argv)[i], NULL);
          break;
        }
    }

  if (binary == NULL)
    g_error ("usage: %s [GTEST-OPTION…] PATH-TO-STRATA-CLI", (*argv)[0]);
}

const char *
cli_test_get_binary (void)
{
  return binary;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* Copies the regular files of @from, databases left out, and one level of
 * folders (versions/). */
static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  dir = g_dir_open (from, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *source = g_build_filename (from, name, NULL);
      g_autofree char *target = g_build_filename (to, name, NULL);

      if (strstr (name, ".db") != NULL)
        continue;
      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        copy_tree (source, target);
      else
        copy_file (source, target);
    }
}

void
cli_fixture_setup (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *example = NULL;
  const char *source_root = g_getenv ("STRATA_SOURCE_ROOT");

  g_assert_nonnull (source_root);
  fixture->root = g_dir_make_tmp ("strata-cli-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->project = g_build_filename (fixture->root, "project", NULL);
  fixture->database = g_build_filename (fixture->project, "maker_hub.db", NULL);
  fixture->versions = g_build_filename (fixture->project, "versions", NULL);

  example = g_build_filename (source_root, "migrations", NULL);
  copy_tree (example, fixture->project);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileInfo *info;
  GFile *child;

  enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (enumerator != NULL &&
         g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) &&
         info != NULL)
    remove_tree (child);

  g_file_delete (file, NULL, NULL);
}

void
cli_fixture_teardown (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(GFile) root = g_file_new_for_path (fixture->root);

  /* A test may have made a file read-only; removal still works for the
   * folder's owner. */
  remove_tree (root);
  g_clear_pointer (&fixture->root, g_free);
  g_clear_pointer (&fixture->project, g_free);
  g_clear_pointer (&fixture->database, g_free);
  g_clear_pointer (&fixture->versions, g_free);
}

static CliResult *
communicate (GSubprocessLauncher *launcher,
             const char * const  *argv)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  CliResult *result = g_new0 (CliResult, 1);

  subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (subprocess, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (subprocess));

  result->status = g_subprocess_get_exit_status (subprocess);
  result->lines = g_strsplit (result->out, "\n", -1);
  if (g_strv_length (result->lines) > 0)
    {
      guint last = g_strv_length (result->lines) - 1;

      if (result->lines[last][0] == '\0')
        g_clear_pointer (&result->lines[last], g_free);
    }

  return result;
}

static GSubprocessLauncher *
make_launcher (const char *cwd)
{
  GSubprocessLauncher *launcher;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  /* Messages in English, whatever the machine's locale. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_unsetenv (launcher, "STRATA_DATABASE");

  return launcher;
}

CliResult *
cli_run_full (const char         *cwd,
              const char * const *env_overrides,
              const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (cwd);
  g_autoptr(GPtrArray) full = g_ptr_array_new ();

  for (guint i = 0; env_overrides != NULL && env_overrides[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env_overrides[i], "=", 2);

      if (pair[1] != NULL)
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, pair[0]);
    }

  g_ptr_array_add (full, (char *)binary);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (char *)argv[i]);
  g_ptr_array_add (full, NULL);

  return communicate (launcher, (const char * const *)full->pdata);
}

CliResult *
cli_run_program (const char         *cwd,
                 const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (cwd);

  return communicate (launcher, argv);
}

CliResult *
cli_run (CliFixture *fixture,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *)"-C");
  g_ptr_array_add (argv, fixture->project);

  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return cli_run_full (fixture->root, NULL, (const char * const *)argv->pdata);
}

void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_strfreev (result->lines);
  g_free (result);
}

void
cli_assert_status_impl (CliResult  *result,
                        int         expected,
                        const char *location)
{
  if (result->status == expected)
    return;

  g_test_message ("%s: exit status %d, expected %d\nstdout:\n%s\nstderr:\n%s",
                  location, result->status, expected, result->out, result->err);
  g_assert_cmpint (result->status, ==, expected);
}

gboolean
cli_result_has_line (CliResult  *result,
                     const char *line)
{
  return g_strv_contains ((const char * const *)result->lines, line);
}

char *
cli_file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("absent");

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static int
append_row_cb (void  *user_data,
               int    n_columns,
               char **values,
               char **names)
{
  GString *text = user_data;

  for (int i = 0; i < n_columns; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", values[i] ? values[i] : "NULL");
  g_string_append_c (text, '\n');

  return SQLITE_OK;
}

char *
cli_db_query (const char *path,
              const char *sql)
{
  sqlite3 *db = NULL;
  GString *text = g_string_new (NULL);
  char *message = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_exec (db, sql, append_row_cb, text, &message) != SQLITE_OK)
    {
      g_test_message ("%s: %s", path, message ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      sqlite3_close (db);
      g_string_free (text, TRUE);
      return NULL;
    }

  sqlite3_close (db);
  return g_string_free (text, FALSE);
}

void
cli_db_exec (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

char *
cli_write_revision (CliFixture *fixture,
                    const char *name,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->versions, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}
