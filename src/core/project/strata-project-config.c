/* strata-project-config.c: reading strata.ini
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-project-settings-private.h"

#define GROUP "strata"

/* GKeyFile does not say on which line it stumbled, but it quotes the line or
 * key; the first line of the file that the message quotes is the culprit.
 * Without a quote ("does not start with a group") it is the first line that
 * is not a comment. */
static guint
find_quoted_line (const char *contents,
                  const char *message)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint first_content = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (strstr (message, lines[i]) != NULL)
        return i + 1;
      if (first_content == 0)
        first_content = i + 1;
    }
  return first_content;
}

/* The line of @key in [@group], for warnings that point at it. */
static guint
find_key_line (const char *contents,
               const char *group,
               const char *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  gboolean in_group = group == NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      gsize len = strlen (key);

      if (line[0] == '[')
        in_group = group != NULL && g_str_has_prefix (line + 1, group) &&
                   line[1 + strlen (group)] == ']';
      if (group == NULL && line[0] == '[' && strncmp (line + 1, key, len) == 0)
        return i + 1;
      if (in_group && strncmp (line, key, len) == 0 &&
          (line[len] == '=' || line[len] == ' ' || line[len] == '\t' || line[len] == '['))
        return i + 1;
    }
  return 0;
}

static char *
config_display_name (StrataProjectSettings *self)
{
  return g_file_get_parse_name (self->config_file);
}

/* "maker_hub.db   # a note" is how people write ini files, though GKeyFile
 * keeps everything after the "=". A "#" after blank space starts a comment. */
static char *
strip_inline_comment (char *value)
{
  for (char *p = value; *p != '\0'; p++)
    if (*p == '#' && p > value && g_ascii_isspace (p[-1]))
      {
        *p = '\0';
        break;
      }
  return g_strstrip (value);
}

static char *
get_value (GKeyFile   *key_file,
           const char *key,
           const char *fallback)
{
  g_autofree char *value = g_key_file_get_string (key_file, GROUP, key, NULL);

  if (value == NULL)
    return g_strdup (fallback);
  strip_inline_comment (value);
  if (value[0] == '\0')
    return g_strdup (fallback);
  return g_steal_pointer (&value);
}

/* Keys and groups written twice: GKeyFile keeps the last value and merges
 * the groups without a word, and a person reading the file from the top
 * would take the first database for the one in use. */
static void
warn_repeats (GStrvBuilder *builder,
              const char   *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = g_strdup ("");

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      const char *equals = strchr (line, '=');
      g_autofree char *key = NULL;
      g_autofree char *where = NULL;
      guint first;

      if (line[0] == '#' || line[0] == ';' || line[0] == '\0')
        continue;
      if (line[0] == '[')
        {
          g_free (group);
          group = g_strdup (line);
          key = g_strdup (line);
        }
      else if (equals != NULL)
        key = g_strdup_printf ("%s %.*s", group, (int)(equals - line), line);
      else
        continue;
      g_strchomp (key);
      if ((first = GPOINTER_TO_UINT (g_hash_table_lookup (seen, key))) == 0)
        {
          g_hash_table_insert (seen, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
          continue;
        }
      if (line[0] == '[')
        where = g_strdup_printf (_("%s:%u: %s again (first on line %u): its keys join the "
                                   "first; keep one"),
                                 STRATA_PROJECT_CONFIG_NAME, i + 1, line, first);
      else
        {
          g_autofree char *name = g_strndup (line, equals - line);

          where = g_strdup_printf (_("%s:%u: “%s” is set again (first on line %u); this last "
                                     "value is the one used: keep one"),
                                   STRATA_PROJECT_CONFIG_NAME, i + 1, g_strstrip (name), first);
        }
      g_strv_builder_add (builder, where);
    }
}

static GStrv
collect_warnings (GKeyFile   *key_file,
                  const char *contents)
{
  static const char *known[] = { "database", "versions", "version_table", "schema",
                                 "backup", "backup_dir", "backup_keep", NULL };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) keys = NULL;

      if (g_strcmp0 (groups[g], GROUP) != 0)
        {
          g_autofree char *warning =
            g_strdup_printf (_("%s:%u: unknown group “[%s]”; it is ignored"),
                             STRATA_PROJECT_CONFIG_NAME, find_key_line (contents, NULL, groups[g]), groups[g]);
          g_strv_builder_add (builder, warning);
          continue;
        }
      keys = g_key_file_get_keys (key_file, GROUP, NULL, NULL);
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        if (!g_strv_contains (known, keys[k]))
          {
            g_autofree char *warning =
              g_strdup_printf (_("%s:%u: unknown key “%s”; it is ignored"),
                               STRATA_PROJECT_CONFIG_NAME, find_key_line (contents, GROUP, keys[k]), keys[k]);
            g_strv_builder_add (builder, warning);
          }
    }
  warn_repeats (builder, contents);
  return g_strv_builder_end (builder);
}

