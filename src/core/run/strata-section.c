/* strata-section.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-revision-private.h"
#include "strata-section-private.h"

void
_strata_section_init (StrataSection   *section,
                      StrataRevision  *revision,
                      StrataDirection  direction)
{
  const char *sql;

  g_return_if_fail (section != NULL);
  g_return_if_fail (STRATA_IS_REVISION (revision));

  memset (section, 0, sizeof *section);
  section->revision = revision;
  section->direction = direction;
  /* Where the SQL that runs comes from: for a live run, the step's revision,
   * which the run read again from its file (_strata_steps_read_for_run()). */
  section->in_file = _strata_revision_section_in_file (revision, direction);
  sql = section->in_file ? "" : strata_revision_get_sql (revision, direction);
  section->sql = sql != NULL ? sql : "";
  section->first_line = MAX (1, strata_revision_get_sql_line (revision, direction));
  section->transactional = strata_revision_get_transactional (revision, direction);
}

void
_strata_section_init_text (StrataSection   *section,
                           const char      *sql,
                           StrataDirection  direction)
{
  g_return_if_fail (section != NULL);

  memset (section, 0, sizeof *section);
  section->direction = direction;
  section->sql = sql != NULL ? sql : "";
  section->first_line = 1;
  section->transactional = FALSE;
}

void
_strata_section_failure_clear (StrataSectionFailure *failure)
{
  g_clear_pointer (&failure->statement, g_free);
  g_clear_pointer (&failure->message, g_free);
  memset (failure, 0, sizeof *failure);
}

static void
set_failure (StrataSectionFailure  *failure,
             StrataSectionOutcome   outcome,
             const StrataSqlCursor *statement,
             const char            *message)
{
  const char *newline = memchr (statement->text, '\n', statement->length);

  _strata_section_failure_clear (failure);
  failure->outcome = outcome;
  failure->line = statement->line;
  failure->offset = statement->offset;
  failure->length = statement->length;
  /* Text SQLite could not read may run to the end of the section (an
   * unclosed string); its first line says where it went wrong. */
  if (outcome == STRATA_SECTION_UNREADABLE && newline != NULL)
    failure->statement = g_strndup (statement->text, newline - statement->text);
  else
    failure->statement = g_strndup (statement->text, statement->length);
  failure->message = g_strdup (message);
}

/* The statements of a section, from its text or from its file. */
typedef struct
{
  StrataSqlCursor       cursor;
  StrataRevisionSource *source;
} Reader;

