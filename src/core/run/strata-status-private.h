/* strata-status-private.h: the tables Strata keeps in a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-status.h"

G_BEGIN_DECLS

#define STRATA_HISTORY_TABLE "strata_history"
/* The sections of big revision files, by strata_history id (see
 * strata-history-sections-private.h). */
#define STRATA_HISTORY_SQL_TABLE "strata_history_sql"

/* CREATE TABLE IF NOT EXISTS for @version_table, exactly as Alembic makes it. */
char     *_strata_version_table_create_sql   (const char     *version_table);
/* CREATE TABLE IF NOT EXISTS strata_history (see docs/database-tables.md). */
const char *_strata_history_create_sql       (void);
/* CREATE TABLE IF NOT EXISTS strata_history_sql. */
const char *_strata_history_sql_create_sql   (void);
/* INSERT INTO strata_history with the parameters numbered as
 * StrataHistoryColumn, for sqlite3_bind_*() or for literal values. */
const char *_strata_history_insert_prefix    (void);

typedef enum
{
  STRATA_HISTORY_REVISION = 1,
  STRATA_HISTORY_DIRECTION,
  STRATA_HISTORY_CHECKSUM,
  STRATA_HISTORY_MESSAGE,
  STRATA_HISTORY_DOWN_REVISIONS,
  STRATA_HISTORY_BRANCH_LABELS,
  STRATA_HISTORY_DEPENDS_ON,
  STRATA_HISTORY_CREATE_DATE,
  STRATA_HISTORY_FILE,
  STRATA_HISTORY_UPGRADE_SQL,
  STRATA_HISTORY_DOWNGRADE_SQL,
  STRATA_HISTORY_UPGRADE_TRANSACTIONAL,
  STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL,
  STRATA_HISTORY_FROM_HEADS,
  STRATA_HISTORY_TO_HEADS,
  STRATA_HISTORY_STARTED_AT,
  STRATA_HISTORY_FINISHED_AT,
  STRATA_HISTORY_DURATION_MS,
  STRATA_HISTORY_OUTCOME,
  STRATA_HISTORY_ERROR,
  STRATA_HISTORY_N_COLUMNS = STRATA_HISTORY_ERROR,
} StrataHistoryColumn;

/* Like strata_status_read(), but reads strata_history only when a row of the
 * version table is missing from @graph: the status then knows no applied
 * revisions or checksums, which a run planned on @graph never asks for. */
StrataStatus *_strata_status_read_for_graph  (StrataDatabase       *database,
                                              const char           *version_table,
                                              StrataRevisionGraph  *graph,
                                              GError              **error);

/* FALSE, with what to do, when a row of the version table is an ancestor of
 * another in @graph: a table no tool wrote, which a run must not guess at. */
gboolean  _strata_status_check_rows          (StrataStatus         *self,
                                              StrataRevisionGraph  *graph,
                                              GFile                *database_file,
                                              GError              **error);

/* TRUE for a revision that strata_status_complete_graph() rebuilt from
 * strata_history because its file is missing. */
gboolean  _strata_revision_is_from_history   (StrataRevision *revision);

G_END_DECLS
