/* strata-project.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-project-settings-private.h"

/* The project's files are split by what they do: strata-project-config.c
 * reads strata.ini into a StrataProjectSettings, strata-project-init.c makes
 * a new project, strata-project-loader.c reads the revision files,
 * strata-project-status.c the database's status, strata-project-revisions.c
 * writes new revisions. Workers are handed the settings of the moment, which
 * never change: overriding the database replaces them. */
struct _StrataProject
{
  GObject                 parent_instance;

  StrataProjectSettings  *settings;
  /* As loaded (strata.ini, or the database given to the loader): what a
   * NULL override goes back to. */
  GFile                  *configured_database;
  GStrv                   warnings;
};

/* The public strata_project_init() (like `strata-cli init`) takes the name
 * G_DEFINE_FINAL_TYPE gives the instance initializer; rename the latter. */
#define strata_project_init strata_project_instance_init
G_DEFINE_FINAL_TYPE (StrataProject, strata_project, G_TYPE_OBJECT)
#undef strata_project_init

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_DATABASE_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
strata_project_finalize (GObject *object)
{
  StrataProject *self = (StrataProject *)object;

  g_clear_pointer (&self->settings, _strata_project_settings_unref);
  g_clear_object (&self->configured_database);
  g_clear_pointer (&self->warnings, g_strfreev);

  G_OBJECT_CLASS (strata_project_parent_class)->finalize (object);
}

static void
strata_project_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataProject *self = STRATA_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->settings->directory);
      break;
    case PROP_DATABASE_FILE:
      g_value_set_object (value, self->settings->database_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_project_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataProject *self = STRATA_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DATABASE_FILE:
      strata_project_set_database_file (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_project_class_init (StrataProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_project_finalize;
  object_class->get_property = strata_project_get_property;
  object_class->set_property = strata_project_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATABASE_FILE] =
    g_param_spec_object ("database-file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_project_instance_init (StrataProject *self)
{
}

/* Making one ---------------------------------------------------------------------- */

static StrataProject *
project_new (StrataProjectSettings *settings,
             GStrv                  warnings)
{
  StrataProject *self = g_object_new (STRATA_TYPE_PROJECT, NULL);

  self->settings = _strata_project_settings_ref (settings);
  self->configured_database = g_object_ref (settings->database_file);
  self->warnings = warnings;
  return self;
}

/* The alembic.ini that @directory opens, when it has no strata.ini. */
static GFile *
alembic_config_of (GFile *directory)
{
  g_autoptr(GFile) config = g_file_get_child (directory, STRATA_PROJECT_CONFIG_NAME);

  if (g_file_query_exists (config, NULL))
    return NULL;
  return strata_alembic_project_find_config (directory);
}

StrataProject *
strata_project_new (GFile   *directory,
                    GError **error)
{
  return strata_project_new_with_database (directory, NULL, error);
}

StrataProject *
strata_project_new_with_database (GFile   *directory,
                                  GFile   *database_file,
                                  GError **error)
{
  g_autoptr(StrataProjectSettings) settings = NULL;
  g_autoptr(GFile) alembic = NULL;
  g_auto(GStrv) warnings = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (database_file == NULL || G_IS_FILE (database_file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((alembic = alembic_config_of (directory)))
    {
      if (!(settings = _strata_project_settings_load_alembic (alembic, database_file, error)))
        return NULL;
      return project_new (settings, g_new0 (char *, 1));
    }
  if (!(settings = _strata_project_settings_load (directory, database_file, &warnings, error)))
    return NULL;
  return project_new (settings, g_steal_pointer (&warnings));
}

StrataProject *
_strata_project_new_for_data (GFile       *directory,
                              const char  *contents,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(StrataProjectSettings) settings = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (contents != NULL || length == 0, NULL);

  /* The parser, like g_file_load_contents(), counts on a NUL at the end
   * (the fuzzer's first find). */
  copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, contents, length);
  copy[length] = '\0';

  if (!(settings = _strata_project_settings_parse (directory, NULL, copy, length, &warnings,
                                                   error)))
    return NULL;
  return project_new (settings, g_steal_pointer (&warnings));
}

StrataProject *
strata_project_discover (GFile   *start,
                         GError **error)
{
  return strata_project_discover_with_database (start, NULL, error);
}

StrataProject *
strata_project_discover_with_database (GFile   *start,
                                       GFile   *database_file,
                                       GError **error)
{
  g_autoptr(GFile) directory = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (start), NULL);
  g_return_val_if_fail (database_file == NULL || G_IS_FILE (database_file), NULL);

  for (directory = g_object_ref (start); directory != NULL;)
    {
      g_autoptr(GFile) config = g_file_get_child (directory, STRATA_PROJECT_CONFIG_NAME);
      g_autoptr(GFile) alembic = g_file_get_child (directory, "alembic.ini");
      GFile *parent;

      if (g_file_query_exists (config, NULL) || g_file_query_exists (alembic, NULL))
        return strata_project_new_with_database (directory, database_file, error);
      parent = g_file_get_parent (directory);
      g_object_unref (directory);
      directory = parent;
    }

  name = g_file_get_parse_name (start);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("no %s in %s or any folder above it; pass the project folder with -C, "
                 "or run “strata-cli init” to make a project"), STRATA_PROJECT_CONFIG_NAME, name);
  return NULL;
}

/* Accessors -------------------------------------------------------------------- */

GFile *
strata_project_get_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->directory;
}

GFile *
strata_project_get_config_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->config_file;
}

