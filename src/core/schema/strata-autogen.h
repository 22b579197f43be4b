/* strata-autogen.h: a revision from the difference between head and schema.sql
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_AUTOGEN (strata_autogen_get_type ())

G_DECLARE_FINAL_TYPE (StrataAutogen, strata_autogen, STRATA, AUTOGEN, GObject)

typedef enum /*< flags >*/
{
  STRATA_AUTOGEN_FLAGS_NONE         = 0,
  /* Tables and columns that are in head but not in schema.sql are dropped,
   * their data with them. Without it such a drop is an error. */
  STRATA_AUTOGEN_FLAGS_ALLOW_DROP   = 1 << 0,
  /* Only compare (strata_autogen_get_differences()); write no SQL. */
  STRATA_AUTOGEN_FLAGS_COMPARE_ONLY = 1 << 1,
} StrataAutogenFlags;

/* The schema at head is built by running every revision's upgrade, in graph
 * order, in an in-memory database: the project's database is neither needed
 * nor touched. The desired schema is the file named by "schema =" in
 * strata.ini (relative to the project folder), run in another in-memory
 * database. See docs/autogenerate.md. */
StrataAutogen      *strata_autogen_new                (StrataProject        *project);
/* For tests and tools: @head_sql (CREATE statements and rows) stands for
 * head, @target_sql for schema.sql. */
StrataAutogen      *strata_autogen_new_for_sql        (const char           *head_sql,
                                                       const char           *target_sql);
/* The graph to replay; when unset it is loaded from the project. */
void                strata_autogen_set_graph          (StrataAutogen        *self,
                                                       StrataRevisionGraph  *graph);
void                strata_autogen_set_flags          (StrataAutogen        *self,
                                                       StrataAutogenFlags    flags);
/* Renames to use instead of a drop and an add: "old:new" for a table,
 * "table.old:new" for a column (names as in head). */
gboolean            strata_autogen_add_rename         (StrataAutogen        *self,
                                                       const char           *spec,
                                                       GError              **error);

/* "table.column=VALUE": where the upgrade copies a table, NULLs of that
 * column become VALUE (an SQL expression), as COALESCE(column, VALUE); a
 * column the table did not have gets VALUE. For a new NOT NULL. */
gboolean            strata_autogen_add_fill           (StrataAutogen        *self,
                                                       const char           *spec,
                                                       GError              **error);

/* Compares, writes the upgrade and the downgrade, and checks them in memory:
 * the upgrade applied to head must give exactly schema.sql's schema, the
 * downgrade exactly head's again, with sample rows kept in the columns both
 * have and foreign_key_check clean. If not, this fails with the difference
 * and nothing may be written. Nothing is written here either. */
gboolean            strata_autogen_run                (StrataAutogen        *self,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
void                strata_autogen_run_async          (StrataAutogen        *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean            strata_autogen_run_finish         (StrataAutogen        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* After a run: head against schema.sql in words; empty when they agree. */
const char * const *strata_autogen_get_differences    (StrataAutogen        *self);
/* After a run: the SQL of each section (NULL when there is no difference). */
const char         *strata_autogen_get_upgrade_sql    (StrataAutogen        *self);
const char         *strata_autogen_get_downgrade_sql  (StrataAutogen        *self);
/* After a run: what was assumed and what to look at, one sentence each. */
const char * const *strata_autogen_get_notes          (StrataAutogen        *self);
/* After a run that failed with STRATA_ERROR_TARGET because a table or
 * column would be dropped: what it is ("column “cost” of table “part”"), and
 * the rename that would keep its data ("part.cost:price"; NULL when nothing
 * added looks like it), for strata_autogen_add_rename(). */
const char         *strata_autogen_get_drop_subject   (StrataAutogen        *self);
const char         *strata_autogen_get_rename_candidate (StrataAutogen      *self);
/* Normalised CREATE statements of head, and of schema.sql. */
const char         *strata_autogen_get_head_sql       (StrataAutogen        *self);
const char         *strata_autogen_get_target_sql     (StrataAutogen        *self);

/* After a run that wrote SQL: the rows of @database (the project's, opened
 * read-only by the caller on this thread, at head) that the upgrade would
 * refuse, one sentence each, naming the table, the column and the new NOT
 * NULL, CHECK, UNIQUE or STRICT type, how many rows, and what to do. Empty
 * when none. Nothing is written. */
GStrv               strata_autogen_check_rows         (StrataAutogen        *self,
                                                       StrataDatabase       *database,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

/* After a run of an autogen made with strata_autogen_new() that wrote SQL:
 * what strata_autogen_check_rows() says of the project's database, opened
 * read-only on the run's thread (empty when there is none yet), so that a
 * window shows what the CLI prints. Never NULL after a successful run. */
const char * const *strata_autogen_get_row_problems   (StrataAutogen        *self);
/* After the same run: "table.column=VALUE" for each column that becomes
 * NOT NULL while rows hold NULL there, VALUE a suggestion (its DEFAULT, or a
 * zero of its type) to offer for strata_autogen_add_fill(). */
const char * const *strata_autogen_get_suggested_fills (StrataAutogen       *self);
/* After a run that wrote SQL: "table.column=VALUE" for each dropped NOT NULL
 * column that the downgrade brings back holding VALUE, a placeholder, in
 * every row, because no fill chose one (strata_autogen_add_fill() does). */
const char * const *strata_autogen_get_placeholders    (StrataAutogen       *self);

/* Writes the revision into the versions folder (as
 * strata_project_create_revision() does, on the single head) with the
 * generated sections. */
StrataRevision     *strata_autogen_write_revision     (StrataAutogen        *self,
                                                       StrataRevisionGraph  *graph,
                                                       const char           *message,
                                                       const char           *rev_id,
                                                       GError              **error);
/* The same on a worker, for a window; the autogen is not changed by it. */
void                strata_autogen_write_revision_async  (StrataAutogen        *self,
                                                          StrataRevisionGraph  *graph,
                                                          const char           *message,
                                                          const char           *rev_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
StrataRevision     *strata_autogen_write_revision_finish (StrataAutogen        *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* The file "schema =" of strata.ini names, or NULL with STRATA_ERROR_CONFIG. */
GFile              *strata_autogen_get_schema_file    (StrataProject        *project,
                                                       GError              **error);
/* The schema a replay of every revision's upgrade leaves, as normalised
 * CREATE statements; what `strata-cli schema` prints without a database. */
char               *strata_autogen_replay_head        (StrataProject        *project,
                                                       StrataRevisionGraph  *graph,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

G_END_DECLS
