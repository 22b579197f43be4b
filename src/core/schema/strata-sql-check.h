/* strata-sql-check.h: finds statements SQLite cannot prepare, before they run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-schema-replay.h"
#include "strata-types.h"

G_BEGIN_DECLS

typedef struct
{
  StrataDirection  direction; /* the section: upgrade or downgrade */
  gsize            offset;    /* byte offset of the statement in its section */
  gsize            length;    /* its length in bytes */
  guint            line;      /* 1-based line of its start in the section */
  char            *message;   /* SQLite's message */
} StrataSqlProblem;

typedef struct
{
  GPtrArray *problems;        /* StrataSqlProblem */
  GStrv      names;           /* tables, views and columns of the scratch schema */
} StrataSqlCheck;

void            strata_sql_check_free   (StrataSqlCheck      *check);

/* Builds the schema a revision revising @parents (NULL for a base) starts
 * from, with @replay (schema only, no rows: strata-schema-replay.h; the
 * replay keeps it for the next check with the same @parents), then prepares
 * each statement of @upgrade_sql, running those that prepare so that later
 * ones see their tables, then each of @downgrade_sql against the schema the
 * upgrade left. Never touches a real database. The _async twin runs on a
 * worker; @replay may be shared by overlapping checks (see its thread
 * contract). */
StrataSqlCheck *strata_sql_check        (StrataSchemaReplay  *replay,
                                         const char * const  *parents,
                                         const char          *upgrade_sql,
                                         const char          *downgrade_sql,
                                         GCancellable        *cancellable,
                                         GError             **error);
void            strata_sql_check_async  (StrataSchemaReplay  *replay,
                                         const char * const  *parents,
                                         const char          *upgrade_sql,
                                         const char          *downgrade_sql,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
StrataSqlCheck *strata_sql_check_finish (GAsyncResult        *result,
                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSqlCheck, strata_sql_check_free)

G_END_DECLS
