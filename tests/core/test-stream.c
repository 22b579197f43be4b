/* test-stream.c: big revision files, read a piece at a time. A run reads
 * the section again from the file as it runs, records what ran, and never
 * records a file that changed while it ran.
 *
 * Every file of this test counts as big ($STRATA_STREAM_ABOVE=0), so that
 * small files take the path of a 50 MB one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "core-test.h"
#include "strata-revision-private.h"

typedef struct
{
  char          *dir;
  char          *db;
  char          *path;  /* versions/r1.sql */
  StrataProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = ct_make_tmp ();
  ct_write_config (f->dir);
  f->db = g_build_filename (f->dir, "test.db", NULL);
  f->path = g_build_filename (f->dir, "versions", "r1.sql", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  ct_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->path);
}

/* INSERTs of @n rows, each with a value of @width bytes. */
static char *
inserts (guint n,
         guint width)
{
  GString *sql = g_string_new ("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n");
  g_autofree char *pad = g_strnfill (width, 'x');

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (sql, "INSERT INTO t VALUES (%u, '%s');\n", i, pad);
  return g_string_free (sql, FALSE);
}

static void
write_text (const char *path,
            const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* What the run must run and record: the file read whole, with its Windows
 * line ends, a statement longer than the cursor's window (256 KiB), a
 * string holding ";" across lines, a trigger and comments. */
static void
test_same_as_whole (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *pad = g_strnfill (600 * 1024, 'y');
  g_autofree char *upgrade =
    g_strdup_printf ("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\r\n"
                     "-- a comment; with a semicolon\r\n"
                     "INSERT INTO t VALUES (1, 'a;\r\nb');\r\n"
                     "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\r\n"
                     "  UPDATE t SET v = v || ';' WHERE id = new.id;\r\n"
                     "END;\r\n"
                     "INSERT INTO t VALUES (2, '%s');\r\n"
                     "/* the end; */ INSERT INTO t VALUES (3, 'c')\r\n", pad);
  g_autofree char *text =
    g_strdup_printf ("-- load\r\n--\r\n-- Revision ID: r1\r\n-- Revises:\r\n\r\n"
                     "-- migrate:upgrade\r\n%s-- migrate:downgrade\r\nDROP TABLE t;\r\n",
                     upgrade);
  g_autoptr(GString) expected = g_string_new (upgrade);
  g_autofree char *checksum = NULL;
  g_autofree char *recorded = NULL;

  write_text (f->path, text);
  g_string_replace (expected, "\r\n", "\n", 0);
  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, expected->str, -1);

  f->project = ct_open_project (f->dir);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");
  ct_assert_heads (f->db, "r1");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM t"), ==, 3);
  g_assert_cmpint (ct_query_int (f->db, "SELECT length(v) FROM t WHERE id = 2"), ==,
                   600 * 1024 + 1);
  ct_assert_query (f->db, "SELECT v FROM t WHERE id = 1", "a;\nb");
  ct_assert_query (f->db, "SELECT v FROM t WHERE id = 3", "c;");

  /* The history holds the section as it ran, and its checksum. */
  ct_assert_query (f->db, "SELECT checksum FROM strata_history", checksum);
  recorded = ct_query (f->db, "SELECT CAST(upgrade_sql AS TEXT) FROM strata_history_sql");
  g_assert_cmpstr (recorded, ==, expected->str);

  /* With the file gone, the downgrade runs from the history. */
  g_assert_cmpint (g_unlink (f->path), ==, 0);
  g_clear_object (&f->project);
  f->project = ct_open_project (f->dir);
  ct_migrate (f->project, STRATA_DIRECTION_DOWNGRADE, "base");
  ct_assert_heads (f->db, "");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'"),
                   ==, 0);
}

typedef struct
{
  const char *path;
  const char *from;  /* replaced in the file, in place, by to */
  const char *to;
  gboolean    edited;
} Edit;

static void
edit_in_place (const char *path,
               const char *from,
               const char *to)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  const char *at;
  int fd;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_nonnull (at = g_strrstr (text, from));
  g_assert_cmpuint (strlen (from), ==, strlen (to));
  g_assert_cmpint (fd = open (path, O_WRONLY), >=, 0);
  g_assert_cmpint (pwrite (fd, to, strlen (to), at - text), ==, (gssize)strlen (to));
  close (fd);
}

/* Edits the file as its first statement starts: after the run read it,
 * before it commits. */
static void
statement_cb (StrataMigration *migration,
              GParamSpec      *pspec,
              Edit            *edit)
{
  if (edit->edited || strata_migration_get_statement (migration) == NULL)
    return;
  edit_in_place (edit->path, edit->from, edit->to);
  edit->edited = TRUE;
}

/* A file edited while it runs is not recorded as run: the step is rolled
 * back with a clear error, and the database is as it was. @data is the
 * number of rows: a few, which the run holds whole by the time the file
 * changes (caught when the history row is written), or more than the
 * cursor's window holds (caught as the section is read). */
static void
test_edited_during_run (Fixture       *f,
                        gconstpointer  data)
{
  guint rows = GPOINTER_TO_UINT (data);
  g_autofree char *upgrade = inserts (rows, 100);
  g_autofree char *last = g_strdup_printf ("INSERT INTO t VALUES (%u, 'x", rows);
  g_autofree char *changed = g_strdup_printf ("INSERT INTO t VALUES (%u, 'z", rows);
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Edit edit = { f->path, last, changed, FALSE };

  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE keep (x); INSERT INTO keep VALUES (1);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  ct_write_revision (f->dir, "r1", NULL, "load", upgrade, "DROP TABLE t;\n");
  f->project = ct_open_project (f->dir);
  before = ct_dump (f->db);

  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "head");
  g_signal_connect (migration, "notify::statement", G_CALLBACK (statement_cb), &edit);
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_true (edit.edited);
  g_assert_true (error->domain == STRATA_ERROR);
  g_assert_nonnull (strstr (error->message, "r1.sql"));
  g_assert_nonnull (strstr (error->message, "changed on disk"));

  /* Not a table, not a version row more than before. */
  after = ct_dump (f->db);
  g_assert_cmpstr (after, ==, before);
  g_assert_null (strstr (after, "INSERT INTO t "));
  /* The history may say the step failed, never that it ran. */
  if (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema "
                           "WHERE name = 'strata_history'") > 0)
    g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history "
                                          "WHERE outcome = 'success'"), ==, 0);
}

