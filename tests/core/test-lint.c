/* test-lint.c: each warning of the linter, on the line it belongs to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <string.h>
#include <strata.h>

static const char *base_text =
  "-- base\n--\n-- Revision ID: base0001\n-- Revises:\n\n"
  "-- migrate:upgrade\n"
  "CREATE TABLE gone (x INTEGER);\n"
  "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, indexed TEXT, code TEXT);\n"
  "CREATE INDEX t_indexed ON t (indexed);\n"
  "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
  "-- migrate:downgrade\n"
  "DROP TABLE part; DROP TABLE t; DROP TABLE gone;\n";

/* Line numbers below are the file's. */
static const char *lint_text =
  "-- lint me\n"                                                         /* 1 */
  "--\n"
  "-- Revision ID: lint0002\n"
  "-- Revises: base0001\n"
  "\n"                                                                   /* 5 */
  "-- migrate:upgrade\n"
  "BEGIN;\n"                                                             /* 7 */
  "PRAGMA foreign_keys = OFF;\n"                                         /* 8 */
  "DROP TABLE gone;\n"                                                   /* 9 */
  "ALTER TABLE t DROP COLUMN note;\n"                                    /* 10 */
  "ALTER TABLE t ADD COLUMN must INTEGER NOT NULL;\n"                    /* 11 */
  "ALTER TABLE t DROP COLUMN indexed;\n"                                 /* 12 */
  "ALTER TABLE part RENAME TO old_part;\n"                               /* 13 */
  "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"    /* 14 */
  "INSERT INTO part SELECT id, name FROM old_part;\n"                    /* 15 */
  "DROP TABLE old_part;\n"                                               /* 16 */
  "CREATE UNIQUE INDEX t_code ON t (code);\n"                            /* 17 */
  "COMMIT;\n"                                                            /* 18 */
  "\n"
  "-- migrate:downgrade\n"                                               /* 20 */
  "SELECT 1;\n";

typedef struct
{
  guint          line;
  StrataLintCode code;
} Expected;

static StrataRevision *
revision_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  StrataRevision *revision = strata_revision_new_from_data ("versions/x.sql", text, -1, &error);

  g_assert_no_error (error);
  return revision;
}

static StrataRevisionGraph *
graph_of (StrataRevision *base,
          StrataRevision *revision)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  StrataRevisionGraph *graph;

  g_ptr_array_add (revisions, g_object_ref (base));
  g_ptr_array_add (revisions, g_object_ref (revision));
  graph = strata_revision_graph_new (revisions, &error);
  g_assert_no_error (error);
  return graph;
}

static gboolean
has_warning (GPtrArray      *warnings,
             guint           line,
             StrataLintCode  code)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      StrataLintWarning *warning = g_ptr_array_index (warnings, i);

      if (warning->line == line && warning->code == code)
        return TRUE;
    }
  return FALSE;
}

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      g_autofree char *text = strata_lint_warning_to_string (g_ptr_array_index (warnings, i));
      g_test_message ("%s", text);
    }
}

static StrataDatabase *
database_with_bad_rows (void)
{
  g_autoptr(GError) error = NULL;
  StrataDatabase *database = strata_database_open_memory (&error);

  g_assert_no_error (error);
  g_assert_true (strata_database_exec (database,
                                       "CREATE TABLE gone (x INTEGER);"
                                       "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, "
                                       "indexed TEXT, code TEXT);"
                                       "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);"
                                       "INSERT INTO t (code) VALUES ('a'), ('a'), ('b');"
                                       "INSERT INTO part (name) VALUES ('bolt'), (NULL);",
                                       &error));
  g_assert_no_error (error);
  return database;
}

