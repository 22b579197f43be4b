/* test-cli-red-team.c: strata-cli against a hostile user (issue 13): backups
 * that belong to another database, restores that fail half-way, killed runs,
 * ids and files that are not what they seem. Each refusal is checked for what
 * the user reads and for a database left byte for byte as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* posix_openpt(), ptsname() */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)
#define RUN_OK(...) run_ok (cli_run (fixture, __VA_ARGS__, NULL))

#define QUANTITY "27c6a30d7c24"
#define MERGE    "8c6e3a0f1b25"

static void
run_ok (CliResult *result)
{
  cli_assert_status (result, 0);
  cli_result_free (result);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static void
append_config (CliFixture *fixture,
               const char *lines)
{
  g_autofree char *path = g_build_filename (fixture->project, "strata.ini", NULL);
  g_autofree char *config = NULL;
  g_autofree char *more = NULL;

  g_assert_true (g_file_get_contents (path, &config, NULL, NULL));
  more = g_strconcat (config, lines, NULL);
  g_assert_true (g_file_set_contents (path, more, -1, NULL));
}

static char *
backups_folder (CliFixture *fixture)
{
  return g_build_filename (fixture->project, "backups", NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The names in backups/, sorted, hidden ones too. */
static char *
list_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **)names->pdata);
}

/* The first backup "backups" lists. */
static char *
newest_backup (CliFixture *fixture)
{
  g_autoptr(CliResult) listed = RUN ("backups");

  cli_assert_status (listed, 0);
  g_assert_cmpuint (g_strv_length (listed->lines), >=, 1);
  return g_strndup (listed->lines[0], strcspn (listed->lines[0], " "));
}

/* Backups and restore ---------------------------------------------------------- */

/* With backup_keep = 1 and the database busy, a failed restore deletes
 * nothing: the backup asked for is still there, and so is every other. */
static void
test_failed_restore_deletes_nothing (CliFixture    *fixture,
                                     gconstpointer  data)
{
  const char *env[] = { "STRATA_BUSY_TIMEOUT_MS=100", NULL };
  g_autofree char *folder = backups_folder (fixture);
  g_autofree char *name = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autofree char *db_before = NULL;
  g_autofree char *db_after = NULL;
  g_autoptr(CliResult) restored = NULL;
  sqlite3 *holder = NULL;

  append_config (fixture, "backup_keep = 1\n");
  RUN_OK ("upgrade", "head");
  RUN_OK ("downgrade", QUANTITY);
  name = newest_backup (fixture);
  listing_before = list_folder (folder);

  /* Another connection holds the write lock the restore needs. (The file is
   * read before: closing any descriptor of it would drop this process's
   * POSIX locks.) */
  db_before = cli_file_digest (fixture->database);
  g_assert_cmpint (sqlite3_open (fixture->database, &holder), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder, "BEGIN IMMEDIATE; "
                                         "CREATE TABLE holder_lock (x);", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  {
    const char *argv[] = { "-C", fixture->project, "restore", name, NULL };
    restored = cli_run_full (fixture->project, env, argv);
  }
  sqlite3_exec (holder, "ROLLBACK;", NULL, NULL, NULL);
  sqlite3_close (holder);

  cli_assert_status (restored, 1);
  db_after = cli_file_digest (fixture->database);
  g_assert_cmpstr (db_before, ==, db_after);
  listing_after = list_folder (folder);
  g_assert_cmpstr (listing_before, ==, listing_after);
}

static void
make_foreign_database (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total);"
                                     "INSERT INTO invoices (total) VALUES (42);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Another application's database is not a backup of ours: refused, with
 * the way to insist, and the database untouched; --foreign insists. */
static void
test_foreign_restore (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->root, "app.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(CliResult) refused = NULL;
  g_autoptr(CliResult) forced = NULL;

  RUN_OK ("upgrade", "head");
  make_foreign_database (other);
  before = cli_file_digest (fixture->database);

  refused = RUN ("restore", other);
  cli_assert_status (refused, 1);
  assert_contains (refused->err, "not a backup of maker_hub.db");
  assert_contains (refused->err, "--foreign");
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);

  forced = RUN ("restore", "--foreign", other);
  cli_assert_status (forced, 0);
  rows = cli_db_query (fixture->database, "SELECT total FROM invoices");
  g_assert_cmpstr (rows, ==, "42\n");
}

