/* strata-lint.c
 *
 * Statements are split where sqlite3_complete() says they end and read as
 * SQLite's tokens, never with patterns over the text; with a graph they are
 * also run against the schema they start from, so SQLite itself decides what
 * it refuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-database.h"
#include "strata-error.h"
#include "strata-lint.h"
#include "strata-revision.h"
#include "strata-revision-private.h"
#include "strata-schema-replay-private.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql-cursor-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-sql.h"

G_DEFINE_BOXED_TYPE (StrataLintWarning, strata_lint_warning,
                     strata_lint_warning_copy, strata_lint_warning_free)

StrataLintWarning *
strata_lint_warning_copy (const StrataLintWarning *warning)
{
  StrataLintWarning *copy = g_new0 (StrataLintWarning, 1);

  *copy = *warning;
  copy->file = g_strdup (warning->file);
  copy->message = g_strdup (warning->message);
  return copy;
}

void
strata_lint_warning_free (StrataLintWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->file);
  g_free (warning->message);
  g_free (warning);
}

char *
strata_lint_warning_to_string (const StrataLintWarning *warning)
{
  g_return_val_if_fail (warning != NULL, NULL);
  return g_strdup_printf (_("%s:%u: warning: %s"), warning->file, warning->line, warning->message);
}

/* One section ----------------------------------------------------------------------- */

typedef struct
{
  StrataRevision  *revision;
  StrataDirection  direction;
  gboolean         transactional;
  GPtrArray       *statements;  /* StrataStatement */
  GPtrArray       *tokens;      /* a GPtrArray of tokens per statement */
  guint            first_line;
  StrataDatabase  *scratch;     /* may be NULL */
  StrataDatabase  *database;    /* may be NULL */
  GPtrArray       *warnings;
  GPtrArray       *upgrade_tokens; /* for a downgrade: its upgrade's tokens, else NULL */
  gboolean         guarded;     /* scratch's changes are undone by a savepoint */
  gboolean         ddl_ran;     /* a statement that may change the schema ran */
  char            *ddl_failure; /* SQLite's message for the first such that failed */
} Section;

static void
warn (Section        *section,
      guint           index,
      StrataLintCode  code,
      char           *message)
{
  StrataLintWarning *warning = g_new0 (StrataLintWarning, 1);
  StrataStatement *statement = g_ptr_array_index (section->statements, index);

  warning->code = code;
  warning->direction = section->direction;
  warning->file = g_strdup (strata_revision_get_display_path (section->revision));
  warning->line = section->first_line + statement->line - 1;
  warning->message = message;
  g_ptr_array_add (section->warnings, warning);
}

static GPtrArray *
tokens_of (Section *section,
           guint    index)
{
  return g_ptr_array_index (section->tokens, index);
}

static const char *
value_at (GPtrArray *tokens,
          guint      index)
{
  return index < tokens->len ? ((StrataSqlToken *)g_ptr_array_index (tokens, index))->value : "";
}

/* "ALTER TABLE [schema.]name": the index of the name, or 0. */
static guint
altered_table (GPtrArray *tokens)
{
  if (!_strata_sql_token_is (tokens, 0, "ALTER") || !_strata_sql_token_is (tokens, 1, "TABLE"))
    return 0;
  return _strata_sql_token_is (tokens, 3, ".") ? 4 : 2;
}

/* The index of the first token after the table name of "ALTER TABLE x" that
 * is @word, or 0. */
static guint
alter_action (GPtrArray  *tokens,
              const char *word)
{
  guint name = altered_table (tokens);

  return name != 0 && _strata_sql_token_is (tokens, name + 1, word) ? name + 1 : 0;
}

static gboolean
renames_table_to (GPtrArray  *tokens,
                  const char *name)
{
  guint rename = alter_action (tokens, "RENAME");

  return rename != 0 && _strata_sql_token_is (tokens, rename + 1, "TO") &&
         g_ascii_strcasecmp (value_at (tokens, rename + 2), name) == 0;
}