static void
test_every_warning (void)
{
  static const Expected expected[] = {
    { 7, STRATA_LINT_TRANSACTION_CONTROL },
    { 8, STRATA_LINT_PRAGMA_IN_TRANSACTION },
    { 9, STRATA_LINT_DATA_LOSS },
    { 10, STRATA_LINT_DATA_LOSS },
    { 11, STRATA_LINT_NOT_NULL_WITHOUT_DEFAULT },
    { 12, STRATA_LINT_DATA_LOSS },
    { 12, STRATA_LINT_DROP_COLUMN_REFUSED },
    { 13, STRATA_LINT_RENAME_ASIDE },
    { 14, STRATA_LINT_VIOLATING_ROWS },
    { 16, STRATA_LINT_DATA_LOSS },
    { 17, STRATA_LINT_VIOLATING_ROWS },
    { 18, STRATA_LINT_TRANSACTION_CONTROL },
  };
  g_autoptr(StrataRevision) base = revision_from (base_text);
  g_autoptr(StrataRevision) revision = revision_from (lint_text);
  g_autoptr(StrataRevisionGraph) graph = graph_of (base, revision);
  g_autoptr(StrataDatabase) database = database_with_bad_rows ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, graph, database, NULL, &error);
  g_autofree char *first = NULL;

  g_assert_no_error (error);
  print_warnings (warnings);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_test_message ("expecting line %u code %d", expected[i].line, expected[i].code);
      g_assert_true (has_warning (warnings, expected[i].line, expected[i].code));
    }
  g_assert_cmpuint (warnings->len, ==, G_N_ELEMENTS (expected));
  first = strata_lint_warning_to_string (g_ptr_array_index (warnings, 0));
  g_assert_true (g_str_has_prefix (first, "versions/x.sql:7: warning: "));
}

