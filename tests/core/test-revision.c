/* test-revision.c: reading and writing revision files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <strata.h>

static const char *example =
  "-- Create maker-hub parts table\n"
  "--\n"
  "-- Revision ID: df07dde39ce9\n"
  "-- Revises:\n"
  "-- Create Date: 2021-05-29 21:12:31.941787\n"
  "-- Branch Labels: parts\n"
  "-- Depends On: ab12cd34ef56\n"
  "\n"
  "-- migrate:upgrade\n"
  "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
  "\n"
  "-- migrate:downgrade transaction:false\n"
  "DROP TABLE part;\n";

static void
test_parse_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) rev = strata_revision_new_from_data ("x.sql", example, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_id (rev), ==, "df07dde39ce9");
  g_assert_cmpstr (strata_revision_get_message (rev), ==, "Create maker-hub parts table");
  g_assert_true (strata_revision_is_base (rev));
  g_assert_cmpstrv (strata_revision_get_branch_labels (rev), ((const char *[]) { "parts", NULL }));
  g_assert_cmpstrv (strata_revision_get_depends_on (rev),
                    ((const char *[]) { "ab12cd34ef56", NULL }));
  g_assert_cmpstr (strata_revision_get_create_date (rev), ==, "2021-05-29 21:12:31.941787");
  g_assert_cmpstr (strata_revision_get_sql (rev, STRATA_DIRECTION_UPGRADE), ==,
                   "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n\n");
  g_assert_cmpuint (strata_revision_get_sql_line (rev, STRATA_DIRECTION_UPGRADE), ==, 10);
  g_assert_cmpuint (strata_revision_get_sql_line (rev, STRATA_DIRECTION_DOWNGRADE), ==, 13);
  g_assert_true (strata_revision_get_transactional (rev, STRATA_DIRECTION_UPGRADE));
  g_assert_false (strata_revision_get_transactional (rev, STRATA_DIRECTION_DOWNGRADE));
}

/* What Notepad and VS Code's "UTF-8 with BOM" write: a byte-order mark
 * first, and CRLF line ends. Read as the same revision. */
static void
test_byte_order_mark (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) windows = g_string_new ("\xEF\xBB\xBF");
  g_autoptr(StrataRevision) rev = NULL;

  g_string_append (windows, example);
  g_string_replace (windows, "\n", "\r\n", 0);
  rev = strata_revision_new_from_data ("x.sql", windows->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_id (rev), ==, "df07dde39ce9");
  g_assert_cmpstr (strata_revision_get_message (rev), ==, "Create maker-hub parts table");
  g_assert_cmpuint (strata_revision_get_sql_line (rev, STRATA_DIRECTION_UPGRADE), ==, 10);
}

/* An Alembic module's message as Alembic shows it: a first line that reads
 * like a word and a colon ("Migrate: …") is the message, and a module saved
 * "UTF-8 with BOM" keeps its docstring. */
static void
test_alembic_messages (void)
{
  const char *module =
    "\"\"\"Migrate: move emails to contacts\n\nRevision ID: m1\nRevises:\n"
    "Create Date: 2024-01-01 00:00:00.000000\n\"\"\"\n"
    "revision = 'm1'\ndown_revision = None\n";
  g_autofree char *with_bom = g_strconcat ("\xEF\xBB\xBF", module, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) plain = strata_alembic_project_read_revision ("m1.py", module, &error);
  g_autoptr(StrataRevision) bom = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_message (plain), ==, "Migrate: move emails to contacts");
  bom = strata_alembic_project_read_revision ("m1.py", with_bom, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_message (bom), ==, "Migrate: move emails to contacts");
  g_assert_cmpstr (strata_revision_get_create_date (bom), ==, "2024-01-01 00:00:00.000000");
}

static void
test_keys_ignore_case (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) rev =
    strata_revision_new_from_data ("x.sql",
                                   "-- merge\n--\n-- REVISION id: aaaa11112222\n"
                                   "-- revises: bbbb, cccc ,\n", -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_id (rev), ==, "aaaa11112222");
  g_assert_true (strata_revision_is_merge (rev));
  g_assert_cmpstrv (strata_revision_get_down_revisions (rev),
                    ((const char *[]) { "bbbb", "cccc", NULL }));
}

