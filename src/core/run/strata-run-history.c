/* strata-run-history.c: a step's rows in strata_history
 *
 * A row is described once, column by column (HistoryRow): the live run binds
 * that description to the INSERT's parameters, and the offline script writes
 * the same description as SQL literals. Adding a column means adding it to
 * the enum in strata-status-private.h and filling it in history_row_init();
 * both writers follow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-history-sections-private.h"
#include "strata-revision-private.h"
#include "strata-run-private.h"
#include "strata-sql.h"
#include "strata-status-private.h"
#include "strata-step.h"

typedef enum
{
  VALUE_NULL,
  VALUE_TEXT,
  VALUE_INT,
  /* The time the statement runs: only the offline script has no clock of
   * its own to read. */
  VALUE_NOW,
  /* A big file's section, left in the file (see set_section()). */
  VALUE_SECTION,
} ValueKind;

typedef struct
{
  ValueKind   kind;
  const char *text;
  gint64      number;
} Value;

typedef struct
{
  /* Indexed by StrataHistoryColumn, which counts from 1. */
  Value      values[STRATA_HISTORY_N_COLUMNS + 1];
  /* The strings the row made (joined lists, the checksum). */
  GPtrArray *owned;
  /* Whose sections the VALUE_SECTION values are. */
  StrataRevision *revision;
} HistoryRow;