/* A staging copy under the same file name shares backups/: neither lists,
 * prunes nor restores the other's backups. */
static void
test_same_name_databases (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autofree char *staging_dir = g_build_filename (fixture->root, "staging", NULL);
  g_autofree char *staging = g_build_filename (staging_dir, "maker_hub.db", NULL);
  g_autofree char *folder = backups_folder (fixture);
  g_autofree char *ours = NULL;
  g_autofree char *ours_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) listed = NULL;
  g_autoptr(CliResult) refused = NULL;

  append_config (fixture, "backup_keep = 1\n");
  g_assert_cmpint (g_mkdir_with_parents (staging_dir, 0755), ==, 0);
  RUN_OK ("upgrade", "head");
  RUN_OK ("downgrade", QUANTITY);
  ours = newest_backup (fixture);
  ours_path = g_build_filename (folder, ours, NULL);

  /* The staging copy is backed up twice; keeping one of its own never
   * deletes ours. */
  RUN_OK ("--database", staging, "upgrade", "head");
  RUN_OK ("--database", staging, "downgrade", QUANTITY);
  RUN_OK ("--database", staging, "upgrade", "head");
  RUN_OK ("--database", staging, "downgrade", "base");
  g_assert_true (g_file_test (ours_path, G_FILE_TEST_IS_REGULAR));

  listed = RUN ("backups");
  cli_assert_status (listed, 0);
  g_assert_cmpuint (g_strv_length (listed->lines), ==, 1);
  g_assert_true (g_str_has_prefix (listed->lines[0], ours));

  /* The staging copy's backup is foreign to ours. */
  {
    g_autoptr(CliResult) theirs = RUN ("--database", staging, "backups");
    g_autofree char *name = NULL;

    cli_assert_status (theirs, 0);
    g_assert_cmpuint (g_strv_length (theirs->lines), ==, 1);
    name = g_strndup (theirs->lines[0], strcspn (theirs->lines[0], " "));
    g_assert_cmpstr (name, !=, ours);
    before = cli_file_digest (fixture->database);
    refused = RUN ("restore", name);
    cli_assert_status (refused, 1);
    assert_contains (refused->err, "--foreign");
    after = cli_file_digest (fixture->database);
    g_assert_cmpstr (before, ==, after);
  }
}

static int
dead_pid (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  return pid;
}

/* What a killed backup or restore left behind goes at the next run that
 * backs up; a partial file of a process still running stays. */
static void
test_partial_files_cleaned (CliFixture    *fixture,
                            gconstpointer  data)
{
  g_autofree char *folder = backups_folder (fixture);
  g_autofree char *dead = g_strdup_printf (".maker_hub.%d.partial", dead_pid ());
  g_autofree char *dead_journal = g_strconcat (dead, "-journal", NULL);
  g_autofree char *live = g_strdup_printf (".maker_hub.%d.partial", (int)getpid ());
  g_autofree char *dead_path = g_build_filename (folder, dead, NULL);
  g_autofree char *dead_journal_path = g_build_filename (folder, dead_journal, NULL);
  g_autofree char *live_path = g_build_filename (folder, live, NULL);

  RUN_OK ("upgrade", "head");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (dead_path, "half a database", -1, NULL));
  g_assert_true (g_file_set_contents (dead_journal_path, "its journal", -1, NULL));
  g_assert_true (g_file_set_contents (live_path, "being written", -1, NULL));

  RUN_OK ("downgrade", QUANTITY);
  g_assert_false (g_file_test (dead_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dead_journal_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live_path, G_FILE_TEST_EXISTS));
}

/* Runs strata-cli in the project with its stderr on a terminal, as a person
 * would; returns what the terminal showed. */
