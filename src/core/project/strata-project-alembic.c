/* strata-project-alembic.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings of a folder that holds alembic.ini and no strata.ini: read in
 * place, with its graph and its database's state, but never run or edited
 * (docs/alembic.md).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-error.h"
#include "strata-project-settings-private.h"

/* A database given to the loader wins, as for strata.ini; else
 * sqlalchemy.url when it names a SQLite file. */
static gboolean
alembic_database (StrataProjectSettings  *self,
                  GFile                  *database,
                  GError                **error)
{
  GFile *configured = strata_alembic_project_get_database_file (self->alembic);
  g_autofree char *name = NULL;

  if (database != NULL)
    self->database_file = g_object_ref (database);
  else if (configured != NULL)
    self->database_file = g_object_ref (configured);
  else
    {
      name = g_file_get_parse_name (self->config_file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: %s; Strata works on SQLite files: name one with --database PATH "
                     "(or STRATA_DATABASE)"),
                   name, strata_alembic_project_get_database_problem (self->alembic));
      return FALSE;
    }
  return TRUE;
}

StrataProjectSettings *
_strata_project_settings_load_alembic (GFile   *config,
                                       GFile   *database,
                                       GError **error)
{
  g_autoptr(StrataAlembicProject) alembic = NULL;
  g_autoptr(StrataProjectSettings) self = NULL;
  GFile *scripts;

  g_return_val_if_fail (G_IS_FILE (config), NULL);

  if (!(alembic = strata_alembic_project_new (config, error)))
    return NULL;
  self = _strata_project_settings_new (strata_alembic_project_get_directory (alembic));
  self->alembic = g_steal_pointer (&alembic);
  g_set_object (&self->config_file, strata_alembic_project_get_config_file (self->alembic));
  scripts = strata_alembic_project_get_script_directory (self->alembic);
  self->versions_directory = g_file_get_child (scripts, "versions");
  self->version_table = g_strdup (strata_alembic_project_get_version_table (self->alembic));
  self->backup_directory = g_file_get_child (self->directory, "backups");
  self->backup_keep = 10;
  if (!alembic_database (self, database, error))
    return NULL;
  return g_steal_pointer (&self);
}
