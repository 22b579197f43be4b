/* strata-migration-private.h: between a run's object and its executor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-backup.h"
#include "strata-database.h"
#include "strata-migration.h"
#include "strata-project.h"
#include "strata-revision-graph.h"
#include "strata-schema-snapshot.h"

G_BEGIN_DECLS

/* How long a batch of steps may hold the write lock before it commits: what
 * another connection may wait beyond one step, and long enough that the five
 * syncs of a commit are shared by many small revisions. */
#define STRATA_MIGRATION_GROUP_COMMIT_MS 200

/* What a worker needs, captured on the caller's thread so that it never
 * reads an object the caller may change meanwhile. */
typedef struct
{
  StrataMigration     *migration;
  StrataProject       *project;
  GFile               *database_file;
  char                *version_table;
  StrataBackupPolicy   backup_policy;
  StrataDirection      direction;
  char                *target;
  gboolean             purge;
  guint                group_commit_ms;
  StrataRevisionGraph *graph;
  GStrv                start_heads;
} _StrataRunRequest;

void      _strata_run_request_free             (_StrataRunRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (_StrataRunRequest, _strata_run_request_free)

/* The worker's side: strata-migration-run.c runs, strata-run-offline.c
 * renders the script. */
gboolean  _strata_migration_execute            (_StrataRunRequest  *request,
                                                GCancellable       *cancellable,
                                                GError            **error);
char     *_strata_migration_render             (_StrataRunRequest  *request,
                                                GCancellable       *cancellable,
                                                GError            **error);

/* strata-migration.c: progress, callable from the worker. */
void      _strata_migration_set_plan           (StrataMigration    *self,
                                                GPtrArray          *steps);
void      _strata_migration_step_started       (StrataMigration    *self,
                                                StrataStep         *step,
                                                guint               index);
/* Before the steps: the copy of the database, @size bytes, is @fraction done. */
void      _strata_migration_backup_progress    (StrataMigration    *self,
                                                const char         *database_name,
                                                goffset             size,
                                                double              fraction);
void      _strata_migration_statement_started  (StrataMigration    *self,
                                                const char         *statement);
void      _strata_migration_step_finished      (StrataMigration    *self,
                                                StrataStep         *step,
                                                guint               index);
void      _strata_migration_set_failure        (StrataMigration    *self,
                                                StrataRevision     *revision,
                                                guint               line,
                                                const char         *statement);
void      _strata_migration_set_backup         (StrataMigration    *self,
                                                StrataBackup       *backup);
/* Sets the warning about @key; a NULL @text removes it. */
void      _strata_migration_set_warning        (StrataMigration    *self,
                                                const char         *key,
                                                const char         *text);

/* strata-migration-diagnosis.c: what the database says after a failed step,
 * appended to @error's message. After a rollback: the version table and the
 * last successful strata_history row, read again. After a transaction:false
 * section failed at @failed_line (0: after its last statement): which of its
 * statements took effect, from the live schema compared with a rehearsal of
 * the section on the schema @before it; when none did in this run, also on
 * the schema the revisions of @graph give the step's start (an earlier run
 * that stopped half-way). */
void      _strata_migration_diagnose_rollback  (StrataDatabase       *database,
                                                const char           *version_table,
                                                const char * const   *expected_heads,
                                                StrataStep           *step,
                                                GError               *error);
void      _strata_migration_diagnose_partial   (StrataDatabase       *database,
                                                StrataSchemaSnapshot *before,
                                                StrataRevisionGraph  *graph,
                                                StrataStep           *step,
                                                guint                 failed_line,
                                                const char * const   *heads,
                                                GError               *error);

G_END_DECLS
