/* strata-project.h: a project folder and its strata.ini
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-alembic-project.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PROJECT (strata_project_get_type ())

G_DECLARE_FINAL_TYPE (StrataProject, strata_project, STRATA, PROJECT, GObject)

/* strata.ini's "backup" key: when a run first copies the database aside. */
typedef enum
{
  STRATA_BACKUP_POLICY_DESTRUCTIVE, /* before a run with a DROP TABLE or DROP COLUMN */
  STRATA_BACKUP_POLICY_ALWAYS,      /* before every run that changes something */
  STRATA_BACKUP_POLICY_NEVER,
} StrataBackupPolicy;

/* Reads @directory/strata.ini (see docs/project-format.md), or the
 * alembic.ini of an Alembic project. Unknown keys are not errors: see
 * strata_project_get_warnings(). */
StrataProject       *strata_project_new                     (GFile               *directory,
                                                             GError             **error);
/* The same with @database_file (may be NULL) in place of the configured
 * database: what strata-cli's --database and STRATA_DATABASE name. An
 * Alembic project whose sqlalchemy.url is not a SQLite file opens only with
 * one. The core reads no environment: the program passes what it read. */
StrataProject       *strata_project_new_with_database       (GFile               *directory,
                                                             GFile               *database_file,
                                                             GError             **error);
/* The nearest folder upwards from @start holding strata.ini, as git finds its
 * repository. */
StrataProject       *strata_project_discover                (GFile               *start,
                                                             GError             **error);
StrataProject       *strata_project_discover_with_database  (GFile               *start,
                                                             GFile               *database_file,
                                                             GError             **error);
/* Creates strata.ini, the versions folder and its revision template in
 * @directory (created if needed). Refuses a folder that already has strata.ini. */
StrataProject       *strata_project_init                    (GFile               *directory,
                                                             const char          *database,
                                                             GError             **error);

/* A folder with alembic.ini and no strata.ini opens as an Alembic project
 * (docs/alembic.md): its graph and database state read without Python, its
 * database from sqlalchemy.url. Such a project is not runnable. */
StrataAlembicProject *strata_project_get_alembic            (StrataProject       *self);
/* FALSE, with the reason and what to run, for a project whose revisions
 * Strata can read but not run or edit (an Alembic project). */
gboolean             strata_project_check_runnable          (StrataProject       *self,
                                                             GError             **error);

GFile               *strata_project_get_directory           (StrataProject       *self);
GFile               *strata_project_get_config_file         (StrataProject       *self);
GFile               *strata_project_get_database_file       (StrataProject       *self);
void                 strata_project_set_database_file       (StrataProject       *self,
                                                             GFile               *file);
GFile               *strata_project_get_versions_directory  (StrataProject       *self);
/* The "schema" key: the file of CREATE statements autogenerate works towards,
 * or NULL when the project has none. */
GFile               *strata_project_get_schema_file         (StrataProject       *self);
/* script.sql.template in the project folder: the text of every new revision,
 * with ${message}, ${revision}, ${down_revisions}, ${create_date},
 * ${branch_labels} and ${depends_on} filled in (see docs/project-format.md).
 * Without that file new revisions get empty sections. */
GFile               *strata_project_get_template_file       (StrataProject       *self);
const char          *strata_project_get_version_table       (StrataProject       *self);
/* backup_dir (default backups/, relative to the project), backup (default
 * destructive) and backup_keep (default 10; 0 keeps every backup). */
GFile               *strata_project_get_backup_directory    (StrataProject       *self);
StrataBackupPolicy   strata_project_get_backup_policy       (StrataProject       *self);
guint                strata_project_get_backup_keep         (StrataProject       *self);
/* Human-readable lines: "strata.ini:4: unknown key “foo”; it is ignored". */
const char * const  *strata_project_get_warnings            (StrataProject       *self);
/* @file relative to the project folder when inside it, else its path. */
char                *strata_project_get_display_path        (StrataProject       *self,
                                                             GFile               *file);

/* Parses every *.sql file of the versions folder and builds the graph. */
StrataRevisionGraph *strata_project_load_graph              (StrataProject       *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                 strata_project_load_graph_async        (StrataProject       *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
StrataRevisionGraph *strata_project_load_graph_finish       (StrataProject       *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* Reads the version table and strata_history through a read-only connection.
 * A database that does not exist yet gives an empty status, not an error. */
StrataStatus        *strata_project_read_status             (StrataProject       *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
/* `alembic ensure_version`: creates the database and its version table, in
 * Alembic's DDL, when they do not exist; changes nothing otherwise. */
gboolean             strata_project_ensure_version_table    (StrataProject       *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                 strata_project_read_status_async       (StrataProject       *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
StrataStatus        *strata_project_read_status_finish      (StrataProject       *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* Writes a new revision file into the versions folder, as `alembic revision`
 * does: @heads (NULL: the single head; "base" for a new base) become its Revises;
 * @rev_id (NULL: 12 random hex digits). With @splice a head that is not a
 * current head of the graph may be revised, starting a branch. */
StrataRevision      *strata_project_create_revision         (StrataProject       *self,
                                                             StrataRevisionGraph *graph,
                                                             const char          *message,
                                                             const char * const  *heads,
                                                             const char          *branch_label,
                                                             const char * const  *depends_on,
                                                             const char          *rev_id,
                                                             gboolean             splice,
                                                             GError             **error);
/* The same on a worker; @graph is immutable and the strings are copied. */
void                 strata_project_create_revision_async   (StrataProject       *self,
                                                             StrataRevisionGraph *graph,
                                                             const char          *message,
                                                             const char * const  *heads,
                                                             const char          *branch_label,
                                                             const char * const  *depends_on,
                                                             const char          *rev_id,
                                                             gboolean             splice,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
StrataRevision      *strata_project_create_revision_finish  (StrataProject       *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/* `alembic merge`: a revision whose Revises are @revisions (ids, prefixes,
 * labels or "heads"). */
StrataRevision      *strata_project_create_merge            (StrataProject       *self,
                                                             StrataRevisionGraph *graph,
                                                             const char          *message,
                                                             const char * const  *revisions,
                                                             GError             **error);

G_END_DECLS
