/* strata-sql-check.h: finds statements SQLite cannot prepare, before they run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

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

/* On a worker: builds a scratch schema in memory by running the upgrade SQL
 * of every ancestor of @parents in @graph, then prepares each statement of
 * @upgrade_sql (running those that prepare, so later ones see their tables),
 * then each of @downgrade_sql against the schema the upgrade left. */
/* Replays the upgrade SQL of @parents (NULL for none) and their ancestors into an in-memory
 * database (cached for the last parents checked), then prepares each statement
 * of both sections against it, running the upgrade's so the downgrade sees its
 * schema. Never touches a real database. */
StrataSqlCheck *strata_sql_check        (StrataRevisionGraph *graph,
                                         const char * const  *parents,
                                         const char          *upgrade_sql,
                                         const char          *downgrade_sql,
                                         GCancellable        *cancellable,
                                         GError             **error);
void            strata_sql_check_async  (StrataRevisionGraph *graph,
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