static void
reader_clear (Reader *reader)
{
  _strata_sql_cursor_clear (&reader->cursor);
  g_clear_pointer (&reader->source, _strata_revision_source_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

static void
set_changed (StrataSectionFailure *failure,
             const StrataSection  *section,
             const char           *message)
{
  _strata_section_failure_clear (failure);
  failure->outcome = STRATA_SECTION_CHANGED;
  failure->line = section->first_line;
  failure->message = g_strdup (message);
}

static gboolean
reader_open (Reader               *reader,
             const StrataSection  *section,
             gboolean              checksum,
             StrataSectionFailure *failure)
{
  g_autoptr(GError) error = NULL;

  if (!section->in_file)
    {
      _strata_sql_cursor_init (&reader->cursor, section->sql, section->first_line);
      return TRUE;
    }
  if (!_strata_revision_open_section (section->revision, section->direction, checksum,
                                      &reader->source, &error))
    {
      _strata_sql_cursor_init (&reader->cursor, "", section->first_line);
      set_changed (failure, section, error->message);
      return FALSE;
    }
  _strata_sql_cursor_init_stream (&reader->cursor, _strata_revision_source_read, reader->source,
                                  section->first_line);
  return TRUE;
}

/* After the last statement: FALSE when the file could not be read to the
 * end, or what was read of it is not what the run read before. */
static gboolean
reader_close (Reader               *reader,
              const StrataSection  *section,
              StrataSectionFailure *failure)
{
  g_autoptr(GError) error = NULL;
  const GError *read_error = _strata_sql_cursor_get_error (&reader->cursor);
  char *checksum = NULL;

  if (read_error != NULL)
    set_changed (failure, section, read_error->message);
  else if (reader->source != NULL &&
           !_strata_revision_source_verify (reader->source, &checksum, &error))
    set_changed (failure, section, error->message);
  else
    {
      /* What ran is what the checksum recorded for it is of. */
      if (reader->source != NULL)
        _strata_revision_take_checksum (section->revision, section->direction, checksum);
      return TRUE;
    }
  return FALSE;
}

static void
set_refused (StrataSectionFailure  *failure,
             const StrataSqlCursor *statement)
{
  set_failure (failure, STRATA_SECTION_REFUSED, statement,
               _("a revision may not control its transaction (BEGIN, COMMIT, END, "
                 "ROLLBACK, SAVEPOINT or RELEASE): each revision already runs in a "
                 "transaction and a savepoint of its own, so nothing of the section was "
                 "run; remove the statement, or mark the section “transaction:false”"));
}

gboolean
_strata_section_check (const StrataSection  *section,
                       StrataSectionFailure *failure)
{
  g_auto(Reader) reader = { 0 };

  g_return_val_if_fail (section != NULL && failure != NULL, FALSE);

  if (!section->transactional)
    return TRUE;
  if (!reader_open (&reader, section, FALSE, failure))
    return FALSE;
  while (_strata_sql_cursor_next (&reader.cursor))
    if (reader.cursor.control)
      {
        set_refused (failure, &reader.cursor);
        return FALSE;
      }
  return reader_close (&reader, section, failure);
}

gboolean
_strata_section_foreach (const StrataSection  *section,
                         StrataSectionVisit    func,
                         gpointer              data,
                         StrataSectionFailure *failure)
{
  g_auto(Reader) reader = { 0 };

  g_return_val_if_fail (section != NULL && func != NULL && failure != NULL, FALSE);

  if (!reader_open (&reader, section, FALSE, failure))
    return FALSE;
  while (_strata_sql_cursor_next (&reader.cursor))
    if (!func (&reader.cursor, data))
      return TRUE;
  return reader_close (&reader, section, failure);
}

/* A failure the hooks may look past; TRUE to go on. */
static gboolean
report (const StrataSectionHooks *hooks,
        const StrataSqlCursor    *statement,
        StrataSectionFailure     *failure)
{
  return hooks != NULL && hooks->finished != NULL &&
         hooks->finished (statement, failure, hooks->data);
}

/* Prepares and steps one statement. SQLite is given exactly the cursor's
 * statement; should it still leave a tail (two statements the cursor could
 * not tell apart), the tail runs too, as part of the same statement. */
static gboolean
step_statement (sqlite3                  *db,
                const StrataSectionHooks *hooks,
                const StrataSqlCursor    *statement,
                StrataTrust             **trust,
                StrataSectionFailure     *failure)
{
  const char *start = statement->text;
  const char *end = statement->text + statement->length;
  GCancellable *cancellable = hooks != NULL ? hooks->cancellable : NULL;

  while (start < end)
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;
      int rc = _strata_database_prepare (db, start, (int)(end - start), &stmt, &tail, trust);

      if (rc != SQLITE_OK)
        {
          set_failure (failure, STRATA_SECTION_UNREADABLE, statement, sqlite3_errmsg (db));
          return FALSE;
        }
      if (stmt == NULL)
        return TRUE;
      if (start == statement->text && hooks != NULL && hooks->started != NULL)
        hooks->started (statement, hooks->data);
      if ((rc = _strata_database_step (db, &stmt, trust)) != SQLITE_DONE)
        {
          gboolean cancelled = (rc & 0xff) == SQLITE_INTERRUPT &&
                               g_cancellable_is_cancelled (cancellable);

          set_failure (failure, cancelled ? STRATA_SECTION_CANCELLED : STRATA_SECTION_FAILED,
                       statement, sqlite3_errmsg (db));
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
      start = tail != NULL && tail > start ? tail : end;
    }
  return TRUE;
}

gboolean
_strata_section_apply (const StrataSection      *section,
                       sqlite3                  *db,
                       const StrataSectionHooks *hooks,
                       StrataSectionFailure     *failure)
{
  GCancellable *cancellable = hooks != NULL ? hooks->cancellable : NULL;
  g_auto(Reader) reader = { 0 };
  StrataSqlCursor *cursor = &reader.cursor;
  /* Held from the first statement that needs it to the end of the section:
   * see strata-database-trust.c. */
  g_autoptr(StrataTrust) trust = NULL;

  g_return_val_if_fail (section != NULL && db != NULL && failure != NULL, FALSE);

  if (!_strata_section_check (section, failure) || !reader_open (&reader, section, TRUE, failure))
    return FALSE;
  while (_strata_sql_cursor_next (cursor))
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          set_failure (failure, STRATA_SECTION_CANCELLED, cursor, NULL);
          return FALSE;
        }
      /* A file read again may have changed since the check. */
      if (section->transactional && cursor->control)
        {
          set_refused (failure, cursor);
          return FALSE;
        }
      if (hooks != NULL && hooks->skip != NULL && hooks->skip (cursor, hooks->data))
        continue;
      if (step_statement (db, hooks, cursor, &trust, failure))
        {
          if (hooks != NULL && hooks->finished != NULL)
            hooks->finished (cursor, NULL, hooks->data);
        }
      else if (failure->outcome == STRATA_SECTION_CANCELLED || !report (hooks, cursor, failure))
        return FALSE;
      else
        _strata_section_failure_clear (failure);
    }
  return reader_close (&reader, section, failure);
}
