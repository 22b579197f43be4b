/* strata-history-sections.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-error.h"
#include "strata-history-sections-private.h"
#include "strata-revision-private.h"
#include "strata-status-private.h"

/* The pieces a big section is copied in. */
#define PIECE (256 * 1024)

/* TRUE when @direction's section of @revision is written into
 * strata_history_sql rather than into the row itself. */
static gboolean
is_big (StrataRevision  *revision,
        StrataDirection  direction)
{
  return _strata_revision_section_in_file (revision, direction) &&
         _strata_revision_get_section_length (revision, direction) > 0;
}

void
_strata_history_bind_section (sqlite3_stmt    *stmt,
                              int              parameter,
                              StrataRevision  *revision,
                              StrataDirection  direction)
{
  g_return_if_fail (stmt != NULL);
  g_return_if_fail (STRATA_IS_REVISION (revision));

  if (is_big (revision, direction))
    sqlite3_bind_null (stmt, parameter);
  else
    /* Not copied: the revision outlives the statement. */
    sqlite3_bind_text (stmt, parameter, strata_revision_get_sql (revision, direction), -1,
                       SQLITE_STATIC);
}

static gboolean
set_sqlite_error (sqlite3  *db,
                  GError  **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE, "%s: %s", STRATA_HISTORY_SQL_TABLE,
               sqlite3_errmsg (db));
  return FALSE;
}

/* Copies the section into the blob, a piece at a time. */
static gboolean
copy_section (sqlite3               *db,
              sqlite3_blob          *blob,
              StrataRevisionSource  *source,
              GError               **error)
{
  g_autofree char *piece = g_malloc (PIECE);
  int offset = 0;
  gssize n;

  while ((n = _strata_revision_source_read (source, piece, PIECE, error)) > 0)
    {
      if (n > sqlite3_blob_bytes (blob) - offset)
        return _strata_revision_source_verify (source, NULL, error) &&
               set_sqlite_error (db, error);
      if (sqlite3_blob_write (blob, piece, (int)n, offset) != SQLITE_OK)
        return set_sqlite_error (db, error);
      offset += (int)n;
    }
  return n == 0 && _strata_revision_source_verify (source, NULL, error);
}

static gboolean
write_section (sqlite3          *db,
               sqlite3_int64     rowid,
               StrataRevision   *revision,
               StrataDirection   direction,
               const char       *column,
               GError          **error)
{
  g_autoptr(StrataRevisionSource) source = NULL;
  sqlite3_blob *blob = NULL;
  gboolean ok;

  if (!is_big (revision, direction))
    return TRUE;
  if (!_strata_revision_open_section (revision, direction, FALSE, &source, error))
    return FALSE;
  if (sqlite3_blob_open (db, "main", STRATA_HISTORY_SQL_TABLE, column, rowid, 1,
                         &blob) != SQLITE_OK)
    {
      sqlite3_blob_close (blob);
      return set_sqlite_error (db, error);
    }
  ok = copy_section (db, blob, source, error);
  if (sqlite3_blob_close (blob) != SQLITE_OK && ok)
    return set_sqlite_error (db, error);
  return ok;
}

static void
bind_space (sqlite3_stmt    *stmt,
            int              parameter,
            StrataRevision  *revision,
            StrataDirection  direction)
{
  if (is_big (revision, direction))
    sqlite3_bind_zeroblob64 (stmt, parameter,
                             _strata_revision_get_section_length (revision, direction));
  else
    sqlite3_bind_null (stmt, parameter);
}

/* The row of strata_history_sql, its sections zeroblobs of their length:
 * the last columns of the row, so that SQLite writes them without making
 * them in memory (a zeroblob before other values would be). */
static gboolean
insert_space (sqlite3         *db,
              sqlite3_int64    rowid,
              StrataRevision  *revision,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_exec (db, _strata_history_sql_create_sql (), NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO " STRATA_HISTORY_SQL_TABLE
                              " (history_id, upgrade_sql, downgrade_sql) VALUES (?1, ?2, ?3);",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error);
  sqlite3_bind_int64 (stmt, 1, rowid);
  bind_space (stmt, 2, revision, STRATA_DIRECTION_UPGRADE);
  bind_space (stmt, 3, revision, STRATA_DIRECTION_DOWNGRADE);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || set_sqlite_error (db, error);
}

gboolean
_strata_history_write_sections (sqlite3         *db,
                                sqlite3_int64    rowid,
                                StrataRevision  *revision,
                                GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), FALSE);

  if (!is_big (revision, STRATA_DIRECTION_UPGRADE) &&
      !is_big (revision, STRATA_DIRECTION_DOWNGRADE))
    return TRUE;
  if (insert_space (db, rowid, revision, &local_error) &&
      write_section (db, rowid, revision, STRATA_DIRECTION_UPGRADE, "upgrade_sql",
                     &local_error) &&
      write_section (db, rowid, revision, STRATA_DIRECTION_DOWNGRADE, "downgrade_sql",
                     &local_error))
    return TRUE;
  g_set_error (error, local_error->domain, local_error->code, "%s: %s",
               strata_revision_get_display_path (revision), local_error->message);
  return FALSE;
}