GFile *
strata_project_get_template_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->template_file;
}

GFile *
strata_project_get_database_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->database_file;
}

void
strata_project_set_database_file (StrataProject *self,
                                  GFile         *file)
{
  StrataProjectSettings *settings;

  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  /* NULL goes back to what strata.ini and the environment say. */
  if (file == NULL)
    file = self->configured_database;
  if (g_file_equal (file, self->settings->database_file))
    return;
  /* Replaced, never changed: a worker may be reading the old ones. */
  settings = _strata_project_settings_with_database (self->settings, file);
  _strata_project_settings_unref (self->settings);
  self->settings = settings;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_FILE]);
}

GFile *
strata_project_get_schema_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->schema_file;
}

GFile *
strata_project_get_versions_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->versions_directory;
}

const char *
strata_project_get_version_table (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->version_table;
}

GFile *
strata_project_get_backup_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->backup_directory;
}

StrataBackupPolicy
strata_project_get_backup_policy (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), STRATA_BACKUP_POLICY_DESTRUCTIVE);
  return self->settings->backup_policy;
}

guint
strata_project_get_backup_keep (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), 0);
  return self->settings->backup_keep;
}

const char * const *
strata_project_get_warnings (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return (const char * const *)self->warnings;
}

char *
strata_project_get_display_path (StrataProject *self,
                                 GFile         *file)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return _strata_project_settings_display_path (self->settings, file);
}

StrataProjectSettings *
_strata_project_get_settings (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return _strata_project_settings_ref (self->settings);
}

/* Loading the graph ------------------------------------------------------------ */

StrataRevisionGraph *
strata_project_load_graph (StrataProject  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return _strata_project_settings_load_graph (self->settings, cancellable, error);
}

/* The worker reads the settings of the moment of the call, whatever the
 * project does meanwhile on the caller's thread. */
static void
load_graph_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  StrataRevisionGraph *graph;

  if ((graph = _strata_project_settings_load_graph (task_data, cancellable, &error)))
    g_task_return_pointer (task, graph, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_project_load_graph_async (StrataProject       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_project_load_graph_async);
  g_task_set_task_data (task, _strata_project_settings_ref (self->settings),
                        (GDestroyNotify)_strata_project_settings_unref);
  g_task_run_in_thread (task, load_graph_worker);
}

StrataRevisionGraph *
strata_project_load_graph_finish (StrataProject  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Alembic projects ---------------------------------------------------------------- */

StrataAlembicProject *
strata_project_get_alembic (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->settings->alembic;
}

gboolean
strata_project_check_runnable (StrataProject  *self,
                               GError        **error)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  if (self->settings->alembic == NULL)
    return TRUE;
  folder = g_file_get_parse_name (self->settings->directory);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s is an Alembic project: its revisions are Python, which Strata reads but "
                 "does not run or edit; convert it to SQL revisions with “strata-cli init "
                 "NEWDIR --from-alembic %s”"), folder, folder);
  return FALSE;
}
