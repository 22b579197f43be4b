/* test-sql-cursor.c: the statement cursor cuts a section where SQLite does,
 * with the line of each statement in the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <string.h>

#include "strata-sql-cursor-private.h"
#include "strata-sql-lexer-private.h"

/* Text whose statements are all valid and run in order on an empty
 * database: whitespace, case, comments, strings holding ";", CASE … END and
 * triggers with BEGIN … END bodies holding CASE … END themselves. */
static const char *corpus[] = {
  "CREATE TABLE a (id INTEGER, note TEXT);\n"
  "INSERT INTO a VALUES (1, 'one; two');\n"
  "  -- a comment; with a semicolon\n"
  "/* a block\n   comment; */ INSERT INTO a VALUES (2, 'it''s; fine');\n",

  "create table b(x);;;\n"
  "\n"
  "create trigger b_ai after insert on b begin\n"
  "  update b set x = case when new.x > 1 then 'big;' else 'small' end where rowid = new.rowid;\n"
  "  select case new.x when 1 then 1 end;\n"
  "end;\n"
  "insert into b values (2);\n",

  "CREATE TABLE d (x);\n"
  "CREATE TEMP TRIGGER t1 AFTER INSERT ON main.d BEGIN SELECT 1; END;\n"
  "SELECT 1 AS \"semi;colon\", 2 AS [also;this], 3 AS `and;this`;\n"
  "SELECT CASE 1 WHEN 1 THEN 'END' END;",

  "CREATE TABLE \"begin\" (\"end\" TEXT);\n"
  "INSERT INTO \"begin\" VALUES ('BEGIN; COMMIT; END;')\n"
  "-- the last statement has no semicolon and a comment after it\n",

  "EXPLAIN CREATE TABLE c (x);\n"
  "CREATE VIEW v AS SELECT 1 AS one;\n"
  "SELECT x'00ff', 1e5, .5, ?1 IS NULL;\n",
};

typedef struct
{
  char  *text;
  guint  line;
} Cut;

static void
cut_free (Cut *cut)
{
  g_free (cut->text);
  g_free (cut);
}

static void
add_cut (GPtrArray  *cuts,
         const char *text,
         gsize       length,
         guint       line)
{
  Cut *cut = g_new0 (Cut, 1);

  cut->text = g_strndup (text, length);
  g_strchomp (cut->text);
  cut->line = line;
  g_ptr_array_add (cuts, cut);
}

static guint
line_at (const char *sql,
         const char *p,
         guint       first_line)
{
  guint line = first_line;

  for (const char *q = sql; q < p; q++)
    if (*q == '\n')
      line++;
  return line;
}

/* How SQLite itself walks the text: sqlite3_prepare_v2() and its tail. */
static GPtrArray *
cut_with_sqlite (const char *sql,
                 guint       first_line)
{
  GPtrArray *cuts = g_ptr_array_new_with_free_func ((GDestroyNotify)cut_free);
  const char *tail = sql;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  while (*tail != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      const char *start = _strata_sql_skip_blank (tail);

      /* Empty statements are SQLite's to skip, and no statement's start. */
      if (*start == ';')
        {
          tail = start + 1;
          continue;
        }

      if (sqlite3_prepare_v2 (db, start, -1, &stmt, &tail) != SQLITE_OK)
        g_error ("%s: %s", sqlite3_errmsg (db), start);
      if (stmt == NULL)
        {
          /* A lone ";" prepares to nothing. */
          tail = tail > start ? tail : start + strlen (start);
          continue;
        }
      add_cut (cuts, start, tail - start, line_at (sql, start, first_line));
      while (sqlite3_step (stmt) == SQLITE_ROW)
        ;
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return cuts;
}

static GPtrArray *
cut_with_cursor (const char *sql,
                 guint       first_line)
{
  GPtrArray *cuts = g_ptr_array_new_with_free_func ((GDestroyNotify)cut_free);
  StrataSqlCursor cursor;

  _strata_sql_cursor_init (&cursor, sql, first_line);
  while (_strata_sql_cursor_next (&cursor))
    {
      g_assert_true (cursor.text == sql + cursor.offset);
      g_assert_false (cursor.control);
      add_cut (cuts, cursor.text, cursor.length, cursor.line);
    }
  return cuts;
}

static void
test_agrees_with_sqlite (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(GPtrArray) expected = cut_with_sqlite (corpus[i], 7);
      g_autoptr(GPtrArray) actual = cut_with_cursor (corpus[i], 7);

      g_test_message ("corpus %u", i);
      g_assert_cmpuint (actual->len, ==, expected->len);
      for (guint j = 0; j < actual->len; j++)
        {
          Cut *a = g_ptr_array_index (actual, j);
          Cut *e = g_ptr_array_index (expected, j);

          /* SQLite keeps a comment after a last statement that has no ";". */
          g_assert_true (g_str_has_prefix (e->text, a->text));
          g_assert_cmpint (*_strata_sql_skip_blank (e->text + strlen (a->text)), ==, '\0');
          g_assert_cmpuint (a->line, ==, e->line);
        }
    }
}

static void
test_lines (void)
{
  const char *sql = "\n\n-- one\nSELECT 1;\n/* two\nthree */\n\nSELECT\n2;SELECT 3;\n;\nSELECT 4";
  guint expected[] = { 4, 8, 9, 11 };
  StrataSqlCursor cursor;
  guint n = 0;

  _strata_sql_cursor_init (&cursor, sql, 1);
  while (_strata_sql_cursor_next (&cursor))
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpuint (cursor.line, ==, expected[n++]);
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_cmpmem (cursor.text, cursor.length, "SELECT 4", 8);
}