static char *
run_on_tty (CliFixture         *fixture,
            const char * const *args)
{
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int master = posix_openpt (O_RDWR | O_NOCTTY);
  int status = 0;
  char buffer[4096];
  gssize n;
  pid_t pid;

  g_assert_cmpint (master, >=, 0);
  g_assert_no_errno (grantpt (master));
  g_assert_no_errno (unlockpt (master));
  g_ptr_array_add (argv, (char *)cli_test_get_binary ());
  g_ptr_array_add (argv, "-C");
  g_ptr_array_add (argv, fixture->project);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int tty = open (ptsname (master), O_RDWR);
      int null = open ("/dev/null", O_WRONLY);

      setsid ();
      dup2 (tty, STDERR_FILENO);
      dup2 (null, STDOUT_FILENO);
      setenv ("TERM", "xterm", 1);
      setenv ("LC_ALL", "C.UTF-8", 1);
      unsetenv ("LANGUAGE");
      execv (argv->pdata[0], (char **)argv->pdata);
      _exit (127);
    }
  /* Reads until the child is gone and the terminal has nothing more (EIO). */
  while ((n = read (master, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (shown, buffer, n);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (master);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  return g_string_free (g_steal_pointer (&shown), FALSE);
}

/* On a terminal, a run that backs up says so first, with the size. */
static void
test_backup_announced (CliFixture    *fixture,
                       gconstpointer  data)
{
  const char *downgrade[] = { "downgrade", QUANTITY, NULL };
  g_autofree char *shown = NULL;

  RUN_OK ("upgrade", "head");
  shown = run_on_tty (fixture, downgrade);
  assert_contains (shown, "Backing up maker_hub.db (");
  assert_contains (shown, "B)…");
  assert_contains (shown, "backed up the database to backups/maker_hub-");

  /* A restore announces the copy of what it replaces. */
  {
    g_autofree char *name = newest_backup (fixture);
    const char *restore[] = { "restore", name, NULL };
    g_autofree char *restored = run_on_tty (fixture, restore);

    assert_contains (restored, "Backing up maker_hub.db (");
    assert_contains (restored, "before restoring…");
  }
}

/* Ids, files and arguments ------------------------------------------------------ */

static char *
revision_text (const char *id,
               const char *down)
{
  return g_strdup_printf ("-- Odd\n--\n-- Revision ID: %s\n-- Revises: %s\n"
                          "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
                          "-- migrate:upgrade\nCREATE TABLE odd (x);\n"
                          "-- migrate:downgrade\nDROP TABLE odd;\n", id, down);
}

static const char one_way[] =
  "-- One way\n--\n-- Revision ID: oneway\n-- Revises: " MERGE "\n"
  "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
  "-- migrate:upgrade\nCREATE TABLE one_way (x);\n"
  "-- migrate:downgrade\n-- nothing here yet\n";

/* An upgrade with an empty downgrade: a downgrade through it, online or
 * offline, is refused before anything runs, naming the downgrade section,
 * and check warns; the marker line lets it through, changing nothing. */
static void
test_missing_downgrade (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = cli_write_revision (fixture, "zz_one_way.sql", one_way);
  g_autofree char *marked = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *current = NULL;
  CliResult *result;

  RUN_OK ("upgrade", "head");
  before = cli_file_digest (fixture->database);
  result = RUN ("downgrade", "-1");
  cli_assert_status (result, 1);
  assert_contains (result->err, "versions/zz_one_way.sql:10: revision oneway has no downgrade");
  assert_contains (result->err, "“-- strata:no-downgrade”");
  g_assert_null (strstr (result->out, "Running downgrade"));
  cli_result_free (result);
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);

  result = RUN ("downgrade", "--sql", "oneway:" MERGE);
  cli_assert_status (result, 1);
  assert_contains (result->err, "versions/zz_one_way.sql:10: revision oneway has no downgrade");
  g_assert_null (strstr (result->out, "DROP"));
  cli_result_free (result);

  result = RUN ("check");
  assert_contains (result->err, "versions/zz_one_way.sql:10: warning: the downgrade section is "
                                "empty");
  cli_result_free (result);

  marked = g_strconcat (one_way, "-- strata:no-downgrade\n", NULL);
  g_assert_true (g_file_set_contents (path, marked, -1, NULL));
  RUN_OK ("downgrade", "-1");
  current = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (current, ==, MERGE "\n");
  g_free (current);
  current = cli_db_query (fixture->database,
                          "SELECT count(*) FROM sqlite_master WHERE name = 'one_way'");
  g_assert_cmpstr (current, ==, "1\n");
  result = RUN ("check");
  g_assert_null (strstr (result->err, "the downgrade section is empty"));
  cli_result_free (result);
}

/* A revision whose id is a reserved word or no safe id: every command that
 * loads the revisions says which file and line, and the rule; nothing runs. */
static void
test_reserved_ids (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *long_id = g_strnfill (129, 'a');
  const char *bad[] = { "base", "head", "heads", "current", "Base", "../x", ".hidden", "a:b",
                        long_id };

  RUN_OK ("upgrade", MERGE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = revision_text (bad[i], MERGE);
      g_autofree char *path = cli_write_revision (fixture, "zz_odd.sql", text);
      g_autofree char *before = cli_file_digest (fixture->database);
      g_autofree char *after = NULL;
      const char *verbs[] = { "heads", "current", "upgrade", "check" };

      for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
        {
          g_autoptr(CliResult) result = NULL;

          if (g_str_equal (verbs[v], "upgrade"))
            result = RUN ("upgrade", "head");
          else
            result = RUN (verbs[v]);
          cli_assert_status (result, 1);
          assert_contains (result->err, "versions/zz_odd.sql:3: ");
          assert_contains (result->err, "is not a revision id");
          assert_contains (result->err, "“base”");
        }
      after = cli_file_digest (fixture->database);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

/* Ids Alembic users write, which Alembic keeps in SQLite as they are: a
 * dotted version and a date with a slug past 32 characters. Strata reads,
 * runs and records them too. */
static void
test_alembic_shaped_ids (CliFixture    *fixture,
                         gconstpointer  data)
{
  const char *dotted = "v1.0";
  const char *dated = "2024_01_15_add_reporting_tables_x";
  g_autofree char *first = revision_text (dotted, MERGE);
  g_autofree char *second = NULL;
  g_autofree char *heads = NULL;
  g_autoptr(CliResult) current = NULL;

  second = g_strdup_printf ("-- Reporting\n--\n-- Revision ID: %s\n-- Revises: %s\n\n"
                            "-- migrate:upgrade\nCREATE TABLE report (x);\n"
                            "-- migrate:downgrade\nDROP TABLE report;\n", dated, dotted);
  g_free (cli_write_revision (fixture, "v1.0_odd.sql", first));
  g_free (cli_write_revision (fixture, "2024_01_15_reporting.sql", second));
  RUN_OK ("upgrade", "head");
  heads = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (heads, ==, "2024_01_15_add_reporting_tables_x\n");
  current = RUN ("current");
  cli_assert_status (current, 0);
  g_assert_cmpstr (current->out, ==, "2024_01_15_add_reporting_tables_x (head)\n");
  RUN_OK ("downgrade", "v1.0");
  g_free (heads);
  heads = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (heads, ==, "v1.0\n");
}

/* --rev-id with a path writes nothing anywhere. */
static void
test_rev_id_path (CliFixture    *fixture,
                  gconstpointer  data)
{
  const char *bad[] = { "../../evil", "../evil", "/tmp/evil", "base", "" };
  g_autofree char *outside = g_build_filename (fixture->root, "evil_x.sql", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CliResult) result = RUN ("revision", "-m", "x", "--rev-id", bad[i]);
      g_autofree char *listing = list_folder (fixture->versions);
      g_autofree char *root = list_folder (fixture->root);

      g_assert_cmpint (result->status, !=, 0);
      assert_contains (result->err, "cannot be a revision id");
      g_assert_null (strstr (listing, "evil"));
      g_assert_cmpstr (root, ==, "project");
    }
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
}

typedef enum
{
  ODD_FIFO,
  ODD_DANGLING,
  ODD_LOOP,
  ODD_OUTSIDE,
  ODD_DEVICE,
  ODD_FOLDER,
} OddFile;

/* Anything in versions/ named like a revision that is not a regular file of
 * the project is reported, and the command stops; never a hang, never a
 * silent skip. */
static void
test_odd_revision_files (CliFixture    *fixture,
                         gconstpointer  data)
{
  for (OddFile odd = ODD_FIFO; odd <= ODD_FOLDER; odd++)
    {
      g_autofree char *path = g_build_filename (fixture->versions, "zz_odd.sql", NULL);
      g_autofree char *loop = g_build_filename (fixture->versions, "zz_loop.sql", NULL);
      g_autofree char *outside = g_build_filename (fixture->root, "outside.sql", NULL);
      g_autofree char *text = revision_text ("0dd000000001", MERGE);
      g_autoptr(CliResult) heads = NULL;
      g_autoptr(CliResult) check = NULL;
      const char *expected = NULL;

      switch (odd)
        {
        case ODD_FIFO:
          g_assert_no_errno (mkfifo (path, 0600));
          expected = "not a regular file";
          break;
        case ODD_DANGLING:
          g_assert_no_errno (symlink ("nowhere.sql", path));
          expected = "a symbolic link that leads nowhere";
          break;
        case ODD_LOOP:
          g_assert_no_errno (symlink ("zz_loop.sql", path));
          g_assert_no_errno (symlink ("zz_odd.sql", loop));
          expected = "a symbolic link that leads nowhere";
          break;
        case ODD_OUTSIDE:
          g_assert_true (g_file_set_contents (outside, text, -1, NULL));
          g_assert_no_errno (symlink (outside, path));
          expected = "outside the project";
          break;
        case ODD_DEVICE:
          g_assert_no_errno (symlink ("/dev/zero", path));
          expected = "outside the project";
          break;
        case ODD_FOLDER:
          g_assert_no_errno (g_mkdir (path, 0755));
          expected = "not a regular file";
          break;
        }

      heads = RUN ("heads");
      cli_assert_status (heads, 1);
      assert_contains (heads->err, "versions/zz_");
      assert_contains (heads->err, expected);
      check = RUN ("check");
      cli_assert_status (check, 1);
      assert_contains (check->err, expected);

      if (odd == ODD_FOLDER)
        g_assert_no_errno (g_rmdir (path));
      else
        g_assert_no_errno (g_unlink (path));
      g_unlink (loop);
      g_unlink (outside);
    }
  RUN_OK ("heads");
}

/* A database path that is a FIFO or a folder: refused at once, saying so. */
static void
test_odd_database (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *fifo = g_build_filename (fixture->root, "fifo.db", NULL);
  g_autofree char *folder = g_build_filename (fixture->root, "folder.db", NULL);
  const char *verbs[] = { "current", "check", "rehearse", "upgrade", "backups" };

  g_assert_no_errno (mkfifo (fifo, 0600));
  g_assert_no_errno (g_mkdir (folder, 0755));
  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
    {
      g_autoptr(CliResult) on_fifo = NULL;
      g_autoptr(CliResult) on_folder = NULL;

      if (g_str_equal (verbs[v], "upgrade"))
        {
          on_fifo = RUN ("--database", fifo, "upgrade", "head");
          on_folder = RUN ("--database", folder, "upgrade", "head");
        }
      else if (g_str_equal (verbs[v], "backups"))
        continue;
      else
        {
          on_fifo = RUN ("--database", fifo, verbs[v]);
          on_folder = RUN ("--database", folder, verbs[v]);
        }
      cli_assert_status (on_fifo, 1);
      assert_contains (on_fifo->err, "fifo.db is a FIFO, not a database file");
      cli_assert_status (on_folder, 1);
      assert_contains (on_folder->err, "folder.db is a folder, not a database file");
    }
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
}

/* Version tables no tool wrote: refused with what to do, nothing changed. */
static void
test_odd_version_tables (CliFixture    *fixture,
                         gconstpointer  data)
{
  const char *tables[] = {
    "DELETE FROM alembic_version; INSERT INTO alembic_version VALUES (NULL);",
    "INSERT INTO alembic_version VALUES ('1975ea83b712');",
    "INSERT INTO alembic_version VALUES ('feedfacecafe');",
  };
  const char *expected[] = {
    "a row with no revision (NULL or empty)",
    "1975ea83b712 is an ancestor of " QUANTITY,
    "names feedfacecafe",
  };

  RUN_OK ("upgrade", QUANTITY);
  /* A table of Alembic's shape without NOT NULL, as a hand-made one may be. */
  cli_db_exec (fixture->database,
               "DROP TABLE alembic_version;"
               "CREATE TABLE alembic_version (version_num VARCHAR(32));"
               "INSERT INTO alembic_version VALUES ('" QUANTITY "');");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autoptr(CliResult) up = NULL;
      g_autoptr(CliResult) down = NULL;

      cli_db_exec (fixture->database, tables[i]);
      before = cli_file_digest (fixture->database);
      up = RUN ("upgrade", "head");
      cli_assert_status (up, 1);
      assert_contains (up->err, expected[i]);
      assert_contains (up->err, "stamp --purge");
      down = RUN ("downgrade", "base");
      cli_assert_status (down, 1);
      assert_contains (down->err, expected[i]);
      after = cli_file_digest (fixture->database);
      g_assert_cmpstr (before, ==, after);

      /* What the message says to do works. */
      cli_db_exec (fixture->database, "DELETE FROM alembic_version WHERE version_num IS NULL;");
      RUN_OK ("stamp", "--purge", QUANTITY);
    }
}

/* A version table that is a view over a person's own bookkeeping: read as
 * empty, it sent upgrade back to the first revision. Every command refuses
 * it, naming what it is, and the file stays as it was; so does a row twice. */
static void
test_version_table_view (CliFixture    *fixture,
                         gconstpointer  data)
{
  const char *verbs[][3] = {
    { "current", NULL }, { "check", NULL }, { "upgrade", "head" }, { "downgrade", "base" },
    { "stamp", "head" },
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) twice = NULL;
  g_autofree char *delete = NULL;
  const char *start;
  const char *end;

  RUN_OK ("upgrade", QUANTITY);
  cli_db_exec (fixture->database,
               "CREATE TABLE deploy_state AS SELECT version_num FROM alembic_version;"
               "DROP TABLE alembic_version;"
               "CREATE VIEW alembic_version AS SELECT version_num FROM deploy_state;");
  before = cli_file_digest (fixture->database);
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_autoptr(CliResult) result = RUN (verbs[i][0], verbs[i][1]);

      cli_assert_status (result, 1);
      assert_contains (result->err, "alembic_version in ");
      assert_contains (result->err, " is a view, not a table");
    }
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);

  cli_db_exec (fixture->database,
               "DROP VIEW alembic_version;"
               "CREATE TABLE alembic_version (version_num VARCHAR(32));"
               "INSERT INTO alembic_version VALUES ('" QUANTITY "'), ('" QUANTITY "');");
  twice = RUN ("upgrade", "head");
  cli_assert_status (twice, 1);
  assert_contains (twice->err, "holds revision " QUANTITY " twice");
  /* What the message says to do works. */
  start = strstr (twice->err, "(DELETE FROM ") + 1;
  end = strstr (start, "version_num))") + strlen ("version_num)");
  delete = g_strndup (start, end - start);
  cli_db_exec (fixture->database, delete);
  RUN_OK ("upgrade", "head");
}

