/* strata-cli-safety.c: rehearse, backups and restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static char *
database_name (StrataProject *project)
{
  return strata_project_get_display_path (project, strata_project_get_database_file (project));
}

/* rehearse ---------------------------------------------------------------------- */

static void
print_findings_text (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      g_autofree char *text = strata_rehearsal_finding_to_string (g_ptr_array_index (findings, i));
      g_print ("%s\n", text);
    }
}

/* JSON carries absolute paths: a script may run from anywhere. */
static char *
absolute_path (StrataProject *project,
               const char    *path)
{
  if (g_path_is_absolute (path))
    return g_strdup (path);

  return g_build_filename (g_file_peek_path (strata_project_get_directory (project)), path, NULL);
}

static void
print_rehearsal_json (StrataRehearsal *rehearsal,
                      StrataProject   *project)
{
  g_autofree char *database = g_file_get_path (strata_project_get_database_file (project));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GPtrArray *findings = strata_rehearsal_get_findings (rehearsal);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, STRATA_CLI_JSON_VERSION);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, database);
  json_builder_set_member_name (builder, "checked");
  json_builder_add_int_value (builder, strata_rehearsal_get_n_checked (rehearsal));
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      StrataRehearsalFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *file = absolute_path (project, finding->file);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, finding->revision);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, finding->line);
      json_builder_set_member_name (builder, "direction");
      json_builder_add_string_value (builder, strata_direction_to_string (finding->direction));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, finding->message);
      json_builder_set_member_name (builder, "differences");
      json_builder_begin_array (builder);
      for (guint d = 0; finding->differences != NULL && finding->differences[d] != NULL; d++)
        json_builder_add_string_value (builder, finding->differences[d]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

StrataRehearsal *
strata_cli_rehearse_project (StrataProject  *project,
                             const char     *target,
                             GError        **error)
{
  g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, target);

  if (!strata_rehearsal_run (rehearsal, NULL, error))
    return NULL;
  return g_steal_pointer (&rehearsal);
}

int
strata_cli_rehearse (StrataCli *cli)
{
  StrataProject *project = cli->project;
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  GPtrArray *findings;

  if (!(rehearsal = strata_cli_rehearse_project (project, cli->n_args == 1 ? cli->args[0]
                                                                          : "heads", &error)))
    return strata_cli_fail (error);

  database = database_name (project);
  findings = strata_rehearsal_get_findings (rehearsal);
  if (cli->json)
    print_rehearsal_json (rehearsal, project);
  else
    {
      print_findings_text (findings);
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Rehearsed %u revision on a copy of %s in memory; the database was "
                            "not touched.\n",
                            "Rehearsed %u revisions on a copy of %s in memory; the database was "
                            "not touched.\n",
                            strata_rehearsal_get_n_checked (rehearsal)),
               strata_rehearsal_get_n_checked (rehearsal), database);
    }
  if (findings->len == 0)
    return STRATA_CLI_EXIT_OK;
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "strata-cli: the rehearsal found %u problem\n",
                           "strata-cli: the rehearsal found %u problems\n", findings->len),
              findings->len);
  return STRATA_CLI_EXIT_ERROR;
}

gboolean
strata_cli_check_rehearsal (StrataCli     *cli,
                            StrataProject *project)
{
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *findings;

  if (!(rehearsal = strata_cli_rehearse_project (project, "heads", &error)))
    {
      strata_cli_fail (error);
      return FALSE;
    }
  /* On stderr, like the other findings of check, so --json stays parseable. */
  findings = strata_rehearsal_get_findings (rehearsal);
  for (guint i = 0; i < findings->len; i++)
    {
      g_autofree char *text = strata_rehearsal_finding_to_string (g_ptr_array_index (findings, i));
      g_printerr (_("strata-cli: rehearsal: %s\n"), text);
    }
  return findings->len == 0;
}

/* backups --------------------------------------------------------------------- */

static void
print_backups_json (GPtrArray     *backups,
                    StrataProject *project)
{
  g_autofree char *folder = g_file_get_path (strata_project_get_backup_directory (project));
  g_autofree char *database = g_file_get_path (strata_project_get_database_file (project));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, STRATA_CLI_JSON_VERSION);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, database);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_string_value (builder, folder);
  json_builder_set_member_name (builder, "backups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < backups->len; i++)
    {
      StrataBackup *backup = g_ptr_array_index (backups, i);
      g_autofree char *created = g_date_time_format_iso8601 (strata_backup_get_created (backup));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, strata_backup_get_name (backup));
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, g_file_peek_path (strata_backup_get_file (backup)));
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, strata_backup_get_revision (backup));
      json_builder_set_member_name (builder, "created");
      json_builder_add_string_value (builder, created);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, strata_backup_get_size (backup));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_backups_text (GPtrArray  *backups,
                    const char *folder,
                    const char *database)
{
  if (backups->len == 0)
    {
      g_print (_("No backups of %s in %s.\n"), database, folder);
      return;
    }
  for (guint i = 0; i < backups->len; i++)
    {
      StrataBackup *backup = g_ptr_array_index (backups, i);
      g_autoptr(GDateTime) local = g_date_time_to_local (strata_backup_get_created (backup));
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
      g_autofree char *size = g_format_size (MAX (0, strata_backup_get_size (backup)));

      /* Translators: name, then "(at REVISION, DATE, SIZE)" */
      g_print (_("%s (at %s, %s, %s)\n"), strata_backup_get_name (backup),
               strata_backup_get_revision (backup), when, size);
    }
}

int
strata_cli_backups (StrataCli *cli)
{
  StrataProject *project = cli->project;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *database = NULL;

  if (!(backups = strata_backup_list (project, NULL, &error)))
    return strata_cli_fail (error);

  folder = strata_project_get_display_path (project, strata_project_get_backup_directory (project));
  database = database_name (project);
  if (cli->json)
    print_backups_json (backups, project);
  else
    print_backups_text (backups, folder, database);
  return STRATA_CLI_EXIT_OK;
}

/* restore --------------------------------------------------------------------- */

/* A restore first copies the database it replaces, which takes as long as
 * the database is big: a person at a terminal is told. */
static void
announce_safety_copy (StrataCli     *cli,
                      StrataProject *project)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *database = NULL;
  g_autofree char *size = NULL;

  if (!cli->interactive || cli->quiet ||
      !(info = g_file_query_info (strata_project_get_database_file (project),
                                  G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                  NULL, NULL)))
    return;
  database = database_name (project);
  size = g_format_size (g_file_info_get_size (info));
  g_printerr (_("Backing up %s (%s) before restoring…\n"), database, size);
}

int
strata_cli_restore (StrataCli *cli)
{
  StrataProject *project = cli->project;
  g_autoptr(StrataBackup) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  const char *name = cli->args[0];

  announce_safety_copy (cli, project);
  replaced = strata_backup_restore_full (project, name,
                                         cli->foreign ? STRATA_RESTORE_FLAGS_FOREIGN
                                                      : STRATA_RESTORE_FLAGS_NONE,
                                         NULL, &error);
  if (error != NULL)
    return strata_cli_fail (error);

  database = database_name (project);
  if (replaced != NULL)
    {
      g_autofree char *kept = strata_project_get_display_path (project,
                                                               strata_backup_get_file (replaced));
      g_print (_("Restored %s from %s; the database it replaced is kept as %s.\n"),
               database, name, kept);
    }
  else
    g_print (_("Restored %s from %s.\n"), database, name);
  return STRATA_CLI_EXIT_OK;
}
