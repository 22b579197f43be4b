/* strata-project-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-project-settings-private.h"

static void
settings_clear (gpointer data)
{
  StrataProjectSettings *self = data;

  g_clear_object (&self->directory);
  g_clear_object (&self->config_file);
  g_clear_object (&self->template_file);
  g_clear_object (&self->database_file);
  g_clear_object (&self->versions_directory);
  g_clear_object (&self->schema_file);
  g_clear_pointer (&self->version_table, g_free);
  g_clear_object (&self->backup_directory);
  g_clear_object (&self->alembic);
}

StrataProjectSettings *
_strata_project_settings_new (GFile *directory)
{
  StrataProjectSettings *self = g_atomic_rc_box_new0 (StrataProjectSettings);

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self->directory = g_object_ref (directory);
  self->config_file = g_file_get_child (directory, STRATA_PROJECT_CONFIG_NAME);
  self->template_file = g_file_get_child (directory, STRATA_PROJECT_TEMPLATE_NAME);
  self->backup_policy = STRATA_BACKUP_POLICY_DESTRUCTIVE;
  return self;
}

StrataProjectSettings *
_strata_project_settings_ref (StrataProjectSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
_strata_project_settings_unref (StrataProjectSettings *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, settings_clear);
}

static GFile *
ref_or_null (GFile *file)
{
  return file != NULL ? g_object_ref (file) : NULL;
}

StrataProjectSettings *
_strata_project_settings_with_database (const StrataProjectSettings *self,
                                        GFile                       *database_file)
{
  StrataProjectSettings *copy;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (database_file), NULL);

  copy = _strata_project_settings_new (self->directory);
  copy->database_file = g_object_ref (database_file);
  copy->versions_directory = ref_or_null (self->versions_directory);
  copy->schema_file = ref_or_null (self->schema_file);
  copy->version_table = g_strdup (self->version_table);
  copy->backup_directory = ref_or_null (self->backup_directory);
  copy->backup_policy = self->backup_policy;
  copy->backup_keep = self->backup_keep;
  copy->alembic = self->alembic != NULL ? g_object_ref (self->alembic) : NULL;
  return copy;
}

char *
_strata_project_settings_display_path (const StrataProjectSettings *self,
                                       GFile                       *file)
{
  char *relative;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((relative = g_file_get_relative_path (self->directory, file)))
    return relative;
  return g_file_get_parse_name (file);
}
