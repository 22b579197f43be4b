/* strata-project-settings-private.h: what strata.ini says, frozen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_PROJECT_CONFIG_NAME   "strata.ini"
#define STRATA_PROJECT_TEMPLATE_NAME "script.sql.template"

/* A project's configuration at one moment: never changed once made, so that
 * a worker thread holding a reference reads the same database file, version
 * table and folders from start to end, whatever the project (whose
 * database-file property the app may change meanwhile) does. */
typedef struct _StrataProjectSettings StrataProjectSettings;

struct _StrataProjectSettings
{
  GFile              *directory;
  GFile              *config_file;
  GFile              *template_file;
  GFile              *database_file;
  GFile              *versions_directory;
  GFile              *schema_file;        /* NULL without a "schema" key */
  char               *version_table;
  GFile              *backup_directory;   /* where runs back the database up */
  StrataBackupPolicy  backup_policy;
  guint               backup_keep;
  /* An Alembic project read in place (docs/alembic.md), else NULL: its
   * revisions are Python, read but never run. */
  StrataAlembicProject *alembic;
};

/* Empty settings of @directory, for strata-project-config.c to fill before
 * anyone else sees them. */
StrataProjectSettings *_strata_project_settings_new           (GFile                       *directory);
StrataProjectSettings *_strata_project_settings_ref           (StrataProjectSettings       *self);
void                   _strata_project_settings_unref         (StrataProjectSettings       *self);
/* A copy of @self naming another database. */
StrataProjectSettings *_strata_project_settings_with_database (const StrataProjectSettings *self,
                                                               GFile                       *database_file);
/* @file relative to the project folder when inside it, else its full name. */
char                  *_strata_project_settings_display_path  (const StrataProjectSettings *self,
                                                               GFile                       *file);

/* strata-project-config.c: strata.ini read (or given as @contents), with the
 * warnings about what it holds that Strata does not know. A non-NULL
 * @database replaces the configured one (strata_project_new_with_database()). */
StrataProjectSettings *_strata_project_settings_load          (GFile                       *directory,
                                                               GFile                       *database,
                                                               GStrv                       *warnings,
                                                               GError                     **error);
/* strata-project-alembic.c: the settings of a folder holding alembic.ini. */
StrataProjectSettings *_strata_project_settings_load_alembic  (GFile                       *config,
                                                               GFile                       *database,
                                                               GError                     **error);
StrataProjectSettings *_strata_project_settings_parse         (GFile                       *directory,
                                                               GFile                       *database,
                                                               const char                  *contents,
                                                               gsize                        length,
                                                               GStrv                       *warnings,
                                                               GError                     **error);

/* strata-project-loader.c: the revision files of the versions folder. */
StrataRevisionGraph   *_strata_project_settings_load_graph    (const StrataProjectSettings *self,
                                                               GCancellable                *cancellable,
                                                               GError                     **error);

/* strata-project-status.c */
StrataStatus          *_strata_project_settings_read_status   (const StrataProjectSettings *self,
                                                               GCancellable                *cancellable,
                                                               GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataProjectSettings, _strata_project_settings_unref)

G_END_DECLS