static gboolean
creates_table (GPtrArray  *tokens,
               const char *name)
{
  guint index;

  if (!_strata_sql_token_is (tokens, 0, "CREATE"))
    return FALSE;
  index = _strata_sql_create_name (tokens, NULL);
  return (_strata_sql_token_is (tokens, 1, "TABLE") ||
          _strata_sql_token_is (tokens, 2, "TABLE")) &&
         g_ascii_strcasecmp (value_at (tokens, index), name) == 0;
}

static gboolean
later_statement (Section    *section,
                 guint       index,
                 gboolean  (*match) (GPtrArray *, const char *),
                 const char *name)
{
  for (guint i = index + 1; i < section->tokens->len; i++)
    if (match (tokens_of (section, i), name))
      return TRUE;
  return FALSE;
}

static gboolean
adds_column (GPtrArray  *tokens,
             const char *column)
{
  guint add = alter_action (tokens, "ADD");
  guint start = add + (_strata_sql_token_is (tokens, add + 1, "COLUMN") ? 2 : 1);

  return add != 0 && g_ascii_strcasecmp (value_at (tokens, start), column) == 0;
}

/* A downgrade that drops what its own upgrade created only undoes the
 * revision: no data predates it, so it is no loss worth a warning. */
static gboolean
undoes_upgrade (Section    *section,
                gboolean  (*match) (GPtrArray *, const char *),
                const char *name)
{
  if (section->upgrade_tokens == NULL)
    return FALSE;
  for (guint i = 0; i < section->upgrade_tokens->len; i++)
    if (match (g_ptr_array_index (section->upgrade_tokens, i), name))
      return TRUE;
  return FALSE;
}

/* The checks on tokens ---------------------------------------------------------------- */

/* The run's own list (strata-sql-cursor.c), so that the lint never
 * disagrees with what the run refuses. */
static gboolean
is_control (GPtrArray *tokens)
{
  StrataSqlToken *first = tokens->len > 0 ? g_ptr_array_index (tokens, 0) : NULL;

  return first != NULL && first->kind == STRATA_SQL_TOKEN_WORD &&
         _strata_sql_word_is_control (first->text, strlen (first->text));
}

static void
check_transaction (Section *section,
                   guint    index)
{
  if (is_control (tokens_of (section, index)) && section->transactional)
    warn (section, index, STRATA_LINT_TRANSACTION_CONTROL,
          g_strdup (_("a revision runs in one transaction and savepoint of its own, with its "
                      "version-table update; BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT or RELEASE "
                      "here would split it, and the run refuses them: remove the statement, or "
                      "mark the section “transaction:false”")));
}

static void
check_pragma (Section *section,
              guint    index)
{
  GPtrArray *tokens = tokens_of (section, index);
  guint name = _strata_sql_token_is (tokens, 2, ".") ? 3 : 1;

  if (!_strata_sql_token_is (tokens, 0, "PRAGMA") ||
      g_ascii_strcasecmp (value_at (tokens, name), "foreign_keys") != 0 || !section->transactional)
    return;
  warn (section, index, STRATA_LINT_PRAGMA_IN_TRANSACTION,
        g_strdup (_("PRAGMA foreign_keys does nothing inside a transaction, and every revision "
                    "runs in one; Strata already turns foreign keys off around each revision and "
                    "runs foreign_key_check before COMMIT: remove the statement")));
}

static void
check_drop_table (Section *section,
                  guint    index)
{
  GPtrArray *tokens = tokens_of (section, index);
  guint name;

  if (!_strata_sql_token_is (tokens, 0, "DROP") || !_strata_sql_token_is (tokens, 1, "TABLE"))
    return;
  name = 2;
  if (_strata_sql_token_is (tokens, 2, "IF"))
    name = 4;
  if (_strata_sql_token_is (tokens, name + 1, "."))
    name += 2;
  /* The rebuild's own DROP: a copy is renamed into its place later. */
  if (later_statement (section, index, renames_table_to, value_at (tokens, name)) ||
      undoes_upgrade (section, creates_table, value_at (tokens, name)))
    return;
  warn (section, index, STRATA_LINT_DATA_LOSS,
        g_strdup_printf (_("DROP TABLE “%s” deletes the table and every row in it"),
                         value_at (tokens, name)));
}

