/* strata-lint.h: warnings about a revision's SQL, before it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_LINT_WARNING (strata_lint_warning_get_type ())

typedef enum
{
  STRATA_LINT_DATA_LOSS = 1,            /* DROP TABLE, DROP COLUMN */
  STRATA_LINT_NOT_NULL_WITHOUT_DEFAULT, /* ADD COLUMN … NOT NULL and no DEFAULT */
  STRATA_LINT_DROP_COLUMN_REFUSED,      /* a DROP COLUMN SQLite will refuse */
  STRATA_LINT_PRAGMA_IN_TRANSACTION,    /* PRAGMA foreign_keys, a no-op there */
  STRATA_LINT_TRANSACTION_CONTROL,      /* BEGIN, COMMIT, END, ROLLBACK */
  STRATA_LINT_RENAME_ASIDE,             /* ALTER TABLE x RENAME TO old_x; CREATE TABLE x */
  STRATA_LINT_VIOLATING_ROWS,           /* new NOT NULL / UNIQUE that current rows break */
  STRATA_LINT_STATEMENT_FAILS,          /* SQLite refuses it on the schema before it */
  STRATA_LINT_NO_DOWNGRADE,             /* an upgrade, and an empty unmarked downgrade */
} StrataLintCode;

typedef struct
{
  StrataLintCode   code;
  StrataDirection  direction;
  char            *file;    /* the revision's display path */
  guint            line;    /* 1-based line in the file */
  char            *message;
} StrataLintWarning;

GType               strata_lint_warning_get_type  (void) G_GNUC_CONST;
StrataLintWarning  *strata_lint_warning_copy      (const StrataLintWarning *warning);
void                strata_lint_warning_free      (StrataLintWarning       *warning);
/* "versions/ab12_x.sql:7: warning: …", as compilers print them. */
char               *strata_lint_warning_to_string (const StrataLintWarning *warning);

/* Checks both sections of @revision, statement by statement, and returns
 * StrataLintWarning items in file order. With @graph the statements are
 * also run, in an in-memory database holding the schema the revision starts
 * from (its ancestors replayed), so that SQLite itself says what it would
 * refuse. With @database (at the revision's parent, opened by the caller on
 * this thread), rows that a new NOT NULL or UNIQUE would reject are counted.
 * Neither database the caller owns is changed. */
GPtrArray          *strata_lint_revision          (StrataRevision       *revision,
                                                   StrataRevisionGraph  *graph,
                                                   StrataDatabase       *database,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
/* Called after each revision: @done of @total revisions are linted. */
typedef void      (*StrataLintProgressFunc)       (guint                 done,
                                                   guint                 total,
                                                   gpointer              user_data);
/* Lints every revision of @graph that has a file, as strata_lint_revision()
 * does with @graph and no database, in the graph's order, replaying each
 * revision's schema once for the whole graph (strata-schema-replay.h), so
 * the time grows with the number of revisions, not its square. A revision
 * whose ancestors SQLite refuses gets the checks on its text only. Returns
 * the warnings, revision after revision. */
GPtrArray          *strata_lint_graph             (StrataRevisionGraph    *graph,
                                                   StrataLintProgressFunc  progress,
                                                   gpointer                user_data,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
/* The same on a worker; @database_file (may be NULL) is opened read-only there. */
void                strata_lint_revision_async    (StrataRevision       *revision,
                                                   StrataRevisionGraph  *graph,
                                                   GFile                *database_file,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray          *strata_lint_revision_finish   (GAsyncResult         *result,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLintWarning, strata_lint_warning_free)

G_END_DECLS
