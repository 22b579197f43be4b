/* test-cli-alembic-project.c: an Alembic project opened in place and converted
 *
 * tests/data/alembic-parts is a parts inventory written the way Alembic users
 * write one (op.create_table with index=True, op.add_column, op.create_index,
 * op.bulk_insert, op.execute data migrations, a branch and a merge). Opening
 * it needs no Python; converting it runs Alembic, Debian's python3-alembic
 * under /usr/bin/python3, and the result is compared with what Alembic itself
 * does to another copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cli-test.h"

#define PYTHON  "/usr/bin/python3"
#define HALFWAY "27c6a30d7c24"
#define MERGE   "8c6e3a0f1b25"

/* What Alembic leaves out of a batch operation in offline mode: SQLite needs
 * the table reflected from a live database. */
static const char batch_revision[] =
  "\"\"\"Rename part notes\n"
  "\n"
  "Revision ID: 9e8d7c6b5a40\n"
  "Revises: 8c6e3a0f1b25\n"
  "Create Date: 2021-10-01 12:00:00.000000\n"
  "\n"
  "\"\"\"\n"
  "from alembic import op\n"
  "\n"
  "revision = '9e8d7c6b5a40'\n"
  "down_revision = '8c6e3a0f1b25'\n"
  "branch_labels = None\n"
  "depends_on = None\n"
  "\n"
  "\n"
  "def upgrade():\n"
  "    with op.batch_alter_table('part') as batch:\n"
  "        batch.alter_column('notes', new_column_name='remarks')\n"
  "\n"
  "\n"
  "def downgrade():\n"
  "    with op.batch_alter_table('part') as batch:\n"
  "        batch.alter_column('remarks', new_column_name='notes')\n";

/* Python that reads rows and decides from them: offline there are no rows,
 * so what it prints is not what it does. */
static const char reading_revision[] =
  "\"\"\"Fill empty notes\n"
  "\n"
  "Revision ID: aa11bb22cc33\n"
  "\"\"\"\n"
  "from alembic import op\n"
  "import sqlalchemy as sa\n"
  "\n"
  "revision = 'aa11bb22cc33'\n"
  "down_revision = '9e8d7c6b5a40'\n"
  "\n"
  "\n"
  "def upgrade():\n"
  "    bind = op.get_bind()\n"
  "    rows = bind.execute(sa.text('SELECT id FROM part WHERE notes IS NULL'))\n"
  "    for row in rows or []:\n"
  "        bind.execute(sa.text(\"UPDATE part SET notes = '' WHERE id = :id\"), id=row[0])\n"
  "\n"
  "\n"
  "def downgrade():\n"
  "    pass\n";

static gboolean
have_alembic (void)
{
  const char *argv[] = { PYTHON, "-c", "import alembic, sqlalchemy", NULL };
  g_autoptr(CliResult) result = NULL;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  result = cli_run_program ("/", argv);
  return result->status == 0;
}

static gboolean
skip_without_alembic (void)
{
  if (have_alembic ())
    return FALSE;
  g_test_skip (PYTHON " cannot import alembic: install python3-alembic to run this test");
  return TRUE;
}

/* A copy of the fixture in the test's folder, as @name. */
static char *
copy_fixture (CliFixture *fixture,
              const char *name)
{
  g_autofree char *source = g_build_filename (g_getenv ("STRATA_SOURCE_ROOT"), "tests", "data",
                                              "alembic-parts", NULL);
  char *target = g_build_filename (fixture->root, name, NULL);
  g_autoptr(CliResult) copy = cli_run_program (fixture->root,
                                               (const char *[]) { "cp", "-r", source, target,
                                                                  NULL });

  cli_assert_status (copy, 0);
  return target;
}

static CliResult *
run_in (const char *project,
        const char *first_arg,
        ...) G_GNUC_NULL_TERMINATED;

