/* strata-autogen-private.h: between autogenerate's object and its planner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-autogen.h"
#include "strata-database.h"
#include "strata-revision-graph.h"
#include "strata-revision.h"
#include "strata-schema-snapshot.h"

G_BEGIN_DECLS

/* A table rename (@from_column NULL) or a column rename of a table that is
 * @from_table before and @to_table after. */
typedef struct
{
  char *from_table;
  char *to_table;
  char *from_column;
  char *to_column;
} StrataRename;

/* A table or column that would be dropped without consent: what it is in
 * words, and the rename that would keep its data, when one looks likely. */
typedef struct
{
  char *subject;   /* "column “cost” of table “part”" */
  char *rename;    /* "part.cost:price", or NULL */
} StrataDropQuestion;

void          _strata_drop_question_clear (StrataDropQuestion *question);

void          _strata_rename_free        (StrataRename  *rename);
/* The same rename seen from the other side, for the downgrade. */
StrataRename *_strata_rename_invert      (StrataRename  *rename);

/* Writes into @sql the statements that take the schema of @scratch to that
 * of @target, running each on @scratch as it is written, so that every
 * decision is taken against the schema as it stands at that point and a
 * statement SQLite refuses is found here, not in the user's database.
 * @fills (may be NULL) maps "table.column", case-folded, to the SQL a
 * rebuild's copy puts in that column where it is NULL (or absent before).
 * Without @allow_drop a table or column that goes is an error. @restoring
 * (the downgrade) brings back what the upgrade dropped: a NOT NULL column
 * without a DEFAULT gets its --fill value in @fills, else a placeholder, and
 * the SQL says that its values are only in the backup. What was
 * assumed goes into @notes; a drop that needs consent fills @question (may
 * be NULL) besides @error. */
gboolean      _strata_autogen_plan       (StrataDatabase        *scratch,
                                          StrataSchemaSnapshot  *target,
                                          GPtrArray             *renames,
                                          GHashTable            *fills,
                                          gboolean               allow_drop,
                                          gboolean               restoring,
                                          GString               *sql,
                                          GStrvBuilder          *notes,
                                          GPtrArray             *placeholders,
                                          StrataDropQuestion    *question,
                                          GError               **error);

/* Only the renames of @renames, on @scratch: what is left to compare once
 * they are made. */
gboolean      _strata_autogen_apply_renames (StrataDatabase       *scratch,
                                             StrataSchemaSnapshot *target,
                                             GPtrArray            *renames,
                                             GError              **error);

/* Every revision's upgrade, bases first, schema only (no rows: see
 * strata-schema-replay.h), in a new in-memory database; with @until only
 * the revisions it depends on (the schema it starts from). */
StrataDatabase *_strata_autogen_replay   (StrataRevisionGraph   *graph,
                                          StrataRevision        *until,
                                          GCancellable          *cancellable,
                                          GError               **error);

/* strata-autogen-samples.c: two made-up rows in each empty table of
 * @database (a copy of head), each accepted by head's table and by the
 * table of @target that it becomes; a table where none fits stays empty. */
void          _strata_autogen_add_sample_rows (StrataDatabase       *database,
                                               StrataSchemaSnapshot *head,
                                               StrataDatabase       *target,
                                               StrataSchemaSnapshot *target_schema,
                                               GPtrArray            *renames);

/* strata_autogen_check_rows(), and into @fills (may be NULL)
 * "table.column=VALUE" for each column that becomes NOT NULL over NULLs. */
GStrv         _strata_autogen_collect_rows (StrataAutogen    *self,
                                            StrataDatabase   *database,
                                            GPtrArray        *fills,
                                            GCancellable     *cancellable,
                                            GError          **error);

/* The VALUE of strata_autogen_add_fill() for @table.@column, or NULL. */
const char   *_strata_autogen_get_fill   (StrataAutogen         *self,
                                          const char            *table,
                                          const char            *column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRename, _strata_rename_free)

G_END_DECLS