static void
check_rename_aside (Section *section,
                    guint    index)
{
  GPtrArray *tokens = tokens_of (section, index);
  guint rename = alter_action (tokens, "RENAME");
  const char *table;

  if (rename == 0 || !_strata_sql_token_is (tokens, rename + 1, "TO"))
    return;
  table = value_at (tokens, altered_table (tokens));
  if (!later_statement (section, index, creates_table, table))
    return;
  warn (section, index, STRATA_LINT_RENAME_ASIDE,
        g_strdup_printf (_("renaming “%s” aside and creating it again makes SQLite rewrite the "
                           "foreign keys, views and triggers that name it to follow the old "
                           "table; rebuild it instead: create new_%s, copy the rows, drop "
                           "“%s”, rename new_%s to “%s”"),
                         table, table, table, table, table));
}

static void
check_drop_column (Section *section,
                   guint    index)
{
  GPtrArray *tokens = tokens_of (section, index);
  guint drop = alter_action (tokens, "DROP");
  guint column = drop + (_strata_sql_token_is (tokens, drop + 1, "COLUMN") ? 2 : 1);

  if (drop == 0 || undoes_upgrade (section, adds_column, value_at (tokens, column)))
    return;
  warn (section, index, STRATA_LINT_DATA_LOSS,
        g_strdup_printf (_("DROP COLUMN “%s” deletes the column's data in every row"),
                         value_at (tokens, column)));
}

static void
check_add_column (Section *section,
                  guint    index)
{
  GPtrArray *tokens = tokens_of (section, index);
  guint add = alter_action (tokens, "ADD");
  guint start = add + (_strata_sql_token_is (tokens, add + 1, "COLUMN") ? 2 : 1);
  g_autofree char *definition = NULL;
  g_autofree char *create = NULL;
  g_autoptr(StrataTableDefinition) table = NULL;
  StrataColumnDefinition *column;

  if (add == 0)
    return;
  /* The column definition, read the way a CREATE TABLE's is. */
  definition = _strata_sql_normalise (tokens, start, tokens->len, FALSE);
  if (g_str_has_suffix (definition, ";"))
    definition[strlen (definition) - 1] = '\0';
  create = g_strdup_printf ("CREATE TABLE t (%s)", definition);
  table = _strata_table_definition_parse (create);
  if (table == NULL || table->columns->len != 1)
    return;
  column = g_ptr_array_index (table->columns, 0);
  if (column->not_null && column->generated == NULL &&
      (column->default_sql == NULL || g_ascii_strcasecmp (column->default_sql, "NULL") == 0))
    warn (section, index, STRATA_LINT_NOT_NULL_WITHOUT_DEFAULT,
          g_strdup_printf (_("ADD COLUMN “%s” is NOT NULL without a DEFAULT: SQLite refuses it "
                             "on a table that has rows; give it a DEFAULT"), column->name));
}

/* The checks that run the statements ------------------------------------------------ */