static CliResult *
run_in (const char *project,
        const char *first_arg,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *)"-C");
  g_ptr_array_add (argv, (char *)project);
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return cli_run_full (project, NULL, (const char * const *)argv->pdata);
}

static void
alembic (const char *project,
         const char *command,
         const char *target)
{
  g_autoptr(CliResult) result =
    cli_run_program (project, (const char *[]) { PYTHON, "-m", "alembic", command, target,
                                                 NULL });

  cli_assert_status (result, 0);
}

static CliResult *
convert (CliFixture *fixture,
         const char *source,
         const char *name,
         const char *extra)
{
  g_autofree char *target = g_build_filename (fixture->root, name, NULL);

  return cli_run_full (fixture->root, NULL,
                       (const char *[]) { "init", target, "--from-alembic", source,
                                          "--python", PYTHON, extra, NULL });
}

/* The schema, whitespace folded: Alembic runs the statements it compiles
 * with tabs, and writes them offline with spaces. */
static char *
schema_of (const char *database)
{
  g_autofree char *rows =
    cli_db_query (database, "SELECT type, name, tbl_name, sql FROM sqlite_master "
                            "WHERE name NOT IN ('alembic_version', 'strata_history') "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY type, name");
  g_autoptr(GRegex) blanks = g_regex_new ("\\s+", 0, 0, NULL);

  g_assert_nonnull (rows);
  return g_regex_replace_literal (blanks, rows, -1, 0, " ", 0, NULL);
}

/* Every row a user keeps, timestamps left out: they say when each copy ran. */
static char *
data_of (const char *database)
{
  const char *queries[] = {
    "SELECT id, name, description, footprint, manufacturer, mpn, notes, quantity, "
    "supplier_id, location FROM part ORDER BY id",
    "SELECT * FROM supplier ORDER BY id",
    "SELECT * FROM part_price ORDER BY id",
    "SELECT * FROM part_stock ORDER BY id",
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *rows = cli_db_query (database, queries[i]);

      g_assert_nonnull (rows);
      g_string_append_printf (out, "%s\n", rows);
    }
  return g_string_free (out, FALSE);
}

static char *
versions_of (const char *database)
{
  return cli_db_query (database, "SELECT * FROM alembic_version ORDER BY 1");
}

static void
compare (const char  *database,
         const char  *other,
         char      *(*describe) (const char *database))
{
  g_autofree char *ours = describe (database);
  g_autofree char *theirs = describe (other);

  g_assert_cmpstr (ours, ==, theirs);
}

static char *
part_columns_of (const char *database)
{
  return cli_db_query (database, "SELECT name, type, \"notnull\", pk "
                                 "FROM pragma_table_info('part') ORDER BY cid");
}

static char *
part_indexes_of (const char *database)
{
  return cli_db_query (database, "SELECT name, \"unique\" FROM pragma_index_list('part') "
                                 "WHERE origin = 'c' ORDER BY name");
}

/* Opening needs no Python: the graph, labels and messages are read from the
 * modules' assignments and docstrings, and the database from sqlalchemy.url. */
static void
test_open_in_place (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *parts = copy_fixture (fixture, "parts");
  g_autofree char *database = g_build_filename (parts, "parts.db", NULL);
  g_autoptr(CliResult) history = run_in (parts, "history", NULL);
  g_autoptr(CliResult) heads = run_in (parts, "heads", NULL);
  g_autofree char *scripts = NULL;
  g_autoptr(CliResult) from_scripts = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(CliResult) revision = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  cli_assert_status (history, 0);
  g_assert_cmpuint (g_strv_length (history->lines), ==, 9);
  g_assert_cmpstr (history->lines[0], ==,
                   "6a4c1e8d9f03, 7b5d2f9e0a14 -> " MERGE " (pricing, storage) (head) "
                   "(mergepoint), Merge pricing and storage");
  g_assert_true (cli_result_has_line (history, "ae1027a6acf4 -> " HALFWAY
                                      ", Add quantity column"));
  g_assert_true (cli_result_has_line (history, "<base> -> 1975ea83b712, Create maker-hub "
                                      "parts table"));
  cli_assert_status (heads, 0);
  g_assert_cmpstr (heads->lines[0], ==, MERGE " (pricing, storage) (head)");
  /* The script folder (env.py) opens the project above it, as people open
   * either. */
  scripts = g_build_filename (parts, "migrations", NULL);
  from_scripts = run_in (scripts, "heads", NULL);
  cli_assert_status (from_scripts, 0);
  g_assert_cmpstr (from_scripts->out, ==, heads->out);

  /* A database Alembic left halfway. */
  cli_db_exec (database, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
                         "INSERT INTO alembic_version VALUES ('" HALFWAY "')");
  current = run_in (parts, "current", NULL);
  cli_assert_status (current, 0);
  g_assert_cmpstr (current->out, ==, HALFWAY "\n");

  /* Running and editing wait for a conversion, and say how. */
  before = cli_file_digest (database);
  upgrade = run_in (parts, "upgrade", "head", NULL);
  cli_assert_status (upgrade, 1);
  g_assert_nonnull (strstr (upgrade->err, "is an Alembic project"));
  g_assert_nonnull (strstr (upgrade->err, "strata-cli init NEWDIR --from-alembic"));
  revision = run_in (parts, "revision", "-m", "more", NULL);
  cli_assert_status (revision, 1);
  g_assert_nonnull (strstr (revision->err, "--from-alembic"));
  after = cli_file_digest (database);
  g_assert_cmpstr (after, ==, before);
}

/* A down_revision computed in Python cannot be read without running it: the
 * error names the file and line, and what to write. */
static void
test_open_bad_module (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autofree char *parts = copy_fixture (fixture, "parts");
  g_autofree char *module = g_build_filename (parts, "migrations", "versions",
                                              "3cb9a1d5f0e2_index_part_mpn.py", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *bad = NULL;
  g_auto(GStrv) halves = NULL;
  g_autoptr(CliResult) history = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (module, &contents, NULL, &error);
  g_assert_no_error (error);
  halves = g_strsplit (contents, "down_revision = '27c6a30d7c24'", 2);
  bad = g_strjoinv ("down_revision = previous()", halves);
  g_file_set_contents (module, bad, -1, &error);
  g_assert_no_error (error);

  history = run_in (parts, "history", NULL);
  cli_assert_status (history, 1);
  g_assert_nonnull (strstr (history->err, "migrations/versions/3cb9a1d5f0e2_index_part_mpn.py:13: "
                                          "down_revision is not something Strata can read"));
}

/* The converted project continues the database Alembic left halfway, ends
 * where `alembic upgrade head` ends, and undoes all of it. */
static void
test_convert_continues (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *other = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *database = NULL;
  g_autofree char *other_database = NULL;
  g_autoptr(CliResult) conversion = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(CliResult) head = NULL;
  g_autoptr(CliResult) downgrade = NULL;
  g_autofree char *tables = NULL;
  g_autofree char *ours = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  other = copy_fixture (fixture, "other");
  converted = g_build_filename (fixture->root, "converted", NULL);
  database = g_build_filename (parts, "parts.db", NULL);
  other_database = g_build_filename (other, "parts.db", NULL);
  alembic (parts, "upgrade", HALFWAY);

  conversion = convert (fixture, parts, "converted", "--strict");
  cli_assert_status (conversion, 0);
  g_assert_cmpstr (conversion->err, ==, "");
  current = run_in (converted, "current", NULL);
  cli_assert_status (current, 0);
  g_assert_cmpstr (current->out, ==, HALFWAY "\n");

  upgrade = run_in (converted, "upgrade", "head", NULL);
  cli_assert_status (upgrade, 0);
  g_assert_true (cli_result_has_line (upgrade, "Running upgrade " HALFWAY " -> 3cb9a1d5f0e2, "
                                      "Index parts by manufacturer part number"));
  head = run_in (converted, "current", NULL);
  g_assert_cmpstr (head->out, ==, MERGE " (head) (mergepoint)\n");

  alembic (other, "upgrade", "head");
  compare (database, other_database, schema_of);
  compare (database, other_database, data_of);
  compare (database, other_database, versions_of);

  downgrade = run_in (converted, "downgrade", "base", NULL);
  cli_assert_status (downgrade, 0);
  tables = cli_db_query (database, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
  g_assert_cmpstr (tables, ==, "alembic_version\nstrata_history\n");
  ours = cli_db_query (database, "SELECT count(*) FROM alembic_version");
  g_assert_cmpstr (ours, ==, "0\n");
}

/* Alembic goes down through `pass`; the converted revision says its empty
 * downgrade is meant, so Strata goes down through it too. */
static const char pass_revision[] =
  "\"\"\"Add audit table\n"
  "\n"
  "Revision ID: bb22cc33dd44\n"
  "Revises: 8c6e3a0f1b25\n"
  "Create Date: 2021-10-02 12:00:00.000000\n"
  "\n"
  "\"\"\"\n"
  "from alembic import op\n"
  "\n"
  "revision = 'bb22cc33dd44'\n"
  "down_revision = '8c6e3a0f1b25'\n"
  "branch_labels = None\n"
  "depends_on = None\n"
  "\n"
  "\n"
  "def upgrade():\n"
  "    op.execute('CREATE TABLE audit (x)')\n"
  "\n"
  "\n"
  "def downgrade():\n"
  "    pass\n";

static void
test_convert_pass_downgrade (CliFixture    *fixture,
                             gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *module = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *written = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(CliResult) conversion = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(CliResult) downgrade = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  module = g_build_filename (parts, "migrations", "versions", "bb22cc33dd44_add_audit.py", NULL);
  g_file_set_contents (module, pass_revision, -1, &error);
  g_assert_no_error (error);

  conversion = convert (fixture, parts, "converted", "--strict");
  cli_assert_status (conversion, 0);
  converted = g_build_filename (fixture->root, "converted", NULL);
  written = g_build_filename (converted, "versions", "bb22cc33dd44_add_audit.sql", NULL);
  g_file_get_contents (written, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (sql, "-- migrate:downgrade\n-- strata:no-downgrade\n"));

  upgrade = run_in (converted, "upgrade", "head", NULL);
  cli_assert_status (upgrade, 0);
  downgrade = run_in (converted, "downgrade", "-1", NULL);
  cli_assert_status (downgrade, 0);
  current = run_in (converted, "current", NULL);
  g_assert_cmpstr (current->out, ==, MERGE " (mergepoint)\n");
}

/* A revision Alembic cannot render offline is written with its Python kept,
 * listed with the reason, and stops a run until its SQL is written; only
 * --strict makes that an error. */
static void
test_convert_unfinished (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *module = NULL;
  g_autofree char *reading = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *written = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(CliResult) lenient = NULL;
  g_autoptr(CliResult) strict = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  module = g_build_filename (parts, "migrations", "versions", "9e8d7c6b5a40_rename_notes.py",
                             NULL);
  g_file_set_contents (module, batch_revision, -1, &error);
  g_assert_no_error (error);
  reading = g_build_filename (parts, "migrations", "versions", "aa11bb22cc33_fill_notes.py",
                              NULL);
  g_file_set_contents (reading, reading_revision, -1, &error);
  g_assert_no_error (error);

  lenient = convert (fixture, parts, "converted", NULL);
  cli_assert_status (lenient, 0);
  g_assert_nonnull (strstr (lenient->err, "2 revisions are left for you to finish"));
  g_assert_nonnull (strstr (lenient->err, "  9e8d7c6b5a40: upgrade: CommandError: "));
  g_assert_nonnull (strstr (lenient->err, "  aa11bb22cc33: upgrade: ReadsData: it reads data "
                                          "(SELECT id FROM part WHERE notes IS NULL"));
  strict = convert (fixture, parts, "strict", "--strict");
  cli_assert_status (strict, 1);
  g_assert_nonnull (strstr (strict->err, "9e8d7c6b5a40"));

  converted = g_build_filename (fixture->root, "converted", NULL);
  written = g_build_filename (converted, "versions", "9e8d7c6b5a40_rename_notes.sql", NULL);
  g_file_get_contents (written, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (sql, "\n--             batch.alter_column('notes', "
                                 "new_column_name='remarks')\n"));

  upgrade = run_in (converted, "upgrade", "head", NULL);
  cli_assert_status (upgrade, 1);
  g_assert_nonnull (strstr (upgrade->err, "9e8d7c6b5a40_rename_notes.sql"));
  current = run_in (converted, "current", NULL);
  g_assert_cmpstr (current->out, ==, MERGE " (mergepoint)\n");
}

/* Four revisions after the merge, as Alembic users write them: seed rows
 * whose values keep trailing blanks, a value holding a line that reads as a
 * revision file's section marker, a statement given its parameters when it
 * runs, and a branch on context.is_offline_mode(). */
static const char *faithful_revisions[][2] = {
  { "cc0000000001_seed_notes.py",
    "\"\"\"Seed notes\n\nRevision ID: cc0000000001\n\"\"\"\n"
    "from alembic import op\nimport sqlalchemy as sa\n\n"
    "revision = 'cc0000000001'\ndown_revision = '" MERGE "'\n\n\n"
    "def upgrade():\n"
    "    op.create_table('note', sa.Column('id', sa.Integer, primary_key=True),\n"
    "                    sa.Column('body', sa.Text))\n"
    "    note = sa.table('note', sa.column('id', sa.Integer), sa.column('body', sa.Text))\n"
    "    op.bulk_insert(note, [{'id': 1, 'body': 'Dear customer,  \\nthanks\\t\\n'}])\n\n\n"
    "def downgrade():\n    op.drop_table('note')\n" },
  { "cc0000000002_seed_example.py",
    "\"\"\"Seed example\n\nRevision ID: cc0000000002\n\"\"\"\n"
    "from alembic import op\nimport sqlalchemy as sa\n\n"
    "revision = 'cc0000000002'\ndown_revision = 'cc0000000001'\n\n\n"
    "def upgrade():\n"
    "    note = sa.table('note', sa.column('id', sa.Integer), sa.column('body', sa.Text))\n"
    "    op.bulk_insert(note, [{'id': 2, 'body': 'files look like:\\n-- migrate:downgrade\\n'}])\n\n\n"
    "def downgrade():\n    op.execute('DELETE FROM note WHERE id = 2')\n" },
  { "cc0000000003_settings.py",
    "\"\"\"Settings\n\nRevision ID: cc0000000003\n\"\"\"\n"
    "from alembic import op\nimport sqlalchemy as sa\n\n"
    "revision = 'cc0000000003'\ndown_revision = 'cc0000000002'\n\n\n"
    "def upgrade():\n"
    "    conn = op.get_bind()\n"
    "    conn.execute(sa.text('INSERT INTO note (id, body) VALUES (:i, :b)'), {'i': 3, 'b': 'x'})\n\n\n"
    "def downgrade():\n    op.execute('DELETE FROM note WHERE id = 3')\n" },
  { "cc0000000004_online_only.py",
    "\"\"\"Online only\n\nRevision ID: cc0000000004\n\"\"\"\n"
    "from alembic import op, context\n\n"
    "revision = 'cc0000000004'\ndown_revision = 'cc0000000003'\n\n\n"
    "def upgrade():\n"
    "    if not context.is_offline_mode():\n"
    "        op.execute(\"INSERT INTO note (id, body) VALUES (4, 'online')\")\n\n\n"
    "def downgrade():\n    op.execute('DELETE FROM note WHERE id = 4')\n" },
};

/* What a conversion writes is what Alembic would have done, or it is left
 * for the person to finish, with the reason: never different data. */
static void
test_convert_faithful (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *database = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CliResult) conversion = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  for (guint i = 0; i < G_N_ELEMENTS (faithful_revisions); i++)
    {
      g_autofree char *module = g_build_filename (parts, "migrations", "versions",
                                                  faithful_revisions[i][0], NULL);

      g_file_set_contents (module, faithful_revisions[i][1], -1, &error);
      g_assert_no_error (error);
    }

  conversion = convert (fixture, parts, "converted", NULL);
  cli_assert_status (conversion, 0);
  g_assert_nonnull (strstr (conversion->err, "3 revisions are left for you to finish"));
  g_assert_nonnull (strstr (conversion->err, "  cc0000000002: upgrade: a string in it holds a "
                                             "line “-- migrate:…”"));
  g_assert_nonnull (strstr (conversion->err, "  cc0000000003: upgrade: TakesParameters: it runs "
                                             "a statement with parameters (b, i)"));
  g_assert_nonnull (strstr (conversion->err, "  cc0000000004: upgrade: AsksIfOffline: "));
  g_assert_null (strstr (conversion->err, "cc0000000001:"));

  converted = g_build_filename (fixture->root, "converted", NULL);
  upgrade = run_in (converted, "upgrade", "cc0000000001", NULL);
  cli_assert_status (upgrade, 0);
  database = g_build_filename (parts, "parts.db", NULL);
  body = cli_db_query (database, "SELECT hex(body) FROM note WHERE id = 1");
  g_assert_cmpstr (body, ==, "4465617220637573746F6D65722C20200A7468616E6B73090A\n");
}

/* A module of the same name in a second version_locations folder. */
static const char other_initial[] =
  "\"\"\"Initial audit\n\nRevision ID: dd0000000001\n\"\"\"\n"
  "from alembic import op\n\n"
  "revision = 'dd0000000001'\ndown_revision = '" MERGE "'\n\n\n"
  "def upgrade():\n    op.execute('CREATE TABLE audit (x)')\n\n\n"
  "def downgrade():\n    op.execute('DROP TABLE audit')\n";

static void
replace_in_file (const char *path,
                 const char *from,
                 const char *to)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) changed = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  changed = g_string_new (text);
  g_assert_cmpuint (g_string_replace (changed, from, to, 0), >, 0);
  g_file_set_contents (path, changed->str, -1, &error);
  g_assert_no_error (error);
}