/* check says what upgrade and current say of a version table no tool wrote,
 * exits 1 and leaves the file as it was. */
static void
test_check_odd_version_tables (CliFixture    *fixture,
                               gconstpointer  data)
{
  const struct { const char *rows; const char *expected; } cases[] = {
    /* A row two steps behind the other. */
    { "('1975ea83b712'), ('" QUANTITY "')", "1975ea83b712 is an ancestor of " QUANTITY },
    /* Both heads of a branch point, and a third row behind one of them. */
    { "('6a4c1e8d9f03'), ('7b5d2f9e0a14'), ('3cb9a1d5f0e2')",
      "3cb9a1d5f0e2 is an ancestor of 6a4c1e8d9f03" },
    /* Two rows on one branch, the older last. */
    { "('6a4c1e8d9f03'), ('5e2f7a9c3b81')", "5e2f7a9c3b81 is an ancestor of 6a4c1e8d9f03" },
    { "('" QUANTITY "'), (NULL)", "a row with no revision (NULL or empty)" },
  };
  g_autoptr(CliResult) unknown = NULL;

  RUN_OK ("upgrade", QUANTITY);
  cli_db_exec (fixture->database,
               "DROP TABLE alembic_version;"
               "CREATE TABLE alembic_version (version_num VARCHAR(32));");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM alembic_version;"
                                              "INSERT INTO alembic_version VALUES %s;",
                                              cases[i].rows);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autoptr(CliResult) check = NULL;
      g_autoptr(CliResult) json = NULL;
      g_autoptr(CliResult) current = NULL;

      cli_db_exec (fixture->database, sql);
      before = cli_file_digest (fixture->database);
      current = RUN ("current");
      cli_assert_status (current, 1);
      assert_contains (current->err, cases[i].expected);
      check = RUN ("check");
      cli_assert_status (check, 1);
      assert_contains (check->err, cases[i].expected);
      assert_contains (check->err, "stamp --purge");
      g_assert_null (strstr (check->out, "No new upgrade operations"));
      /* For a script: no document at all (docs/cli.md, JSON), never one
       * that says "up to date" or lists nothing pending. */
      json = RUN ("--json", "check");
      cli_assert_status (json, 1);
      g_assert_cmpstr (json->out, ==, "");
      assert_contains (json->err, cases[i].expected);
      after = cli_file_digest (fixture->database);
      g_assert_cmpstr (before, ==, after);
    }

  /* A row naming a revision nobody has is one of check's findings (see
   * docs/cli.md), told on stdout with the others; the exit status is 1. */
  cli_db_exec (fixture->database, "DELETE FROM alembic_version;"
                                  "INSERT INTO alembic_version VALUES ('" QUANTITY "'), "
                                  "('feedfacecafe');");
  unknown = RUN ("check");
  cli_assert_status (unknown, 1);
  assert_contains (unknown->out, "Unknown revision in the version table: feedfacecafe");
  assert_contains (unknown->err, "1 unknown revision in the version table");
}