static void
run_statement (Section *section,
               guint    index)
{
  StrataStatement *statement = g_ptr_array_index (section->statements, index);
  GPtrArray *tokens = tokens_of (section, index);
  sqlite3 *db = strata_database_get_handle (section->scratch);
  gboolean schema;

  if (is_control (tokens) || _strata_sql_token_is (tokens, 0, "PRAGMA") ||
      _strata_sql_token_is (tokens, 0, "VACUUM") || _strata_sql_token_is (tokens, 0, "ATTACH") ||
      _strata_sql_token_is (tokens, 0, "DETACH"))
    return;
  schema = _strata_schema_replay_changes_schema (statement->text);
  if (_strata_database_exec (db, statement->text) == SQLITE_OK)
    {
      section->ddl_ran |= schema;
      /* INSERT OR ROLLBACK and RAISE(ROLLBACK) end the transaction, and the
       * savepoint with it: the schema is back at the revision's start, and
       * a new savepoint keeps it so for what follows. */
      if (section->guarded && sqlite3_get_autocommit (db))
        sqlite3_exec (db, "SAVEPOINT strata_lint", NULL, NULL, NULL);
      return;
    }
  if (schema && section->ddl_failure == NULL)
    section->ddl_failure = g_strdup (sqlite3_errmsg (db));
  if (alter_action (tokens, "DROP") != 0)
    warn (section, index, STRATA_LINT_DROP_COLUMN_REFUSED,
          g_strdup_printf (_("SQLite will refuse this DROP COLUMN (a column that is indexed, "
                             "UNIQUE, a key, in a foreign key, a view or a trigger cannot be "
                             "dropped; rebuild the table instead): %s"), sqlite3_errmsg (db)));
  else
    warn (section, index, STRATA_LINT_STATEMENT_FAILS,
          g_strdup_printf (_("SQLite refuses this statement on the schema the revision starts "
                             "from: %s"), sqlite3_errmsg (db)));
}

static gint64
count (StrataDatabase *database,
       const char     *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (strata_database_get_handle (database), sql, -1, &stmt, NULL) ==
      SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* The statement to blame for what happened to @name: the first CREATE that
 * names it, else the last statement that does. */
static guint
statement_naming (Section    *section,
                  const char *name)
{
  guint last = 0;

  for (guint i = 0; i < section->statements->len; i++)
    {
      StrataStatement *statement = g_ptr_array_index (section->statements, i);

      if (!_strata_sql_mentions (statement->text, name))
        continue;
      if (_strata_sql_token_is (tokens_of (section, i), 0, "CREATE"))
        return i;
      last = i;
    }
  return last;
}

static void
check_new_not_null (Section             *section,
                    StrataSnapshotEntry *before,
                    StrataSnapshotEntry *after)
{
  g_autofree char *table = strata_sql_quote_identifier (after->name);

  for (guint i = 0; i < after->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (after->definition->columns, i);
      StrataColumnDefinition *old = _strata_table_definition_lookup (before->definition,
                                                                     column->name);
      g_autofree char *name = NULL;
      g_autofree char *sql = NULL;
      gint64 n;

      if (old == NULL || old->not_null || !column->not_null)
        continue;
      name = strata_sql_quote_identifier (column->name);
      sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s IS NULL", table, name);
      if ((n = count (section->database, sql)) > 0)
        warn (section, statement_naming (section, after->name), STRATA_LINT_VIOLATING_ROWS,
              g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "column “%s” of “%s” becomes NOT NULL, but %lld "
                                            "row of the database holds NULL there; the "
                                            "revision will fail on it",
                                            "column “%s” of “%s” becomes NOT NULL, but %lld "
                                            "rows of the database hold NULL there; the "
                                            "revision will fail on them",
                                            (gulong)n),
                               column->name, after->name, (long long)n));
    }
}

static char *
unique_key (StrataSchemaIndex *index)
{
  g_autofree char *joined = index->columns ? g_strjoinv (",", index->columns) : g_strdup ("");
  return g_ascii_strdown (joined, -1);
}