/* The project's own layout carries over: the version table env.py names
 * (else the converted project finds the database at base and runs every
 * revision again), and two modules of one name in two version_locations
 * folders (else the second overwrites the first). */
static void
test_convert_layout (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *env = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *module = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *config = NULL;
  g_autofree char *settings = NULL;
  g_autoptr(CliResult) conversion = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) upgrade = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  env = g_build_filename (parts, "migrations", "env.py", NULL);
  replace_in_file (env, "target_metadata=target_metadata",
                   "target_metadata=target_metadata, version_table='parts_version'");
  ini = g_build_filename (parts, "alembic.ini", NULL);
  replace_in_file (ini, "script_location = migrations\n",
                   "script_location = migrations\n"
                   "version_locations = %(here)s/migrations/versions %(here)s/audit\n");
  audit = g_build_filename (parts, "audit", NULL);
  g_assert_cmpint (g_mkdir (audit, 0755), ==, 0);
  module = g_build_filename (audit, "1975ea83b712_create_part_table.py", NULL);
  g_file_set_contents (module, other_initial, -1, &error);
  g_assert_no_error (error);
  alembic (parts, "upgrade", "heads");

  conversion = convert (fixture, parts, "converted", "--strict");
  cli_assert_status (conversion, 0);
  g_assert_nonnull (strstr (conversion->err, "“parts_version”"));
  converted = g_build_filename (fixture->root, "converted", NULL);
  config = g_build_filename (converted, "strata.ini", NULL);
  g_file_get_contents (config, &settings, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (settings, "\nversion_table = parts_version\n"));

  current = run_in (converted, "current", NULL);
  cli_assert_status (current, 0);
  g_assert_cmpstr (current->out, ==, "dd0000000001 (head)\n");
  upgrade = run_in (converted, "upgrade", "heads", NULL);
  cli_assert_status (upgrade, 0);
  g_assert_null (strstr (upgrade->out, "Running upgrade"));
  g_assert_null (strstr (upgrade->err, "Running upgrade"));
  first = g_build_filename (converted, "versions", "1975ea83b712_create_part_table.sql", NULL);
  second = g_build_filename (converted, "versions",
                             "dd0000000001_1975ea83b712_create_part_table.sql", NULL);
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));
}