static void
test_blank (void)
{
  const char *blanks[] = { "", "  \n", ";;\n;", "-- only a comment", "/* unclosed", NULL };

  for (guint i = 0; blanks[i] != NULL; i++)
    {
      StrataSqlCursor cursor;

      _strata_sql_cursor_init (&cursor, blanks[i], 1);
      g_assert_false (_strata_sql_cursor_next (&cursor));
    }
}

/* Every spelling SQLite accepts is transaction control, whatever the case,
 * the spacing or the savepoint's name; nothing else is. */
static void
test_control (void)
{
  const char *control[] = {
    "BEGIN", "begin immediate", "COMMIT", "End Transaction", "ROLLBACK", "ROLLBACK To sp",
    "ROLLBACK TO\nsp", "rollback\ttransaction\tto\tsp", "SAVEPOINT strata_revision",
    "RELEASE strata_revision", "release savepoint x", "/* why */ -- because\n  COMMIT", NULL,
  };
  const char *other[] = {
    "SELECT 'BEGIN'", "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
    "SELECT CASE WHEN 1 THEN 2 END", "\"begin\"", "INSERT INTO savepoint VALUES (1)", NULL,
  };

  for (guint i = 0; control[i] != NULL; i++)
    {
      StrataSqlCursor cursor;

      _strata_sql_cursor_init (&cursor, control[i], 1);
      g_assert_true (_strata_sql_cursor_next (&cursor));
      g_assert_true (cursor.control);
    }
  for (guint i = 0; other[i] != NULL; i++)
    {
      StrataSqlCursor cursor;

      _strata_sql_cursor_init (&cursor, other[i], 1);
      g_assert_true (_strata_sql_cursor_next (&cursor));
      g_assert_false (cursor.control);
      g_assert_false (_strata_sql_cursor_next (&cursor));
    }
}

/* An unfinished trigger or string runs to the end of the text: one
 * statement, which SQLite then refuses with its own words. */
static void
test_unfinished (void)
{
  const char *sql = "SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;\nSELECT 2;";
  StrataSqlCursor cursor;

  _strata_sql_cursor_init (&cursor, sql, 1);
  g_assert_true (_strata_sql_cursor_next (&cursor));
  g_assert_true (_strata_sql_cursor_next (&cursor));
  g_assert_cmpuint (cursor.line, ==, 2);
  g_assert_cmpuint (cursor.offset + cursor.length, ==, strlen (sql));
  g_assert_false (_strata_sql_cursor_next (&cursor));

  _strata_sql_cursor_init (&cursor, "SELECT 'open;\nSELECT 2;", 1);
  g_assert_true (_strata_sql_cursor_next (&cursor));
  g_assert_false (_strata_sql_cursor_next (&cursor));
}

/* The text in pieces of @piece bytes, as a file read a piece at a time
 * comes: cut anywhere, in a string, a comment or a word. */
typedef struct
{
  const char *text;
  gsize       piece;
} Pieces;

static gssize
fill_cb (gpointer   data,
         char      *buffer,
         gsize      size,
         GError   **error)
{
  Pieces *pieces = data;
  gsize n = MIN (MIN (size, pieces->piece), strlen (pieces->text));

  memcpy (buffer, pieces->text, n);
  pieces->text += n;
  return n;
}

/* A cursor reading its text a piece at a time cuts every statement as one
 * over the whole text, wherever the pieces end. */
static void
test_streamed (void)
{
  const char *others[] = {
    "SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;\nSELECT 2;",
    "SELECT 'open;\nSELECT 2;",
    "  /* why; */ -- because;\n begin;\nCREATE TABLE a (x);",
    "CREATE TABLE a (x);\nROLLBACK TO\nsp;\n-",
    "SELECT 1; /* unclosed",
  };
  const gsize sizes[] = { 1, 2, 3, 5, 7, 64, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (corpus) + G_N_ELEMENTS (others); i++)
    for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
      {
        const char *sql = i < G_N_ELEMENTS (corpus) ? corpus[i]
                                                    : others[i - G_N_ELEMENTS (corpus)];
        Pieces pieces = { sql, sizes[k] };
        StrataSqlCursor whole;
        StrataSqlCursor streamed;
        gboolean more;

        _strata_sql_cursor_init (&whole, sql, 3);
        _strata_sql_cursor_init_stream (&streamed, fill_cb, &pieces, 3);
        do
          {
            more = _strata_sql_cursor_next (&whole);
            g_assert_cmpint (_strata_sql_cursor_next (&streamed), ==, more);
            if (!more)
              break;
            g_assert_cmpuint (streamed.length, ==, whole.length);
            g_assert_cmpmem (streamed.text, streamed.length, whole.text, whole.length);
            g_assert_cmpuint (streamed.offset, ==, whole.offset);
            g_assert_cmpuint (streamed.line, ==, whole.line);
            g_assert_cmpint (streamed.control, ==, whole.control);
          }
        while (more);
        g_assert_null (_strata_sql_cursor_get_error (&streamed));
        _strata_sql_cursor_clear (&streamed);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/sql-cursor/agrees-with-sqlite", test_agrees_with_sqlite);
  g_test_add_func ("/core/sql-cursor/lines", test_lines);
  g_test_add_func ("/core/sql-cursor/blank", test_blank);
  g_test_add_func ("/core/sql-cursor/control", test_control);
  g_test_add_func ("/core/sql-cursor/unfinished", test_unfinished);
  g_test_add_func ("/core/sql-cursor/streamed", test_streamed);
  return g_test_run ();
}