static gboolean
had_unique (StrataSnapshotEntry *before,
            const char          *key)
{
  GPtrArray *indexes = strata_schema_object_get_indexes (before->object);

  for (guint i = 0; i < indexes->len; i++)
    {
      StrataSchemaIndex *index = g_ptr_array_index (indexes, i);
      g_autofree char *other = NULL;

      if (!index->unique)
        continue;
      other = unique_key (index);
      if (strcmp (other, key) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
check_new_unique (Section             *section,
                  StrataSnapshotEntry *before,
                  StrataSnapshotEntry *after)
{
  GPtrArray *indexes = strata_schema_object_get_indexes (after->object);
  g_autofree char *table = strata_sql_quote_identifier (after->name);

  for (guint i = 0; i < indexes->len; i++)
    {
      StrataSchemaIndex *index = g_ptr_array_index (indexes, i);
      g_autofree char *key = unique_key (index);
      g_autofree char *sql = NULL;
      g_autoptr(GString) columns = g_string_new (NULL);
      g_autoptr(GString) present = g_string_new (NULL);
      gint64 n;

      if (!index->unique || index->partial || strstr (key, "<expression>") ||
          had_unique (before, key))
        continue;
      for (guint c = 0; index->columns[c] != NULL; c++)
        {
          g_autofree char *name = strata_sql_quote_identifier (index->columns[c]);
          g_string_append_printf (columns, "%s%s", c ? ", " : "", name);
          g_string_append_printf (present, "%s%s IS NOT NULL", c ? " AND " : "", name);
        }
      sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s "
                             "GROUP BY %s HAVING count(*) > 1)", table, present->str,
                             columns->str);
      if ((n = count (section->database, sql)) > 0)
        warn (section, statement_naming (section, index->sql ? index->name : after->name),
              STRATA_LINT_VIOLATING_ROWS,
              g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” becomes UNIQUE on (%s), but %lld value "
                                            "occurs more than once in the database's rows; "
                                            "the revision will fail on it",
                                            "“%s” becomes UNIQUE on (%s), but %lld values "
                                            "occur more than once in the database's rows; "
                                            "the revision will fail on them",
                                            (gulong)n),
                               after->name, columns->str, (long long)n));
    }
}

static void
check_rows (Section              *section,
            StrataSchemaSnapshot *before,
            StrataSchemaSnapshot *after)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (after);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      StrataSnapshotEntry *old;

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || entry->definition == NULL ||
          entry->object == NULL)
        continue;
      old = _strata_schema_snapshot_lookup (before, STRATA_SCHEMA_KIND_TABLE, entry->name);
      if (old == NULL || old->definition == NULL || old->object == NULL)
        continue;
      check_new_not_null (section, old, entry);
      check_new_unique (section, old, entry);
    }
}

static void
lint_section (Section *section)
{
  g_autoptr(StrataSchemaSnapshot) before = NULL;
  g_autoptr(StrataSchemaSnapshot) after = NULL;

  if (section->scratch != NULL && section->database != NULL)
    before = strata_schema_snapshot_read (section->scratch, NULL, NULL);
  for (guint i = 0; i < section->statements->len; i++)
    {
      check_transaction (section, i);
      check_pragma (section, i);
      check_drop_table (section, i);
      check_drop_column (section, i);
      check_add_column (section, i);
      check_rename_aside (section, i);
      if (section->scratch != NULL)
        run_statement (section, i);
    }
  if (before != NULL && (after = strata_schema_snapshot_read (section->scratch, NULL, NULL)))
    check_rows (section, before, after);
}

static void
section_init (Section         *section,
              StrataRevision  *revision,
              StrataDirection  direction)
{
  const char *sql = strata_revision_get_sql (revision, direction);

  section->revision = revision;
  section->direction = direction;
  section->transactional = strata_revision_get_transactional (revision, direction);
  section->first_line = MAX (1, strata_revision_get_sql_line (revision, direction));
  section->statements = strata_sql_split (sql ? sql : "");
  section->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < section->statements->len; i++)
    g_ptr_array_add (section->tokens,
                     _strata_sql_lex (((StrataStatement *)
                                       g_ptr_array_index (section->statements, i))->text));
}

static void
section_clear (Section *section)
{
  g_clear_pointer (&section->statements, g_ptr_array_unref);
  g_clear_pointer (&section->tokens, g_ptr_array_unref);
  g_clear_pointer (&section->ddl_failure, g_free);
}

/* A downgrade through it would be refused: said while the revision is
 * written, with how to mark an empty downgrade that is meant. */