/* The example project (migrations/) is what such a user converts: at head,
 * its part table has the fixture's columns, types, keys and indexes. */
static void
test_example_same_part (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autofree char *database = NULL;
  g_autoptr(CliResult) upgrade = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  database = g_build_filename (parts, "parts.db", NULL);
  alembic (parts, "upgrade", "head");
  upgrade = cli_run (fixture, "upgrade", "head", NULL);
  cli_assert_status (upgrade, 0);

  compare (fixture->database, database, part_columns_of);
  compare (fixture->database, database, part_indexes_of);
}

/* docs/cli.md: a prefix shorter than four characters works when it names one
 * revision, as in Alembic; the "at least four characters" line is a hint on
 * a prefix that names nothing. */
static void
test_short_prefix (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *parts = NULL;
  g_autoptr(CliResult) theirs = NULL;
  g_autoptr(CliResult) ours = NULL;
  g_autoptr(CliResult) nothing = NULL;

  if (skip_without_alembic ())
    return;
  parts = copy_fixture (fixture, "parts");
  theirs = cli_run_program (parts, (const char *[]) { PYTHON, "-m", "alembic", "show", "19",
                                                      NULL });
  cli_assert_status (theirs, 0);
  g_assert_true (g_str_has_prefix (theirs->out, "Rev: 1975ea83b712\n"));
  ours = run_in (parts, "show", "19", NULL);
  cli_assert_status (ours, 0);
  g_assert_true (g_str_has_prefix (ours->out, "Rev: 1975ea83b712\n"));

  nothing = run_in (parts, "show", "zz", NULL);
  cli_assert_status (nothing, 1);
  g_assert_nonnull (strstr (nothing->err, "please ensure at least four characters"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *helper = NULL;

  cli_test_init (&argc, &argv);
  /* The uninstalled helper, in place of the installed one. */
  helper = g_build_filename (g_getenv ("STRATA_SOURCE_ROOT"), "data", "alembic",
                             "strata-alembic-render.py", NULL);
  g_setenv ("STRATA_ALEMBIC_RENDER", helper, TRUE);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/alembic-project/open-in-place", test_open_in_place);
  ADD ("/cli/alembic-project/open-bad-module", test_open_bad_module);
  ADD ("/cli/alembic-project/convert-continues", test_convert_continues);
  ADD ("/cli/alembic-project/convert-pass-downgrade", test_convert_pass_downgrade);
  ADD ("/cli/alembic-project/convert-unfinished", test_convert_unfinished);
  ADD ("/cli/alembic-project/convert-faithful", test_convert_faithful);
  ADD ("/cli/alembic-project/convert-layout", test_convert_layout);
  ADD ("/cli/alembic-project/example-same-part", test_example_same_part);
  ADD ("/cli/alembic-project/short-prefix", test_short_prefix);

  return g_test_run ();
}