static void
test_round_trip_keeps_everything (void)
{
  const char *text =
    "-- Move manufacturers\n"
    "--\n"
    "-- A note the author wrote.\n"
    "-- Revision ID: 5e2f7a9c3b81\n"
    "-- Revises: 4d0e8f6b2a17\n"
    "-- Create Date: 2021-08-09 15:30:22.615940\n"
    "-- Reviewed-By: Ada\n"
    "\n"
    "-- migrate:upgrade\n"
    "UPDATE part SET x = 1; -- trailing comment\n"
    "\n"
    "-- migrate:downgrade\n"
    "UPDATE part SET x = 0;\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) rev = strata_revision_new_from_data ("x.sql", text, -1, &error);
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  written = strata_revision_to_data (rev);
  g_assert_cmpstr (written, ==, text);
}

static void
test_errors_name_file_and_line (void)
{
  struct { const char *text; const char *needle; } cases[] = {
    { "-- no id\n\n-- migrate:upgrade\nSELECT 1;\n", "bad.sql:1: no “Revision ID:”" },
    { "-- m\n-- Revision ID: has space\n", "bad.sql:2:" },
    { "-- m\n-- Revision ID: abcd\nSELECT 1;\n", "bad.sql:3: SQL before" },
    { "-- m\n-- Revision ID: abcd\n-- migrate:sideways\n", "bad.sql:3: unknown section" },
    { "-- m\n-- Revision ID: abcd\n-- migrate:upgrade transaction:maybe\n",
      "bad.sql:3: unknown option" },
    { "-- m\n-- Revision ID: abcd\n-- migrate:upgrade\n-- migrate:upgrade\n",
      "bad.sql:4: a second" },
    { "-- m\n-- Revision ID: abcd\n-- Revises: a b\n", "bad.sql:3:" },
    { "\xff\xfe", "bad.sql: not a text file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataRevision) rev =
        strata_revision_new_from_data ("bad.sql", cases[i].text, -1, &error);

      g_assert_null (rev);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      if (!g_str_has_prefix (error->message, cases[i].needle))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].needle);
    }
}

static void
test_split_keeps_triggers_and_strings (void)
{
  const char *sql =
    "CREATE TABLE t (a TEXT); -- one\n"
    "INSERT INTO t VALUES ('a;b');\n"
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
    "  UPDATE t SET a = 'x;y';\n"
    "  DELETE FROM t WHERE a = ';';\n"
    "END;\n"
    "/* only a comment; */\n";
  g_autoptr(GPtrArray) statements = strata_sql_split (sql);
  StrataStatement *trigger;

  g_assert_cmpuint (statements->len, ==, 3);
  trigger = g_ptr_array_index (statements, 2);
  g_assert_cmpuint (trigger->line, ==, 3);
  g_assert_true (g_str_has_prefix (trigger->text, "CREATE TRIGGER"));
  g_assert_true (g_str_has_suffix (trigger->text, "END;"));
}

static void
test_file_name_and_id (void)
{
  g_autofree char *id = strata_revision_generate_id ();
  g_autofree char *name = strata_revision_make_file_name ("ab12", "Add supplier table!");
  g_autofree char *quoted = strata_sql_quote_identifier ("we\"ird");

  g_assert_cmpuint (strlen (id), ==, 12);
  for (const char *p = id; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  g_assert_cmpstr (name, ==, "ab12_add_supplier_table.sql");
  g_assert_cmpstr (quoted, ==, "\"we\"\"ird\"");
}

/* A header longer than anything a revision keeps in one block: every value
 * still reads whole, and values replaced afterwards are freed exactly once
 * (valgrind and ASan check the second half). */
static void
test_long_header_and_setters (void)
{
  g_autoptr(GString) text = g_string_new ("-- First line of a long message\n");
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) rev = NULL;
  g_autofree char *joined = NULL;
  const char *labels[] = { "one", "two", NULL };

  g_string_append (text, "-- second line, which makes the message two lines long\n--\n");
  g_string_append (text, "-- Revision ID: 0123456789abcdef0123456789abcdef\n-- Revises: ");
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (parents, g_strdup_printf ("aaaa%08u", i));
  g_ptr_array_add (parents, NULL);
  joined = g_strjoinv (", ", (char **)parents->pdata);
  g_string_append_printf (text, "%s\n-- Create Date: 2024-01-01 00:00:00.000000\n", joined);
  g_string_append (text, "-- Branch Labels: a, b\n-- Depends On: aaaa00000001\n\n"
                         "-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\nSELECT 2;\n");

  rev = strata_revision_new_from_data ("long.sql", text->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_id (rev), ==, "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (strata_revision_get_message (rev), ==,
                   "First line of a long message\n"
                   "second line, which makes the message two lines long");
  g_ptr_array_remove_index (parents, parents->len - 1);
  g_assert_cmpuint (g_strv_length ((char **)strata_revision_get_down_revisions (rev)), ==, 40);
  for (guint i = 0; i < 40; i++)
    g_assert_cmpstr (strata_revision_get_down_revisions (rev)[i], ==,
                     g_ptr_array_index (parents, i));
  g_assert_cmpstrv (strata_revision_get_branch_labels (rev), ((const char *[]) { "a", "b", NULL }));
  g_assert_cmpstr (strata_revision_get_create_date (rev), ==, "2024-01-01 00:00:00.000000");

  strata_revision_set_id (rev, "fedcba987654");
  strata_revision_set_message (rev, "Replaced");
  strata_revision_set_create_date (rev, "2025-01-01 00:00:00.000000");
  strata_revision_set_branch_labels (rev, labels);
  strata_revision_set_down_revisions (rev, NULL);
  strata_revision_set_depends_on (rev, labels);
  g_assert_cmpstr (strata_revision_get_id (rev), ==, "fedcba987654");
  g_assert_cmpstr (strata_revision_get_message (rev), ==, "Replaced");
  g_assert_true (strata_revision_is_base (rev));
  g_assert_cmpstrv (strata_revision_get_branch_labels (rev), labels);
}