static void
check_downgrade_exists (StrataRevision *revision,
                        GPtrArray      *warnings)
{
  StrataLintWarning *warning;

  if (!_strata_revision_lacks_downgrade (revision))
    return;
  warning = g_new0 (StrataLintWarning, 1);
  warning->code = STRATA_LINT_NO_DOWNGRADE;
  warning->direction = STRATA_DIRECTION_DOWNGRADE;
  warning->file = g_strdup (strata_revision_get_display_path (revision));
  warning->line = MAX (1, strata_revision_get_sql_line (revision, STRATA_DIRECTION_DOWNGRADE));
  warning->message = g_strdup_printf (_("the downgrade section is empty, so a downgrade through "
                                        "this revision is refused; write the SQL that undoes "
                                        "the upgrade, or put the line “%s” in it if the "
                                        "upgrade cannot be undone on purpose"),
                                      STRATA_NO_DOWNGRADE_MARKER);
  g_ptr_array_add (warnings, warning);
}

/* Both sections of @revision; @scratch (may be NULL) holds the schema the
 * revision starts from, and is left as it was found. */
static void
lint_sections (StrataRevision *revision,
               StrataDatabase *scratch,
               StrataDatabase *database,
               GPtrArray      *warnings)
{
  g_autoptr(GPtrArray) upgrade_tokens = NULL;
  sqlite3 *db = scratch != NULL ? strata_database_get_handle (scratch) : NULL;
  static const StrataDirection directions[] = { STRATA_DIRECTION_UPGRADE,
                                                STRATA_DIRECTION_DOWNGRADE };

  if (db != NULL)
    sqlite3_exec (db, "SAVEPOINT strata_lint", NULL, NULL, NULL);
  /* The downgrade starts where the upgrade left the scratch schema. */
  for (guint d = 0; d < G_N_ELEMENTS (directions); d++)
    {
      Section section = { 0 };

      section_init (&section, revision, directions[d]);
      section.scratch = scratch;
      section.database = d == 0 ? database : NULL;
      section.warnings = warnings;
      section.upgrade_tokens = upgrade_tokens;
      section.guarded = db != NULL;
      lint_section (&section);
      if (d == 0)
        upgrade_tokens = g_ptr_array_ref (section.tokens);
      section_clear (&section);
    }
  if (db != NULL && !sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK TO strata_lint; RELEASE strata_lint", NULL, NULL, NULL);
}

GPtrArray *
strata_lint_revision (StrataRevision       *revision,
                      StrataRevisionGraph  *graph,
                      StrataDatabase       *database,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  StrataDatabase *scratch = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);
  g_return_val_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph), NULL);
  g_return_val_if_fail (!database || STRATA_IS_DATABASE (database), NULL);

  warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_warning_free);
  if (graph != NULL &&
      !(scratch = _strata_schema_replay_seek (replay = strata_schema_replay_new (graph), revision,
                                              cancellable, error)))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  lint_sections (revision, scratch, database, warnings);
  check_downgrade_exists (revision, warnings);
  return g_steal_pointer (&warnings);
}

/* The walk over a graph ------------------------------------------------------------ */

/* The tables whose rows the revision changed, as SQLite's update hook names
 * them, and how many rows. */
typedef struct
{
  GHashTable *tables;
  gint64      changes;
} RowWatch;

static void
row_changed_cb (void          *user_data,
                int            operation,
                const char    *database,
                const char    *table,
                sqlite3_int64  rowid)
{
  RowWatch *watch = user_data;

  watch->changes++;
  if (!g_hash_table_contains (watch->tables, table))
    g_hash_table_add (watch->tables, g_strdup (table));
}

/* Where sqlite_schema stands: how many rows, and the last rowid. Without
 * ALTER (which rewrites rows in place), CREATE only appends rows and DROP
 * only deletes them, so a downgrade that only drops, and brings both back to
 * what they were before the upgrade, dropped exactly what the upgrade
 * created. */
typedef struct
{
  gint64 rows;
  gint64 last;
} SchemaMark;

static SchemaMark
schema_mark (sqlite3 *db)
{
  SchemaMark mark = { -1, -1 };
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT count(*), max(rowid) FROM sqlite_schema", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      mark.rows = sqlite3_column_int64 (stmt, 0);
      mark.last = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return mark;
}

