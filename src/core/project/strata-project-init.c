/* strata-project-init.c: a new project, as `strata-cli init` makes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-project-settings-private.h"

/* The template `init` writes. */
static const char *default_template =
  "-- ${message}\n"
  "--\n"
  "-- Revision ID: ${revision}\n"
  "-- Revises: ${down_revisions}\n"
  "-- Create Date: ${create_date}\n"
  "\n"
  "-- migrate:upgrade\n"
  "\n"
  "\n"
  "-- migrate:downgrade\n"
  "\n";

static gboolean
make_directory (GFile   *directory,
                GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_make_directory_with_parents (directory, NULL, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    return TRUE;

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s", local_error->message);
  return FALSE;
}

static gboolean
write_new_file (GFile       *file,
                const char  *contents,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  /* g_file_create() fails on an existing file: init never overwrites. */
  stream = g_file_create (file, G_FILE_CREATE_NONE, NULL, &local_error);
  if (stream != NULL &&
      g_output_stream_write_all (G_OUTPUT_STREAM (stream), contents, strlen (contents),
                                 NULL, NULL, &local_error) &&
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    return TRUE;

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s", local_error->message);
  return FALSE;
}

static char *
make_config (const char *database,
             const char *version_table)
{
  return g_strdup_printf ("# A Strata project; docs/project-format.md describes every key.\n"
                          "[strata]\n"
                          "# The SQLite database, relative to this folder.\n"
                          "# --database and STRATA_DATABASE override it.\n"
                          "database = %s\n"
                          "# The folder of revision files.\n"
                          "versions = versions\n"
                          "# The table of applied revisions; %s, so Alembic "
                          "reads it too.\n"
                          "version_table = %s\n",
                          database,
                          version_table != NULL ? "the Alembic project's" : "Alembic's name",
                          version_table != NULL ? version_table : "alembic_version");
}

StrataProject *
strata_project_init (GFile       *directory,
                     const char  *database,
                     GError     **error)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return _strata_project_init (directory, database, NULL, error);
}

StrataProject *
_strata_project_init (GFile       *directory,
                      const char  *database,
                      const char  *version_table,
                      GError     **error)
{
  g_autoptr(GFile) config = NULL;
  g_autoptr(GFile) versions = NULL;
  g_autoptr(GFile) template = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *default_database = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  config = g_file_get_child (directory, STRATA_PROJECT_CONFIG_NAME);
  if (g_file_query_exists (config, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (config);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s already exists; this folder is a project already"), name);
      return NULL;
    }

  if (database == NULL || database[0] == '\0')
    {
      g_autofree char *base = g_file_get_basename (directory);
      database = default_database = g_strconcat (base, ".db", NULL);
    }

  versions = g_file_get_child (directory, "versions");
  template = g_file_get_child (directory, STRATA_PROJECT_TEMPLATE_NAME);
  contents = make_config (database, version_table);
  if (!make_directory (directory, error) ||
      !make_directory (versions, error) ||
      !write_new_file (template, default_template, error) ||
      !write_new_file (config, contents, error))
    return NULL;

  return strata_project_new (directory, error);
}