/* @text parsed whole, as a small file is, and a piece at a time from its
 * file, as a big one is. */
static void
parse_both (Fixture         *f,
            const char      *text,
            gsize            length,
            StrataRevision **whole,
            StrataRevision **streamed,
            GError         **whole_error,
            GError         **streamed_error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, length);
  int fd;

  g_assert_true (g_file_set_contents (f->path, text, length, NULL));
  *whole = _strata_revision_new_from_bytes (g_strdup (f->path), g_strdup ("r1.sql"), bytes,
                                            whole_error);
  g_assert_cmpint (fd = open (f->path, O_RDONLY), >=, 0);
  *streamed = _strata_revision_new_from_fd (g_strdup (f->path), g_strdup ("r1.sql"), fd,
                                            streamed_error);
  close (fd);
}

/* The parser that reads a file a piece at a time (64 KiB) finds what the
 * one reading it whole finds, wherever the pieces end: the same header,
 * sections, lines, text and checksums, and the same errors. */
static void
test_parse_alike (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *long_sql = g_strnfill (200 * 1024, 'q');
  g_autofree char *long_comment = g_strnfill (150 * 1024, ' ');
  const char *accents = "-- migrate:downgrade\nSELECT 'é€😀';\n";
  g_autoptr(GString) padded = g_string_new ("-- p\n-- Revision ID: r1\n-- migrate:upgrade\n");
  char *texts[8] = { NULL };
  gsize lengths[8];

  texts[0] = g_strdup ("-- m\r\n--\r\n-- Revision ID: r1\r\n-- Revises:\r\n\r\n"
                       "--  migrate:upgrade\r\nSELECT 1;\r\n-- migrate:downgrade "
                       "transaction:false\r\nSELECT 2;\r");
  texts[1] = g_strdup_printf ("-- Revision ID: r1\n-- migrate:upgrade\nSELECT '%s';\n"
                              "--%s\n-- migrate:downgrade\nSELECT 3;", long_sql, long_comment);
  texts[2] = g_strdup_printf ("-- Revision ID: r1\n-- migrate:upgrade\n--\t\t%s\n"
                              "-- migrate:downgrade\nSELECT 3;\n", long_sql);
  /* Multibyte characters across every piece boundary. */
  while (padded->len < 3 * 64 * 1024)
    g_string_append (padded, "SELECT 'é€😀';\n");
  g_string_append (padded, accents);
  texts[3] = g_strdup (padded->str);
  texts[4] = g_strdup ("-- Revision ID: r1\n-- migrate:upgrade\nSELECT '\xff';\n");
  texts[5] = g_strdup ("-- Revision ID: r1\nSELECT 1;\n-- migrate:upgrade\n");
  texts[6] = g_strdup ("-- Revision ID: r1\n-- migrate:upgrade\n-- migrate:upgrade\n");
  texts[7] = g_strdup ("-- no id\n-- migrate:upgrade\nSELECT 1;\n");
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    lengths[i] = strlen (texts[i]);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(StrataRevision) whole = NULL;
      g_autoptr(StrataRevision) streamed = NULL;
      g_autoptr(GError) whole_error = NULL;
      g_autoptr(GError) streamed_error = NULL;

      parse_both (f, texts[i], lengths[i], &whole, &streamed, &whole_error, &streamed_error);
      if (whole == NULL)
        {
          g_assert_null (streamed);
          g_assert_nonnull (whole_error);
          g_assert_nonnull (streamed_error);
          g_assert_cmpstr (streamed_error->message, ==, whole_error->message);
          continue;
        }
      g_assert_no_error (streamed_error);
      g_assert_cmpstr (strata_revision_get_id (streamed), ==, strata_revision_get_id (whole));
      for (StrataDirection d = STRATA_DIRECTION_UPGRADE; d <= STRATA_DIRECTION_DOWNGRADE; d++)
        {
          g_autofree char *a = strata_revision_get_checksum (whole, d);
          g_autofree char *b = strata_revision_get_checksum (streamed, d);

          g_assert_cmpstr (strata_revision_get_sql (streamed, d), ==,
                           strata_revision_get_sql (whole, d));
          g_assert_cmpstr (b, ==, a);
          g_assert_cmpuint (strata_revision_get_sql_line (streamed, d), ==,
                            strata_revision_get_sql_line (whole, d));
          g_assert_cmpint (strata_revision_get_transactional (streamed, d), ==,
                           strata_revision_get_transactional (whole, d));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_free (texts[i]);
}

int
main (int   argc,
      char *argv[])
{
  /* Before the first revision is read: the threshold is read once. */
  g_setenv ("STRATA_STREAM_ABOVE", "0", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/stream/parse-alike", test_parse_alike, NULL);
  ADD ("/core/stream/same-as-whole", test_same_as_whole, NULL);
  ADD ("/core/stream/edited-after-read", test_edited_during_run, GUINT_TO_POINTER (3));
  ADD ("/core/stream/edited-while-read", test_edited_during_run, GUINT_TO_POINTER (20000));
#undef ADD

  return g_test_run ();
}
