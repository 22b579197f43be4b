/* strata-migration-private.h: between a run's object and its executor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-backup.h"
#include "strata-migration.h"

G_BEGIN_DECLS

/* What a worker needs, captured on the caller's thread so that it never
 * reads an object the caller may change meanwhile. */
typedef struct
{
  StrataMigration     *migration;
  StrataProject       *project;
  GFile               *database_file;
  char                *version_table;
  StrataDirection      direction;
  char                *target;
  gboolean             purge;
  StrataRevisionGraph *graph;
  GStrv                start_heads;
} _StrataRunRequest;

void      _strata_run_request_free             (_StrataRunRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (_StrataRunRequest, _strata_run_request_free)

/* strata-migration-run.c: the worker's side. */
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

G_END_DECLS