/* Without a graph or a database only the checks on the text run. */
static void
test_text_only (void)
{
  g_autoptr(StrataRevision) revision = revision_from (lint_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  print_warnings (warnings);
  g_assert_true (has_warning (warnings, 11, STRATA_LINT_NOT_NULL_WITHOUT_DEFAULT));
  g_assert_false (has_warning (warnings, 12, STRATA_LINT_DROP_COLUMN_REFUSED));
  g_assert_false (has_warning (warnings, 14, STRATA_LINT_VIOLATING_ROWS));
  g_assert_cmpuint (warnings->len, ==, 9);
}

/* A downgrade that only undoes its own upgrade loses nothing that predates
 * the revision; dropping anything older still warns. */
static void
test_downgrade_undoing_upgrade (void)
{
  g_autoptr(StrataRevision) revision = revision_from (
    "-- undo\n--\n-- Revision ID: undo0003\n-- Revises: base0001\n\n"
    "-- migrate:upgrade\n"                                    /* 6 */
    "CREATE TABLE fresh (id INTEGER PRIMARY KEY);\n"
    "ALTER TABLE t ADD COLUMN extra TEXT;\n"
    "-- migrate:downgrade\n"                                  /* 9 */
    "ALTER TABLE t DROP COLUMN extra;\n"                      /* 10 */
    "DROP TABLE fresh;\n"                                     /* 11 */
    "ALTER TABLE t DROP COLUMN note;\n"                       /* 12 */
    "DROP TABLE gone;\n");                                    /* 13 */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  print_warnings (warnings);
  g_assert_false (has_warning (warnings, 10, STRATA_LINT_DATA_LOSS));
  g_assert_false (has_warning (warnings, 11, STRATA_LINT_DATA_LOSS));
  g_assert_true (has_warning (warnings, 12, STRATA_LINT_DATA_LOSS));
  g_assert_true (has_warning (warnings, 13, STRATA_LINT_DATA_LOSS));
  g_assert_cmpuint (warnings->len, ==, 2);
}

/* What autogenerate writes, a rebuild included, draws no warning upwards. */
static void
test_generated_is_clean (void)
{
  g_autoptr(StrataAutogen) autogen =
    strata_autogen_new_for_sql ("CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);"
                                "CREATE VIEW v AS SELECT name FROM part;",
                                "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
                                "DEFAULT '', price REAL DEFAULT 0);"
                                "CREATE VIEW v AS SELECT name FROM part;");
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRevision) base = NULL;
  g_autoptr(StrataRevision) revision = strata_revision_new ("gen00002", "generated");
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GPtrArray) warnings = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  base = revision_from ("-- b\n--\n-- Revision ID: base0001\n-- Revises:\n\n-- migrate:upgrade\n"
                        "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
                        "CREATE VIEW v AS SELECT name FROM part;\n-- migrate:downgrade\n");
  strata_revision_set_down_revisions (revision, (const char *[]) { "base0001", NULL });
  strata_revision_set_sql (revision, STRATA_DIRECTION_UPGRADE,
                           strata_autogen_get_upgrade_sql (autogen));
  strata_revision_set_sql (revision, STRATA_DIRECTION_DOWNGRADE,
                           strata_autogen_get_downgrade_sql (autogen));
  strata_revision_set_display_path (revision, "versions/gen.sql");
  graph = graph_of (base, revision);
  warnings = strata_lint_revision (revision, graph, NULL, NULL, &error);
  g_assert_no_error (error);
  print_warnings (warnings);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_outside_transaction (void)
{
  g_autoptr(StrataRevision) revision =
    revision_from ("-- w\n--\n-- Revision ID: wal00001\n-- Revises:\n\n"
                   "-- migrate:upgrade transaction:false\nPRAGMA foreign_keys = ON;\nVACUUM;\n"
                   "-- migrate:downgrade\n-- strata:no-downgrade\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
}

/* An upgrade with an empty downgrade is warned about at the downgrade
 * section, with the marker to use; the marker, a merge and a revision with
 * both sections empty are left alone. */
static void
test_missing_downgrade (void)
{
  const char *head = "-- d\n--\n-- Revision ID: down0001\n-- Revises:\n\n-- migrate:upgrade\n";
  const char *cases[][2] = {
    { "CREATE TABLE t (x);\n", "-- migrate:downgrade\n  -- later\n\n" },
    { "CREATE TABLE t (x);\n", "-- migrate:downgrade\n-- strata:no-downgrade\n" },
    { "-- nothing\n", "-- migrate:downgrade\n" },
  };
  const guint expected[] = { 1, 0, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (head, cases[i][0], cases[i][1], NULL);
      g_autoptr(StrataRevision) revision = revision_from (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, NULL, NULL, NULL, &error);
      StrataLintWarning *warning;

      g_assert_no_error (error);
      g_assert_cmpuint (warnings->len, ==, expected[i]);
      if (expected[i] == 0)
        continue;
      warning = g_ptr_array_index (warnings, 0);
      g_assert_cmpint (warning->code, ==, STRATA_LINT_NO_DOWNGRADE);
      g_assert_cmpuint (warning->line, ==, 9);
      g_assert_nonnull (strstr (warning->message, "“-- strata:no-downgrade”"));
    }
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr(StrataRevision) revision = revision_from (lint_text);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = NULL;

  strata_lint_revision_async (revision, NULL, NULL, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  warnings = strata_lint_revision_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 9);
}

/* The lint warns about every statement the run refuses, in every spelling,
 * and only in a transactional section. */
static void
test_savepoints (void)
{
  static const char *text =
    "-- savepoints\n--\n-- Revision ID: sp000001\n-- Revises:\n\n"
    "-- migrate:upgrade\n"
    "savepoint s;\n"                                                      /* 7 */
    "ROLLBACK To s;\n"                                                    /* 8 */
    "ROLLBACK TO\ns;\n"                                                   /* 9 */
    "RELEASE strata_revision;\n"                                          /* 11 */
    "-- migrate:downgrade transaction:false\n"
    "SAVEPOINT s; RELEASE s;\n";
  guint lines[] = { 7, 8, 9, 11 };
  g_autoptr(StrataRevision) revision = revision_from (text);
  g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, NULL, NULL, NULL, NULL);

  print_warnings (warnings);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_true (has_warning (warnings, lines[i], STRATA_LINT_TRANSACTION_CONTROL));
  g_assert_cmpuint (warnings->len, ==, G_N_ELEMENTS (lines));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/lint/every-warning", test_every_warning);
  g_test_add_func ("/core/lint/text-only", test_text_only);
  g_test_add_func ("/core/lint/downgrade-undoing-upgrade", test_downgrade_undoing_upgrade);
  g_test_add_func ("/core/lint/generated-is-clean", test_generated_is_clean);
  g_test_add_func ("/core/lint/outside-transaction", test_outside_transaction);
  g_test_add_func ("/core/lint/missing-downgrade", test_missing_downgrade);
  g_test_add_func ("/core/lint/async", test_async);
  g_test_add_func ("/core/lint/savepoints", test_savepoints);
  return g_test_run ();
}