static gboolean
backup_config_error (StrataProjectSettings  *self,
                     const char             *contents,
                     const char             *key,
                     const char             *value,
                     const char             *expected,
                     GError                **error)
{
  g_autofree char *name = config_display_name (self);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s:%u: “%s = %s” is not valid; write %s"),
               name, find_key_line (contents, GROUP, key), key, value, expected);
  return FALSE;
}

/* backup, backup_dir and backup_keep: see docs/project-format.md. */
static gboolean
apply_backup_config (StrataProjectSettings  *self,
                     GKeyFile               *key_file,
                     const char             *contents,
                     GError                **error)
{
  g_autofree char *policy = get_value (key_file, "backup", "destructive");
  g_autofree char *folder = get_value (key_file, "backup_dir", "backups");
  g_autofree char *keep = get_value (key_file, "backup_keep", "10");
  guint64 count = 0;

  if (g_ascii_strcasecmp (policy, "destructive") == 0)
    self->backup_policy = STRATA_BACKUP_POLICY_DESTRUCTIVE;
  else if (g_ascii_strcasecmp (policy, "always") == 0)
    self->backup_policy = STRATA_BACKUP_POLICY_ALWAYS;
  else if (g_ascii_strcasecmp (policy, "never") == 0)
    self->backup_policy = STRATA_BACKUP_POLICY_NEVER;
  else
    return backup_config_error (self, contents, "backup", policy,
                                _("“destructive”, “always” or “never”"), error);

  if (!g_ascii_string_to_unsigned (keep, 10, 0, G_MAXUINT, &count, NULL))
    return backup_config_error (self, contents, "backup_keep", keep,
                                _("a number of backups to keep (0 keeps them all)"), error);
  self->backup_keep = (guint)count;
  self->backup_directory = g_file_resolve_relative_path (self->directory, folder);
  return TRUE;
}

static gboolean
apply_config (StrataProjectSettings  *self,
              GKeyFile               *key_file,
              const char             *contents,
              GError                **error)
{
  g_autofree char *name = config_display_name (self);
  g_autofree char *database = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *schema = NULL;

  if (!g_key_file_has_group (key_file, GROUP))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: no [strata] group; add one with a line such as "
                     "“database = app.db”"), name);
      return FALSE;
    }
  if (!(database = get_value (key_file, "database", NULL)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: no “database” in [strata]; add a line such as "
                     "“database = app.db”"), name);
      return FALSE;
    }

  versions = get_value (key_file, "versions", "versions");
  self->version_table = get_value (key_file, "version_table", "alembic_version");
  self->versions_directory = g_file_resolve_relative_path (self->directory, versions);
  schema = get_value (key_file, "schema", NULL);
  if (schema != NULL && schema[0] != '\0')
    self->schema_file = g_file_resolve_relative_path (self->directory, schema);
  /* A database given to the loader (--database, STRATA_DATABASE) wins. */
  if (self->database_file == NULL)
    self->database_file = g_file_resolve_relative_path (self->directory, database);
  return apply_backup_config (self, key_file, contents, error);
}

/* Split from _strata_project_settings_load() so that the fuzzer can feed it
 * bytes. */
StrataProjectSettings *
_strata_project_settings_parse (GFile       *directory,
                                GFile       *database,
                                const char  *contents,
                                gsize        length,
                                GStrv       *warnings,
                                GError     **error)
{
  g_autoptr(StrataProjectSettings) self = _strata_project_settings_new (directory);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = config_display_name (self);

  self->database_file = database != NULL ? g_object_ref (database) : NULL;
  /* The byte-order mark some editors write first ("UTF-8 with BOM"), which
   * GKeyFile reads as part of the first line. */
  if (length >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    {
      contents += 3;
      length -= 3;
    }
  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      guint line = find_quoted_line (contents, local_error->message);

      if (line > 0)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s:%u: %s; write “key = value” lines under a “[strata]” line"),
                     name, line, local_error->message);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s: %s; write “key = value” lines under a “[strata]” line"),
                     name, local_error->message);
      return NULL;
    }

  if (!apply_config (self, key_file, contents, error))
    return NULL;
  *warnings = collect_warnings (key_file, contents);
  return g_steal_pointer (&self);
}

StrataProjectSettings *
_strata_project_settings_load (GFile   *directory,
                               GFile   *database,
                               GStrv   *warnings,
                               GError **error)
{
  g_autoptr(GFile) config_file = g_file_get_child (directory, STRATA_PROJECT_CONFIG_NAME);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (config_file);
  gsize length = 0;

  if (!g_file_load_contents (config_file, NULL, &contents, &length, NULL, &local_error))
    {
      g_autofree char *folder = g_file_get_parse_name (directory);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s does not exist: %s is not a Strata project; run “strata-cli init "
                       "%s” to make it one"), name, folder, folder);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s cannot be read: %s"), name, local_error->message);
      return NULL;
    }
  return _strata_project_settings_parse (directory, database, contents, length, warnings, error);
}