typedef struct
{
  GAsyncResult *result;
  GFile        *file_before_finish;
} Saved;

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Saved *saved = user_data;
  GFile *file = strata_revision_get_file (STRATA_REVISION (object));

  saved->file_before_finish = file != NULL ? g_object_ref (file) : NULL;
  saved->result = g_object_ref (result);
}

static GAsyncResult *
wait_saved (Saved *saved)
{
  while (saved->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return saved->result;
}

/* The worker writes the text the revision had when the save was asked
 * for; the revision learns its file and lines in _finish, as the
 * synchronous save does. An Alembic module is never written over. */
static void
test_save_async (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-revision-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "abc123_new.sql", NULL);
  g_autofree char *py_path = g_build_filename (dir, "abc123_new.py", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) py_file = g_file_new_for_path (py_path);
  g_autoptr(StrataRevision) revision = strata_revision_new ("abc123", "New table");
  g_autoptr(StrataRevision) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *written = NULL;
  Saved saved = { 0 };
  Saved refused = { 0 };

  strata_revision_set_sql (revision, STRATA_DIRECTION_UPGRADE, "CREATE TABLE t (x);\n");
  strata_revision_set_sql (revision, STRATA_DIRECTION_DOWNGRADE, "DROP TABLE t;\n");
  expected = strata_revision_to_data (revision);
  strata_revision_save_async (revision, file, NULL, saved_cb, &saved);
  strata_revision_set_sql (revision, STRATA_DIRECTION_UPGRADE, "CREATE TABLE later (x);\n");
  wait_saved (&saved);
  g_assert_null (saved.file_before_finish);
  g_assert_true (strata_revision_save_finish (revision, saved.result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, expected);
  g_assert_true (g_file_equal (strata_revision_get_file (revision), file));
  reread = strata_revision_new_from_data (path, written, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_revision_get_sql_line (revision, STRATA_DIRECTION_DOWNGRADE), ==,
                    strata_revision_get_sql_line (reread, STRATA_DIRECTION_DOWNGRADE));
  g_assert_cmpuint (strata_revision_get_sql_line (revision, STRATA_DIRECTION_DOWNGRADE), >, 1);

  strata_revision_save_async (revision, py_file, NULL, saved_cb, &refused);
  wait_saved (&refused);
  g_assert_false (strata_revision_save_finish (revision, refused.result, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "--from-alembic"));
  g_assert_false (g_file_test (py_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_equal (strata_revision_get_file (revision), file));

  g_clear_object (&saved.result);
  g_clear_object (&refused.result);
  g_clear_object (&refused.file_before_finish);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/revision/parse-header", test_parse_header);
  g_test_add_func ("/core/revision/keys-ignore-case", test_keys_ignore_case);
  g_test_add_func ("/core/revision/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/core/revision/alembic-messages", test_alembic_messages);
  g_test_add_func ("/core/revision/round-trip", test_round_trip_keeps_everything);
  g_test_add_func ("/core/revision/errors", test_errors_name_file_and_line);
  g_test_add_func ("/core/revision/split", test_split_keeps_triggers_and_strings);
  g_test_add_func ("/core/revision/file-name", test_file_name_and_id);
  g_test_add_func ("/core/revision/long-header-and-setters", test_long_header_and_setters);
  g_test_add_func ("/core/revision/save-async", test_save_async);

  return g_test_run ();
}