/* Odd arguments to every verb: an answer, never a crash. */
static void
test_argument_fuzz (CliFixture    *fixture,
                    gconstpointer  data)
{
  const char *verbs[] = { "show", "history", "current", "heads", "branches", "upgrade",
                          "downgrade", "stamp", "check", "rehearse", "restore", "revision",
                          "merge", "backups", "schema", "edit" };
  /* Valid UTF-8 only: the harness reads the output as text. */
  const char *odd[] = { "\x01" "0", "-\x01", "--", "-", "-0", "-1", "+1", "@", "@-1", "::",
                        "a:b:c", "%s%n%s", "-r", "--rev-range=::", "head@-999999999999",
                        "1975ea83b712@+99999999999999999999", "-99999999999999999999",
                        "\x7f", "heads@head", "base:head:base", "-\x01" "0", "\x01" };

  RUN_OK ("upgrade", QUANTITY);
  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
    for (guint a = 0; a < G_N_ELEMENTS (odd); a++)
      {
        const char *env[] = { "EDITOR=false", "VISUAL=false", NULL };
        const char *argv[] = { "-C", fixture->project, verbs[v], odd[a], NULL };
        g_autoptr(CliResult) result = cli_run_full (fixture->project, env, argv);

        /* cli_run_full() asserts the process exited rather than died. */
        g_assert_cmpint (result->status, <=, 2);
      }
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/cli/red-team/" path, CliFixture, NULL, cli_fixture_setup, func, \
              cli_fixture_teardown)

  ADD ("backup/failed-restore-deletes-nothing", test_failed_restore_deletes_nothing);
  ADD ("version-table/view", test_version_table_view);
  ADD ("backup/foreign-restore", test_foreign_restore);
  ADD ("backup/same-name-databases", test_same_name_databases);
  ADD ("backup/partial-files-cleaned", test_partial_files_cleaned);
  ADD ("backup/announced", test_backup_announced);
  ADD ("ids/reserved", test_reserved_ids);
  ADD ("downgrade/missing", test_missing_downgrade);
  ADD ("ids/rev-id-path", test_rev_id_path);
  ADD ("ids/alembic-shaped", test_alembic_shaped_ids);
  ADD ("files/odd-revision-files", test_odd_revision_files);
  ADD ("files/odd-database", test_odd_database);
  ADD ("files/odd-version-tables", test_odd_version_tables);
  ADD ("files/check-odd-version-tables", test_check_odd_version_tables);
  ADD ("arguments/fuzz", test_argument_fuzz);

  return g_test_run ();
}