static gboolean
alters (GPtrArray *tokens)
{
  return _strata_sql_token_is (tokens, 0, "ALTER");
}

static gboolean
creates (GPtrArray *tokens)
{
  return _strata_sql_token_is (tokens, 0, "CREATE");
}

static gboolean
renames_a_table (GPtrArray *tokens)
{
  guint rename = alter_action (tokens, "RENAME");

  return rename != 0 && _strata_sql_token_is (tokens, rename + 1, "TO");
}

static gboolean
any_statement (Section    *section,
               gboolean  (*match) (GPtrArray *))
{
  for (guint i = 0; i < section->tokens->len; i++)
    if (match (tokens_of (section, i)))
      return TRUE;
  return FALSE;
}

static GPtrArray *
all_tables (sqlite3 *db)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                          "substr (name, 1, 7) <> 'sqlite_'", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return tables;
}

/* Deletes the rows the revision left, so that the walk holds the schema
 * alone. Rows the hook did not see (a WITHOUT ROWID table, a DELETE that
 * truncated) or that a renamed table took with it mean looking at every
 * table, which is rare. */
static void
clear_rows (sqlite3  *db,
            RowWatch *watch,
            gint64    changes,
            gboolean  renamed)
{
  g_autoptr(GPtrArray) tables = NULL;
  int enabled = 0;

  if (changes == 0 && watch->changes == 0)
    return;
  if (changes != watch->changes || renamed)
    tables = all_tables (db);
  else
    {
      GHashTableIter iter;
      gpointer table;

      tables = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_iter_init (&iter, watch->tables);
      while (g_hash_table_iter_next (&iter, &table, NULL))
        g_ptr_array_add (tables, g_strdup (table));
    }
  /* Triggers would only write more rows. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &enabled);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *table = strata_sql_quote_identifier (g_ptr_array_index (tables, i));
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", table);

      /* A table the revision dropped took its rows with it. */
      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }
  sqlite3_exec (db, "DELETE FROM sqlite_sequence", NULL, NULL, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, &enabled);
}

/* Lints @revision on the walk's database and leaves it with the schema
 * after @revision. The upgrade runs for real, which is also the walk's step;
 * the downgrade runs in a savepoint. Rolling a schema change back makes
 * SQLite read the whole schema again, so a downgrade that changed nothing,
 * or that dropped exactly what an upgrade without ALTER created, is kept and
 * the upgrade's schema replayed instead. Rows stay for the revision's own statements to
 * see, then go. When one of its statements that change the schema fails,
 * the walk forgets the database and replays the next revision's ancestors,
 * schema only, as lint of that revision alone would. */
static void
lint_walking (StrataSchemaReplay *replay,
              StrataRevision     *revision,
              StrataDatabase     *scratch,
              GPtrArray          *warnings)
{
  sqlite3 *db = strata_database_get_handle (scratch);
  RowWatch watch = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), 0 };
  gint64 changes = sqlite3_total_changes64 (db);
  SchemaMark start = { -1, -1 };
  gboolean undoable;
  gboolean again = FALSE;
  gboolean renamed;
  gboolean stray;
  Section up = { 0 };
  Section down = { 0 };

  section_init (&up, revision, STRATA_DIRECTION_UPGRADE);
  up.scratch = scratch;
  up.warnings = warnings;
  section_init (&down, revision, STRATA_DIRECTION_DOWNGRADE);
  down.scratch = scratch;
  down.warnings = warnings;
  down.upgrade_tokens = up.tokens;
  down.guarded = TRUE;
  /* A downgrade that creates could fill the rowids it freed. */
  undoable = !any_statement (&up, alters) && !any_statement (&down, alters) &&
             !any_statement (&down, creates);
  if (undoable)
    start = schema_mark (db);

  sqlite3_update_hook (db, row_changed_cb, &watch);
  lint_section (&up);
  sqlite3_exec (db, "SAVEPOINT strata_lint", NULL, NULL, NULL);
  lint_section (&down);
  sqlite3_update_hook (db, NULL, NULL);

  if (down.ddl_ran && undoable)
    {
      SchemaMark now = schema_mark (db);
      again = now.rows == start.rows && now.last == start.last && start.rows >= 0;
    }
  if (!down.ddl_ran || again)
    sqlite3_exec (db, "RELEASE strata_lint", NULL, NULL, NULL);
  else
    sqlite3_exec (db, "ROLLBACK TO strata_lint; RELEASE strata_lint", NULL, NULL, NULL);
  renamed = any_statement (&up, renames_a_table) || any_statement (&down, renames_a_table);
  clear_rows (db, &watch, sqlite3_total_changes64 (db) - changes, renamed);

  /* A transaction still open is one the revision's SQL began in a way the
   * lint did not foresee: the walk no longer knows what it holds. */
  stray = !sqlite3_get_autocommit (db);
  if (stray)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  if (again && !stray)
    _strata_schema_replay_advance (replay, revision);
  else
    _strata_schema_replay_advanced (replay, revision, stray || up.ddl_failure != NULL);
  g_hash_table_unref (watch.tables);
  section_clear (&up);
  section_clear (&down);
}