static void
history_row_clear (HistoryRow *row)
{
  g_clear_pointer (&row->owned, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HistoryRow, history_row_clear)

static void
set_text (HistoryRow          *row,
          StrataHistoryColumn  column,
          const char          *text)
{
  row->values[column] = (Value) { text != NULL ? VALUE_TEXT : VALUE_NULL, text, 0 };
}

/* Takes @text, which the row frees. */
static void
take_text (HistoryRow          *row,
           StrataHistoryColumn  column,
           char                *text)
{
  if (text != NULL)
    g_ptr_array_add (row->owned, text);
  set_text (row, column, text);
}

static void
set_list (HistoryRow          *row,
          StrataHistoryColumn  column,
          const char * const  *list)
{
  take_text (row, column, g_strjoinv (",", (char **)list));
}

static void
set_int (HistoryRow          *row,
         StrataHistoryColumn  column,
         gint64               number)
{
  row->values[column] = (Value) { VALUE_INT, NULL, number };
}

/* A section's SQL, borrowed, not copied: the revision outlives the row,
 * and a section may be tens of megabytes. A big file's is not even read
 * here: the live writer copies it from the file into the row a piece at a
 * time, and the offline one asks for its text. */
static void
set_section (HistoryRow          *row,
             StrataHistoryColumn  column,
             StrataRevision      *revision,
             StrataDirection      direction)
{
  if (!_strata_revision_section_in_file (revision, direction))
    {
      set_text (row, column, strata_revision_get_sql (revision, direction));
      return;
    }
  row->values[column] = (Value) { VALUE_SECTION, NULL, direction };
  row->revision = revision;
}

static void
set_revision (HistoryRow      *row,
              StrataRevision  *revision,
              StrataDirection  direction)
{
  if (direction != STRATA_DIRECTION_STAMP)
    take_text (row, STRATA_HISTORY_CHECKSUM, strata_revision_get_checksum (revision, direction));
  set_text (row, STRATA_HISTORY_MESSAGE, strata_revision_get_message (revision));
  set_list (row, STRATA_HISTORY_DOWN_REVISIONS, strata_revision_get_down_revisions (revision));
  set_list (row, STRATA_HISTORY_BRANCH_LABELS, strata_revision_get_branch_labels (revision));
  set_list (row, STRATA_HISTORY_DEPENDS_ON, strata_revision_get_depends_on (revision));
  set_text (row, STRATA_HISTORY_CREATE_DATE, strata_revision_get_create_date (revision));
  set_text (row, STRATA_HISTORY_FILE, strata_revision_get_display_path (revision));
  set_section (row, STRATA_HISTORY_UPGRADE_SQL, revision, STRATA_DIRECTION_UPGRADE);
  set_section (row, STRATA_HISTORY_DOWNGRADE_SQL, revision, STRATA_DIRECTION_DOWNGRADE);
  set_int (row, STRATA_HISTORY_UPGRADE_TRANSACTIONAL,
           strata_revision_get_transactional (revision, STRATA_DIRECTION_UPGRADE));
  set_int (row, STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL,
           strata_revision_get_transactional (revision, STRATA_DIRECTION_DOWNGRADE));
}

/* What a step says about revision @id, whoever writes it; the time and the
 * outcome are the writer's to fill in. */
static void
history_row_init (HistoryRow *row,
                  StrataRun  *run,
                  StrataStep *step,
                  const char *id)
{
  StrataDirection direction = strata_step_get_direction (step);
  StrataRevision *revision = strata_step_get_revision (step);

  row->owned = g_ptr_array_new_with_free_func (g_free);
  if (revision == NULL && id[0] != '\0')
    revision = strata_revision_graph_lookup (run->graph, id);

  set_text (row, STRATA_HISTORY_REVISION, id);
  set_text (row, STRATA_HISTORY_DIRECTION, strata_direction_to_string (direction));
  /* A stamp to base has no revision to describe. */
  set_text (row, STRATA_HISTORY_MESSAGE, "");
  set_text (row, STRATA_HISTORY_DOWN_REVISIONS, "");
  set_text (row, STRATA_HISTORY_BRANCH_LABELS, "");
  set_text (row, STRATA_HISTORY_DEPENDS_ON, "");
  set_int (row, STRATA_HISTORY_UPGRADE_TRANSACTIONAL, 1);
  set_int (row, STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL, 1);
  if (revision != NULL)
    set_revision (row, revision, direction);
  set_list (row, STRATA_HISTORY_FROM_HEADS, strata_step_get_from_heads (step));
  set_list (row, STRATA_HISTORY_TO_HEADS, strata_step_get_to_heads (step));
}

/* Live: the row bound to the INSERT's numbered parameters. */

static char *
history_insert_sql (void)
{
  g_autoptr(GString) sql = g_string_new (_strata_history_insert_prefix ());

  g_string_append_c (sql, '(');
  for (guint i = 1; i <= STRATA_HISTORY_N_COLUMNS; i++)
    g_string_append_printf (sql, i > 1 ? ", ?%u" : "?%u", i);
  g_string_append (sql, ");");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

static void
history_row_bind (HistoryRow   *row,
                  sqlite3_stmt *stmt)
{
  for (guint column = 1; column <= STRATA_HISTORY_N_COLUMNS; column++)
    {
      Value *value = &row->values[column];

      g_assert (value->kind != VALUE_NOW);
      if (value->kind == VALUE_TEXT)
        sqlite3_bind_text (stmt, column, value->text, -1, SQLITE_STATIC);
      else if (value->kind == VALUE_INT)
        sqlite3_bind_int64 (stmt, column, value->number);
      else if (value->kind == VALUE_SECTION)
        _strata_history_bind_section (stmt, column, row->revision, value->number);
      else
        sqlite3_bind_null (stmt, column);
    }
}

static gboolean
insert_history_row (StrataRun       *run,
                    StrataStep      *step,
                    const char      *id,
                    StrataRunClock  *clock,
                    const char      *outcome,
                    const char      *error_text,
                    GError         **error)
{
  g_autofree char *sql = history_insert_sql ();
  g_autofree char *finished_at = _strata_run_now_iso8601 ();
  g_auto(HistoryRow) row = { 0 };
  sqlite3_stmt *stmt = NULL;
  int rc;

  history_row_init (&row, run, step, id);
  set_text (&row, STRATA_HISTORY_STARTED_AT, clock->started_at);
  set_text (&row, STRATA_HISTORY_FINISHED_AT, finished_at);
  set_int (&row, STRATA_HISTORY_DURATION_MS, (g_get_monotonic_time () - clock->started_us) / 1000);
  set_text (&row, STRATA_HISTORY_OUTCOME, outcome);
  set_text (&row, STRATA_HISTORY_ERROR, error_text);

  if (sqlite3_prepare_v2 (run->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }
  /* The row's strings outlive the statement, so none is copied. */
  history_row_bind (&row, stmt);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  /* Filled in only now, and checked against the file as the run read it:
   * the caller rolls the step back if the file has changed since. */
  if (rc == SQLITE_DONE)
    return row.revision == NULL ||
           _strata_history_write_sections (run->db, sqlite3_last_insert_rowid (run->db),
                                           row.revision, error);
  strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, STRATA_HISTORY_TABLE);
  return FALSE;
}

gboolean
_strata_run_insert_history (StrataRun       *run,
                            StrataStep      *step,
                            StrataRunClock  *clock,
                            const char      *outcome,
                            const char      *error_text,
                            GError         **error)
{
  g_autoptr(GPtrArray) subjects = _strata_run_history_subjects (run, step);

  for (guint i = 0; i < subjects->len; i++)
    if (!insert_history_row (run, step, g_ptr_array_index (subjects, i), clock, outcome,
                             error_text, error))
      return FALSE;
  return TRUE;
}

/* Offline: the same row written as literals, for a script with no clock. */

/* As the live run writes them: a big file's section (in strata_history_sql)
 * leaves NULL in the row. */
static void
append_section_value (GString         *script,
                      StrataRevision  *revision,
                      StrataDirection  direction)
{
  g_autofree char *quoted = NULL;

  if (_strata_revision_get_section_length (revision, direction) > 0)
    {
      g_string_append (script, "NULL");
      return;
    }
  quoted = strata_sql_quote_literal (strata_revision_get_sql (revision, direction));
  g_string_append (script, quoted);
}

static void
append_big_literal (GString         *script,
                    StrataRevision  *revision,
                    StrataDirection  direction)
{
  g_autofree char *quoted = NULL;

  if (!_strata_revision_section_in_file (revision, direction) ||
      _strata_revision_get_section_length (revision, direction) == 0)
    {
      g_string_append (script, "NULL");
      return;
    }
  quoted = strata_sql_quote_literal (strata_revision_get_sql (revision, direction));
  g_string_append_printf (script, "CAST(%s AS BLOB)", quoted);
}

static void
append_big_sections (GString        *script,
                     StrataRevision *revision)
{
  if ((!_strata_revision_section_in_file (revision, STRATA_DIRECTION_UPGRADE) ||
       _strata_revision_get_section_length (revision, STRATA_DIRECTION_UPGRADE) == 0) &&
      (!_strata_revision_section_in_file (revision, STRATA_DIRECTION_DOWNGRADE) ||
       _strata_revision_get_section_length (revision, STRATA_DIRECTION_DOWNGRADE) == 0))
    return;
  g_string_append_printf (script, "%s\nINSERT INTO " STRATA_HISTORY_SQL_TABLE
                          " (history_id, upgrade_sql, downgrade_sql) VALUES "
                          "(last_insert_rowid(), ", _strata_history_sql_create_sql ());
  append_big_literal (script, revision, STRATA_DIRECTION_UPGRADE);
  g_string_append (script, ", ");
  append_big_literal (script, revision, STRATA_DIRECTION_DOWNGRADE);
  g_string_append (script, ");\n");
}

static void
history_row_append_literals (HistoryRow *row,
                             GString    *script)
{
  g_string_append_printf (script, "%s(", _strata_history_insert_prefix ());
  for (guint column = 1; column <= STRATA_HISTORY_N_COLUMNS; column++)
    {
      Value *value = &row->values[column];

      if (column > 1)
        g_string_append (script, ", ");
      if (value->kind == VALUE_TEXT)
        {
          g_autofree char *quoted = strata_sql_quote_literal (value->text);
          g_string_append (script, quoted);
        }
      else if (value->kind == VALUE_INT)
        g_string_append_printf (script, "%" G_GINT64_FORMAT, value->number);
      else if (value->kind == VALUE_NOW)
        g_string_append (script, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
      else if (value->kind == VALUE_SECTION)
        append_section_value (script, row->revision, value->number);
      else
        g_string_append (script, "NULL");
    }
  g_string_append (script, ");\n");
  if (row->revision != NULL)
    append_big_sections (script, row->revision);
}

void
_strata_run_append_history (StrataRun  *run,
                            GString    *script,
                            StrataStep *step)
{
  g_autoptr(GPtrArray) subjects = _strata_run_history_subjects (run, step);

  for (guint i = 0; i < subjects->len; i++)
    {
      g_auto(HistoryRow) row = { 0 };

      history_row_init (&row, run, step, g_ptr_array_index (subjects, i));
      row.values[STRATA_HISTORY_STARTED_AT].kind = VALUE_NOW;
      row.values[STRATA_HISTORY_FINISHED_AT].kind = VALUE_NOW;
      set_int (&row, STRATA_HISTORY_DURATION_MS, 0);
      set_text (&row, STRATA_HISTORY_OUTCOME, "success");
      history_row_append_literals (&row, script);
    }
}

/* A stamp records each revision it stamps (with its SQL, so that a later
 * downgrade can run even if the file goes), or one row for a stamp to base. */
GPtrArray *
_strata_run_history_subjects (StrataRun  *run,
                              StrataStep *step)
{
  GPtrArray *subjects = g_ptr_array_new_with_free_func (g_free);
  const char * const *to = strata_step_get_to_heads (step);

  if (strata_step_get_revision (step) != NULL)
    g_ptr_array_add (subjects, g_strdup (strata_revision_get_id (strata_step_get_revision (step))));
  else
    for (guint i = 0; to[i] != NULL; i++)
      g_ptr_array_add (subjects, g_strdup (to[i]));
  if (subjects->len == 0)
    g_ptr_array_add (subjects, g_strdup (""));
  return subjects;
}

/* After the step is undone: the failure is part of the history even though
 * the revision is not. The row goes into the open batch, if there is one,
 * which the caller then commits with the steps before it; else into a
 * transaction of its own. Failing to record it must not hide the error that
 * matters, so this one is only logged. */
void
_strata_run_record_failure (StrataRun      *run,
                            StrataStep     *step,
                            StrataRunClock *clock,
                            const GError   *failure)
{
  g_autoptr(GError) error = NULL;
  const char *outcome;

  outcome = g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" : "failed";
  if (sqlite3_get_autocommit (run->db) && !_strata_run_begin (run, &error))
    {
      g_debug ("Could not record the failed step in %s: %s", STRATA_HISTORY_TABLE,
               error->message);
      return;
    }
  if (_strata_run_exec (run, "SAVEPOINT strata_failure;", &error))
    {
      if (_strata_run_ensure_tables (run, &error) &&
          _strata_run_insert_history (run, step, clock, outcome, failure->message, &error) &&
          _strata_run_exec (run, "RELEASE strata_failure;", &error))
        return;
      sqlite3_exec (run->db, "ROLLBACK TO strata_failure; RELEASE strata_failure;",
                    NULL, NULL, NULL);
    }
  g_debug ("Could not record the failed step in %s: %s", STRATA_HISTORY_TABLE, error->message);
}