GPtrArray *
strata_lint_graph (StrataRevisionGraph    *graph,
                   StrataLintProgressFunc  progress,
                   gpointer                user_data,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  GPtrArray *revisions;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_warning_free);
  replay = strata_schema_replay_new (graph);
  revisions = strata_revision_graph_get_revisions (graph);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      g_autoptr(GError) failure = NULL;
      StrataDatabase *scratch;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* After an ancestor SQLite refused (its own warning says so), only
       * the checks on the text run: the schema would be a guess. */
      scratch = _strata_schema_replay_seek (replay, revision, cancellable, &failure);
      if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&failure));
          return NULL;
        }
      if (scratch != NULL && strata_revision_get_file (revision) != NULL)
        lint_walking (replay, revision, scratch, warnings);
      else
        {
          if (strata_revision_get_file (revision) != NULL)
            lint_sections (revision, NULL, NULL, warnings);
          _strata_schema_replay_advance (replay, revision);
        }
      if (strata_revision_get_file (revision) != NULL)
        check_downgrade_exists (revision, warnings);
      if (progress != NULL)
        progress (i + 1, revisions->len, user_data);
    }
  return g_steal_pointer (&warnings);
}

/* On a worker ------------------------------------------------------------------------ */

typedef struct
{
  StrataRevision      *revision;
  StrataRevisionGraph *graph;
  GFile               *database_file;
} LintData;

static void
lint_data_free (LintData *data)
{
  g_clear_object (&data->revision);
  g_clear_object (&data->graph);
  g_clear_object (&data->database_file);
  g_free (data);
}

static void
lint_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LintData *data = task_data;
  g_autoptr(StrataDatabase) database = NULL;
  GError *error = NULL;
  GPtrArray *warnings;

  /* A database that cannot be opened only means no rows to count. */
  if (data->database_file != NULL && g_file_query_exists (data->database_file, NULL))
    database = strata_database_open (data->database_file, STRATA_DATABASE_FLAGS_READ_ONLY, NULL);
  warnings = strata_lint_revision (data->revision, data->graph, database, cancellable, &error);
  if (warnings == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, warnings, (GDestroyNotify)g_ptr_array_unref);
}

void
strata_lint_revision_async (StrataRevision       *revision,
                            StrataRevisionGraph  *graph,
                            GFile                *database_file,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LintData *data;

  g_return_if_fail (STRATA_IS_REVISION (revision));
  g_return_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph));
  g_return_if_fail (!database_file || G_IS_FILE (database_file));

  data = g_new0 (LintData, 1);
  data->revision = g_object_ref (revision);
  data->graph = graph ? g_object_ref (graph) : NULL;
  data->database_file = database_file ? g_object_ref (database_file) : NULL;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_lint_revision_async);
  g_task_set_task_data (task, data, (GDestroyNotify)lint_data_free);
  g_task_run_in_thread (task, lint_worker);
}

GPtrArray *
strata_lint_revision_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
