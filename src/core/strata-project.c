/* strata-project.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-alembic-project.h"
#include "strata-database.h"
#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-revision-private.h"
#include "strata-revision-pack-private.h"
#include "strata-revision-graph.h"
#include "strata-status.h"
#include "strata-status-private.h"

#define CONFIG_NAME   "strata.ini"
#define ALEMBIC_NAME  "alembic.ini"
#define GROUP         "strata"
#define TEMPLATE_NAME "script.sql.template"

struct _StrataProject
{
  GObject  parent_instance;

  GFile   *directory;
  GFile   *config_file;
  GFile   *template_file;
  /* As configured (strata.ini, then STRATA_DATABASE), and as overridden. */
  GFile   *configured_database;
  GFile   *database_file;
  GFile   *versions_directory;
  GFile   *schema_file;          /* NULL without a "schema" key */
  char    *version_table;
  GStrv    warnings;
  /* Where and when runs back the database up (docs/reliability.md). */
  GFile   *backup_directory;
  StrataBackupPolicy backup_policy;
  guint    backup_keep;
  /* An Alembic project read in place (docs/alembic.md), else NULL. */
  StrataAlembicProject *alembic;
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

static void
strata_project_finalize (GObject *object)
{
  StrataProject *self = (StrataProject *)object;

  g_clear_object (&self->directory);
  g_clear_object (&self->config_file);
  g_clear_object (&self->template_file);
  g_clear_object (&self->configured_database);
  g_clear_object (&self->database_file);
  g_clear_object (&self->versions_directory);
  g_clear_object (&self->schema_file);
  g_clear_pointer (&self->version_table, g_free);
  g_clear_pointer (&self->warnings, g_strfreev);
  g_clear_object (&self->backup_directory);
  g_clear_object (&self->alembic);

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
      g_value_set_object (value, self->directory);
      break;
    case PROP_DATABASE_FILE:
      g_value_set_object (value, self->database_file);
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

/* Reading strata.ini ----------------------------------------------------------- */

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
config_display_name (StrataProject *self)
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

static void
collect_warnings (StrataProject *self,
                  GKeyFile      *key_file,
                  const char    *contents)
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
                             CONFIG_NAME, find_key_line (contents, NULL, groups[g]), groups[g]);
          g_strv_builder_add (builder, warning);
          continue;
        }
      keys = g_key_file_get_keys (key_file, GROUP, NULL, NULL);
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        if (!g_strv_contains (known, keys[k]))
          {
            g_autofree char *warning =
              g_strdup_printf (_("%s:%u: unknown key “%s”; it is ignored"),
                               CONFIG_NAME, find_key_line (contents, GROUP, keys[k]), keys[k]);
            g_strv_builder_add (builder, warning);
          }
    }
  self->warnings = g_strv_builder_end (builder);
}

static GFile *
resolve_database (StrataProject *self,
                  const char    *configured)
{
  const char *env = g_getenv ("STRATA_DATABASE");

  /* Like --database, the variable is a path as typed in a shell. */
  if (env != NULL && env[0] != '\0')
    return g_file_new_for_commandline_arg (env);
  return g_file_resolve_relative_path (self->directory, configured);
}

static gboolean
backup_config_error (StrataProject  *self,
                     const char     *contents,
                     const char     *key,
                     const char     *value,
                     const char     *expected,
                     GError        **error)
{
  g_autofree char *name = config_display_name (self);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s:%u: “%s = %s” is not valid; write %s"),
               name, find_key_line (contents, GROUP, key), key, value, expected);
  return FALSE;
}

/* backup, backup_dir and backup_keep: see docs/project-format.md. */
static gboolean
apply_backup_config (StrataProject  *self,
                     GKeyFile       *key_file,
                     const char     *contents,
                     GError        **error)
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
apply_config (StrataProject  *self,
              GKeyFile       *key_file,
              const char     *contents,
              GError        **error)
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
  self->template_file = g_file_get_child (self->directory, TEMPLATE_NAME);
  self->configured_database = resolve_database (self, database);
  self->database_file = g_object_ref (self->configured_database);
  if (!apply_backup_config (self, key_file, contents, error))
    return FALSE;
  collect_warnings (self, key_file, contents);
  return TRUE;
}

static gboolean parse_config (StrataProject  *self,
                              const char     *contents,
                              gsize           length,
                              GError        **error);

static gboolean
load_config (StrataProject  *self,
             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = config_display_name (self);
  gsize length = 0;

  if (!g_file_load_contents (self->config_file, NULL, &contents, &length, NULL, &local_error))
    {
      g_autofree char *folder = g_file_get_parse_name (self->directory);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s does not exist: %s is not a Strata project; run “strata-cli init "
                       "%s” to make it one"), name, folder, folder);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                     _("%s cannot be read: %s"), name, local_error->message);
      return FALSE;
    }
  return parse_config (self, contents, length, error);
}

/* Split from load_config() so that the fuzzer can feed it bytes. */
static gboolean
parse_config (StrataProject  *self,
              const char     *contents,
              gsize           length,
              GError        **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = config_display_name (self);

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
      return FALSE;
    }

  return apply_config (self, key_file, contents, error);
}

/* Alembic projects ---------------------------------------------------------------- */

static gboolean
alembic_database (StrataProject  *self,
                  GError        **error)
{
  GFile *configured = strata_alembic_project_get_database_file (self->alembic);
  const char *env = g_getenv ("STRATA_DATABASE");
  g_autofree char *name = NULL;

  if (env != NULL && env[0] != '\0')
    self->configured_database = resolve_database (self, NULL);
  else if (configured != NULL)
    self->configured_database = g_object_ref (configured);
  else
    {
      name = g_file_get_parse_name (self->config_file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: %s; Strata works on SQLite files: name one with --database PATH "
                     "(or STRATA_DATABASE)"),
                   name, strata_alembic_project_get_database_problem (self->alembic));
      return FALSE;
    }
  self->database_file = g_object_ref (self->configured_database);
  return TRUE;
}

/* An Alembic project opens for reading: its graph and its database's state.
 * Its revisions are Python, so running and editing wait for a conversion. */
static StrataProject *
new_from_alembic (GFile   *config,
                  GError **error)
{
  g_autoptr(StrataProject) self = g_object_new (STRATA_TYPE_PROJECT, NULL);
  GFile *scripts;

  if (!(self->alembic = strata_alembic_project_new (config, error)))
    return NULL;
  self->directory = g_object_ref (strata_alembic_project_get_directory (self->alembic));
  self->config_file = g_object_ref (strata_alembic_project_get_config_file (self->alembic));
  scripts = strata_alembic_project_get_script_directory (self->alembic);
  self->versions_directory = g_file_get_child (scripts, "versions");
  self->template_file = g_file_get_child (self->directory, TEMPLATE_NAME);
  self->version_table = g_strdup (strata_alembic_project_get_version_table (self->alembic));
  self->backup_directory = g_file_get_child (self->directory, "backups");
  self->backup_keep = 10;
  self->warnings = g_new0 (char *, 1);
  if (!alembic_database (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The alembic.ini that @directory opens, when it has no strata.ini. */
static GFile *
alembic_config_of (GFile *directory)
{
  g_autoptr(GFile) config = g_file_get_child (directory, CONFIG_NAME);

  if (g_file_query_exists (config, NULL))
    return NULL;
  return strata_alembic_project_find_config (directory);
}

StrataAlembicProject *
strata_project_get_alembic (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->alembic;
}

gboolean
strata_project_check_runnable (StrataProject  *self,
                               GError        **error)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  if (self->alembic == NULL)
    return TRUE;
  folder = g_file_get_parse_name (self->directory);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s is an Alembic project: its revisions are Python, which Strata reads but "
                 "does not run or edit; convert it to SQL revisions with “strata-cli init "
                 "NEWDIR --from-alembic %s”"), folder, folder);
  return FALSE;
}

StrataProject *
strata_project_new (GFile   *directory,
                    GError **error)
{
  g_autoptr(StrataProject) self = NULL;
  g_autoptr(GFile) alembic = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((alembic = alembic_config_of (directory)))
    return new_from_alembic (alembic, error);

  self = g_object_new (STRATA_TYPE_PROJECT, NULL);
  self->directory = g_object_ref (directory);
  self->config_file = g_file_get_child (directory, CONFIG_NAME);
  if (!load_config (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataProject *
_strata_project_new_for_data (GFile       *directory,
                              const char  *contents,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(StrataProject) self = NULL;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (contents != NULL || length == 0, NULL);

  /* The parser, like g_file_load_contents(), counts on a NUL at the end
   * (the fuzzer's first find). */
  copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, contents, length);
  copy[length] = '\0';

  self = g_object_new (STRATA_TYPE_PROJECT, NULL);
  self->directory = g_object_ref (directory);
  self->config_file = g_file_get_child (directory, CONFIG_NAME);
  if (!parse_config (self, copy, length, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataProject *
strata_project_discover (GFile   *start,
                         GError **error)
{
  g_autoptr(GFile) directory = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (start), NULL);

  for (directory = g_object_ref (start); directory != NULL;)
    {
      g_autoptr(GFile) config = g_file_get_child (directory, CONFIG_NAME);
      g_autoptr(GFile) alembic = g_file_get_child (directory, ALEMBIC_NAME);
      GFile *parent;

      if (g_file_query_exists (config, NULL) || g_file_query_exists (alembic, NULL))
        return strata_project_new (directory, error);
      parent = g_file_get_parent (directory);
      g_object_unref (directory);
      directory = parent;
    }

  name = g_file_get_parse_name (start);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("no %s in %s or any folder above it; pass the project folder with -C, "
                 "or run “strata-cli init” to make a project"), CONFIG_NAME, name);
  return NULL;
}

/* strata-cli init -------------------------------------------------------------- */

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
make_config (const char *database)
{
  return g_strdup_printf ("# A Strata project; docs/project-format.md describes every key.\n"
                          "[strata]\n"
                          "# The SQLite database, relative to this folder.\n"
                          "# --database and STRATA_DATABASE override it.\n"
                          "database = %s\n"
                          "# The folder of revision files.\n"
                          "versions = versions\n"
                          "# The table of applied revisions; Alembic's name, so Alembic "
                          "reads it too.\n"
                          "version_table = alembic_version\n",
                          database);
}

StrataProject *
strata_project_init (GFile       *directory,
                     const char  *database,
                     GError     **error)
{
  g_autoptr(GFile) config = NULL;
  g_autoptr(GFile) versions = NULL;
  g_autoptr(GFile) template = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *default_database = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  config = g_file_get_child (directory, CONFIG_NAME);
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
  template = g_file_get_child (directory, TEMPLATE_NAME);
  contents = make_config (database);
  if (!make_directory (directory, error) ||
      !make_directory (versions, error) ||
      !write_new_file (template, default_template, error) ||
      !write_new_file (config, contents, error))
    return NULL;

  return strata_project_new (directory, error);
}

/* Accessors -------------------------------------------------------------------- */

GFile *
strata_project_get_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->directory;
}

GFile *
strata_project_get_config_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->config_file;
}

GFile *
strata_project_get_template_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->template_file;
}

GFile *
strata_project_get_database_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->database_file;
}

void
strata_project_set_database_file (StrataProject *self,
                                  GFile         *file)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  /* NULL goes back to what strata.ini and the environment say. */
  if (file == NULL)
    file = self->configured_database;
  if (g_file_equal (file, self->database_file))
    return;
  g_set_object (&self->database_file, file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_FILE]);
}

GFile *
strata_project_get_schema_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->schema_file;
}

GFile *
strata_project_get_versions_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->versions_directory;
}

const char *
strata_project_get_version_table (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->version_table;
}

GFile *
strata_project_get_backup_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->backup_directory;
}

StrataBackupPolicy
strata_project_get_backup_policy (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), STRATA_BACKUP_POLICY_DESTRUCTIVE);
  return self->backup_policy;
}

guint
strata_project_get_backup_keep (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), 0);
  return self->backup_keep;
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
  char *relative;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((relative = g_file_get_relative_path (self->directory, file)))
    return relative;
  return g_file_get_parse_name (file);
}

/* Loading the graph ------------------------------------------------------------ */

/* The versions folder is read with plain POSIX calls, each file opened
 * relative to the folder: for a thousand small files, GIO's objects per entry
 * and per stream, and a path walked from the root for every open, cost more
 * than all the parsing. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* A symbolic link counts as what it points at, as in GFileEnumerator. */
static gboolean
is_regular_file (DIR           *dir,
                 struct dirent *entry)
{
  struct stat info;

  if (entry->d_type == DT_REG)
    return TRUE;
  if (entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)
    return FALSE;
  return fstatat (dirfd (dir), entry->d_name, &info, 0) == 0 && S_ISREG (info.st_mode);
}

/* The *.sql file names of @dir, sorted, so that ties in the graph's order
 * are the same on every machine. The names are kept in @chunk: a thousand
 * names, a few allocations. */
static GPtrArray *
list_revision_files (DIR          *dir,
                     GStringChunk *chunk)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  struct dirent *entry;

  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.' && g_str_has_suffix (entry->d_name, ".sql") &&
        is_regular_file (dir, entry))
      g_ptr_array_add (names, g_string_chunk_insert (chunk, entry->d_name));

  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

/* The whole of @name in @dir, NUL-terminated, and its stamp as it was just
 * before the reading; NULL with errno set. */
static char *
read_file_at (DIR             *dir,
              const char      *name,
              StrataFileStamp *stamp,
              gsize           *length)
{
  g_autofree char *contents = NULL;
  struct stat info;
  gsize done = 0;
  int saved_errno;
  int fd;

  if ((fd = openat (dirfd (dir), name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
    return NULL;
  if (fstat (fd, &info) == 0)
    {
      _strata_file_stamp_init (stamp, &info);
      contents = g_malloc (info.st_size + 1);
      while (done < (gsize)info.st_size)
        {
          gssize n = read (fd, contents + done, info.st_size - done);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          done += n;
        }
    }
  saved_errno = errno;
  close (fd);
  if (contents == NULL || done < (gsize)info.st_size)
    {
      errno = saved_errno != 0 ? saved_errno : EIO;
      return NULL;
    }
  contents[done] = '\0';
  *length = done;
  return g_steal_pointer (&contents);
}

/* The open versions folder, and what each of its files is called in messages. */
typedef struct
{
  DIR          *dir;
  char         *path;
  /* "versions/": strata_project_get_display_path() without a GFile per file;
   * NULL for a folder outside the project, whose files are asked about. */
  char         *display_prefix;
  GStringChunk *names;  /* the files' names */
} Folder;

static void
folder_clear (Folder *folder)
{
  g_clear_pointer (&folder->dir, closedir);
  g_clear_pointer (&folder->path, g_free);
  g_clear_pointer (&folder->display_prefix, g_free);
  g_clear_pointer (&folder->names, g_string_chunk_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Folder, folder_clear)

static char *
display_path_in (StrataProject *self,
                 Folder        *folder,
                 const char    *path)
{
  g_autoptr(GFile) file = NULL;

  if (folder->display_prefix != NULL)
    return g_strconcat (folder->display_prefix, path + strlen (folder->path) + 1, NULL);
  file = g_file_new_for_path (path);
  return strata_project_get_display_path (self, file);
}

static gboolean
open_versions_directory (StrataProject  *self,
                         Folder         *folder,
                         GError        **error)
{
  g_autofree char *name = NULL;
  g_autofree char *relative = NULL;
  int saved_errno;

  folder->path = g_file_get_path (self->versions_directory);
  if (folder->path != NULL && (folder->dir = opendir (folder->path)) != NULL)
    {
      if (g_file_equal (self->versions_directory, self->directory))
        folder->display_prefix = g_strdup ("");
      else if ((relative = g_file_get_relative_path (self->directory, self->versions_directory)))
        folder->display_prefix = g_strconcat (relative, G_DIR_SEPARATOR_S, NULL);
      return TRUE;
    }

  saved_errno = folder->path != NULL ? errno : ENOTSUP;
  name = g_file_get_parse_name (self->versions_directory);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("the versions folder %s cannot be read (%s); create it, or fix "
                 "“versions” in strata.ini"), name, g_strerror (saved_errno));
  return FALSE;
}

/* One load of the versions folder, shared by the threads that read it. Each
 * takes the next file by index, so the revisions keep the names' order, and
 * the error reported is that of the first bad file, as with one thread. */
typedef struct
{
  StrataProject       *self;
  Folder              *folder;
  GPtrArray           *names;
  GCancellable        *cancellable;
  StrataRevisionPack  *pack;
  gint64               started_us;
  StrataRevision     **revisions;
  GError             **errors;
  /* What each file held and its stamp then, for the next pack. */
  StrataFileStamp     *stamps;
  GBytes             **contents;
  gboolean            *packed;
  guint                next;
} Load;

static void
load_clear (Load *load)
{
  guint n = load->names != NULL ? load->names->len : 0;

  for (guint i = 0; load->errors != NULL && i < n; i++)
    {
      g_clear_error (&load->errors[i]);
      g_clear_pointer (&load->contents[i], g_bytes_unref);
    }
  g_clear_pointer (&load->pack, _strata_revision_pack_free);
  g_clear_pointer (&load->revisions, g_free);
  g_clear_pointer (&load->errors, g_free);
  g_clear_pointer (&load->stamps, g_free);
  g_clear_pointer (&load->contents, g_free);
  g_clear_pointer (&load->packed, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Load, load_clear)

/* The contents of file @i: from the pack when the file's stamp is the one
 * packed (one stat instead of an open, a read and a close), else read. */
static GBytes *
contents_of (Load  *load,
             guint  i)
{
  const char *name = g_ptr_array_index (load->names, i);
  struct stat info;
  GBytes *packed;
  char *data;
  gsize length = 0;

  if (load->pack != NULL && fstatat (dirfd (load->folder->dir), name, &info, 0) == 0)
    {
      _strata_file_stamp_init (&load->stamps[i], &info);
      if ((packed = _strata_revision_pack_lookup (load->pack, name, &load->stamps[i])))
        {
          load->packed[i] = TRUE;
          return packed;
        }
    }
  errno = 0;
  if (!(data = read_file_at (load->folder->dir, name, &load->stamps[i], &length)))
    return NULL;
  return g_bytes_new_take (data, length);
}

static StrataRevision *
load_revision (Load     *load,
               guint     i,
               GError  **error)
{
  const char *name = g_ptr_array_index (load->names, i);
  /* Not g_build_filename(): its GString is two allocations more per file. */
  char *path = g_strconcat (load->folder->path,
                            g_str_has_suffix (load->folder->path, G_DIR_SEPARATOR_S)
                              ? "" : G_DIR_SEPARATOR_S,
                            name, NULL);
  char *display = display_path_in (load->self, load->folder, path);

  if (!(load->contents[i] = contents_of (load, i)))
    {
      int saved_errno = errno != 0 ? errno : EIO;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot read the revision file: %s"), display, g_strerror (saved_errno));
      g_free (path);
      g_free (display);
      return NULL;
    }
  return _strata_revision_new_from_bytes (path, display, load->contents[i], error);
}

static gpointer
load_files (gpointer data)
{
  Load *load = data;
  guint i;

  while ((i = g_atomic_int_add (&load->next, 1)) < load->names->len)
    if (!g_cancellable_set_error_if_cancelled (load->cancellable, &load->errors[i]))
      load->revisions[i] = load_revision (load, i, &load->errors[i]);
  return NULL;
}

/* Writes a new pack when this load read files the pack should hold, or the
 * pack holds files the folder no longer has. Files changed in the last
 * moments stay out until a later load finds them settled. */
static void
update_pack (Load *load)
{
  guint n = load->names->len;
  g_autofree const char **names = g_new (const char *, n);
  g_autofree StrataFileStamp *stamps = g_new (StrataFileStamp, n);
  g_autofree GBytes **contents = g_new (GBytes *, n);
  gint64 settled_before = _strata_file_stamp_settled_before (load->started_us);
  gboolean changed = FALSE;
  guint kept = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!_strata_file_stamp_is_settled (&load->stamps[i], settled_before))
        continue;
      changed |= !load->packed[i];
      names[kept] = g_ptr_array_index (load->names, i);
      stamps[kept] = load->stamps[i];
      contents[kept] = load->contents[i];
      kept++;
    }
  if (changed || kept != _strata_revision_pack_get_size (load->pack))
    _strata_revision_pack_write (load->folder->path, kept, names, stamps, contents);
}

/* Opening a file costs the kernel more than parsing it costs us, so helper
 * threads read too: a quarter less time for 10,000 files on two cores. Below
 * a few hundred files a thread's start is not worth it. There are as many
 * helpers as processors, one more thread than processors with the caller:
 * on a virtual machine a new thread can wait a millisecond for a vCPU that
 * was asleep, and with one to spare the files do not wait for the slowest
 * to start (`heads` of 1000 revisions, 2 vCPUs: 1.53x the floor to 1.39x). */
#define FILES_PER_THREAD 250
#define MAX_HELPERS 4

static GPtrArray *
load_revisions (Load    *load,
                GError **error)
{
  guint n = load->names->len;
  GThread *helpers[MAX_HELPERS] = { NULL };
  guint n_helpers = 0;
  guint worth;
  GPtrArray *revisions = g_ptr_array_new_full (n, g_object_unref);
  GError *first = NULL;

  load->started_us = g_get_real_time ();
  load->pack = _strata_revision_pack_open (load->folder->path);
  load->revisions = g_new0 (StrataRevision *, n);
  load->errors = g_new0 (GError *, n);
  load->stamps = g_new0 (StrataFileStamp, n);
  load->contents = g_new0 (GBytes *, n);
  load->packed = g_new0 (gboolean, n);
  /* The threads the files are worth, the caller's included. */
  worth = n / FILES_PER_THREAD;
  if (g_get_num_processors () > 1 && worth > 1)
    n_helpers = MIN (MIN (worth - 1, g_get_num_processors ()), MAX_HELPERS);
  for (guint k = 0; k < n_helpers; k++)
    helpers[k] = g_thread_new ("strata-load", load_files, load);
  load_files (load);
  for (guint k = 0; k < n_helpers; k++)
    g_thread_join (helpers[k]);

  for (guint i = 0; i < n; i++)
    {
      if (load->revisions[i] != NULL)
        g_ptr_array_add (revisions, load->revisions[i]);
      if (first == NULL)
        first = g_steal_pointer (&load->errors[i]);
    }
  if (first == NULL)
    {
      update_pack (load);
      return revisions;
    }
  g_propagate_error (error, first);
  g_ptr_array_unref (revisions);
  return NULL;
}

StrataRevisionGraph *
strata_project_load_graph (StrataProject  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_auto(Folder) folder = { NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_auto(Load) load = { self, &folder };

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (self->alembic != NULL)
    {
      if (!(revisions = strata_alembic_project_load_revisions (self->alembic, cancellable,
                                                               error)))
        return NULL;
      return strata_revision_graph_new (revisions, error);
    }
  if (!open_versions_directory (self, &folder, error))
    return NULL;
  folder.names = g_string_chunk_new (4096);
  load.names = names = list_revision_files (folder.dir, folder.names);
  load.cancellable = cancellable;
  if (!(revisions = load_revisions (&load, error)))
    return NULL;

  return strata_revision_graph_new (revisions, error);
}

static void
load_graph_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  StrataRevisionGraph *graph;

  if ((graph = strata_project_load_graph (source_object, cancellable, &error)))
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

/* Reading the status ----------------------------------------------------------- */

/* After a crash the file has a hot journal, which only a connection that may
 * write can roll back; SQLite does that on open, as any later writer would. */
static StrataDatabase *
open_for_reading (GFile   *database_file,
                  GError **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataDatabase *database;

  database = strata_database_open (database_file, STRATA_DATABASE_FLAGS_READ_ONLY, &local_error);
  if (database != NULL ||
      !g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_READ_ONLY))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return database;
    }
  if ((database = strata_database_open (database_file, STRATA_DATABASE_FLAGS_NONE, NULL)))
    return database;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static StrataStatus *
read_status_of (GFile         *database_file,
                const char    *version_table,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* Nothing was applied to a database that does not exist yet. */
  if (!g_file_query_exists (database_file, cancellable))
    return strata_status_new_empty ();
  if (!(database = open_for_reading (database_file, error)))
    return NULL;
  return strata_status_read (database, version_table, error);
}

StrataStatus *
strata_project_read_status (StrataProject  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return read_status_of (self->database_file, self->version_table, cancellable, error);
}

gboolean
strata_project_ensure_version_table (StrataProject  *self,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  g_autoptr(StrataDatabase) database = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !(database = strata_database_open (self->database_file, STRATA_DATABASE_FLAGS_CREATE,
                                         error)))
    return FALSE;

  sql = _strata_version_table_create_sql (self->version_table);
  return strata_database_exec (database, sql, error);
}

static void
read_status_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StrataProject *self = source_object;
  GError *error = NULL;
  StrataStatus *status;

  /* The database file was captured when the call was made, on the caller's
   * thread; the project's own field may change meanwhile. */
  status = read_status_of (task_data, self->version_table, cancellable, &error);
  if (status != NULL)
    g_task_return_pointer (task, status, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_project_read_status_async (StrataProject       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_project_read_status_async);
  g_task_set_task_data (task, g_object_ref (self->database_file), g_object_unref);
  g_task_run_in_thread (task, read_status_worker);
}

StrataStatus *
strata_project_read_status_finish (StrataProject  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* New revisions ---------------------------------------------------------------- */

static char *
join_ids (const char * const *ids)
{
  return g_strjoinv (", ", (char **)ids);
}

/* ${name} placeholders of the template; an unknown one is kept as written. */
static char *
expand_template (const char     *text,
                 StrataRevision *revision)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *down = join_ids (strata_revision_get_down_revisions (revision));
  g_autofree char *labels = join_ids (strata_revision_get_branch_labels (revision));
  g_autofree char *depends = join_ids (strata_revision_get_depends_on (revision));
  const char *names[] = { "message", "revision", "down_revisions", "create_date",
                          "branch_labels", "depends_on" };
  const char *values[] = { strata_revision_get_message (revision),
                           strata_revision_get_id (revision), down,
                           strata_revision_get_create_date (revision), labels, depends };
  const char *p = text;

  while (*p != '\0')
    {
      const char *end;
      gboolean replaced = FALSE;

      if (p[0] != '$' || p[1] != '{' || !(end = strchr (p, '}')))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (names) && !replaced; i++)
        if (strlen (names[i]) == (gsize)(end - p - 2) &&
            strncmp (p + 2, names[i], end - p - 2) == 0)
          {
            g_string_append (out, values[i]);
            replaced = TRUE;
          }
      if (!replaced)
        g_string_append_len (out, p, end - p + 1);
      p = end + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Gives @revision the sections and extra header lines of the project's
 * template, as Alembic renders script.py.mako; a project without one gets
 * empty sections. */
static StrataRevision *
apply_template (StrataProject   *self,
                StrataRevision  *revision,
                GError         **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *display = NULL;
  g_autoptr(StrataRevision) templated = NULL;

  if (!g_file_load_contents (self->template_file, NULL, &contents, NULL, NULL, NULL))
    return g_object_ref (revision);

  display = strata_project_get_display_path (self, self->template_file);
  expanded = expand_template (contents, revision);
  if (!(templated = strata_revision_new_from_data (display, expanded, -1, error)))
    return NULL;

  /* What the caller asked for wins over whatever the template wrote. */
  strata_revision_set_id (templated, strata_revision_get_id (revision));
  strata_revision_set_message (templated, strata_revision_get_message (revision));
  strata_revision_set_create_date (templated, strata_revision_get_create_date (revision));
  strata_revision_set_down_revisions (templated, strata_revision_get_down_revisions (revision));
  strata_revision_set_branch_labels (templated, strata_revision_get_branch_labels (revision));
  strata_revision_set_depends_on (templated, strata_revision_get_depends_on (revision));
  strata_revision_set_display_path (templated, NULL);
  return g_steal_pointer (&templated);
}

static char *
now_as_create_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* Alembic's format: str(datetime.now()). */
  return g_date_time_format (now, "%Y-%m-%d %H:%M:%S.%f");
}

/* Checks the new revision against the graph (duplicate id or label, a
 * Depends On naming nothing) before anything is written. */
static gboolean
validate_in_graph (StrataRevisionGraph  *graph,
                   StrataRevision       *revision,
                   GError              **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(StrataRevisionGraph) extended = NULL;

  if (graph != NULL)
    {
      GPtrArray *revisions = strata_revision_graph_get_revisions (graph);

      for (guint i = 0; i < revisions->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (revisions, i)));
    }
  g_ptr_array_add (all, g_object_ref (revision));
  extended = strata_revision_graph_new (all, error);
  return extended != NULL;
}

static StrataRevision *
write_revision (StrataProject        *self,
                StrataRevisionGraph  *graph,
                StrataRevision       *revision,
                GError              **error)
{
  g_autoptr(StrataRevision) templated = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *create_date = now_as_create_date ();
  g_autoptr(GFile) file = NULL;

  strata_revision_set_create_date (revision, create_date);
  if (!validate_in_graph (graph, revision, error))
    return NULL;
  if (!(templated = apply_template (self, revision, error)))
    return NULL;

  file_name = strata_revision_make_file_name (strata_revision_get_id (templated),
                                              strata_revision_get_message (templated));
  file = g_file_get_child (self->versions_directory, file_name);
  if (g_file_query_exists (file, NULL))
    {
      g_autofree char *display = strata_project_get_display_path (self, file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DUPLICATE,
                   _("%s already exists; choose another revision id"), display);
      return NULL;
    }
  if (!strata_revision_save (templated, file, NULL, error))
    return NULL;
  {
    g_autofree char *display = strata_project_get_display_path (self, file);
    strata_revision_set_display_path (templated, display);
  }
  return g_steal_pointer (&templated);
}

/* Alembic's default: the single head, or an error naming the heads. */
static GStrv
default_heads (StrataRevisionGraph  *graph,
               GError              **error)
{
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (graph == NULL || strata_revision_graph_get_n_revisions (graph) == 0)
    return g_new0 (char *, 1);

  heads = strata_revision_graph_get_heads (graph);
  if (heads->len > 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
                   _("Multiple heads are present; please specify the head revision on which "
                     "the new revision should be based, or perform a merge."));
      return NULL;
    }
  g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (heads, 0)));
  return g_strv_builder_end (builder);
}

static gboolean
is_head (StrataRevisionGraph *graph,
         StrataRevision      *revision)
{
  g_autoptr(GPtrArray) children = strata_revision_graph_get_children (graph, revision);
  return children->len == 0;
}

/* The ids that @specs name; with @heads_only each must be a head, unless the
 * caller splices a new branch. */
static GStrv
resolve_ids (StrataRevisionGraph  *graph,
             const char * const   *specs,
             gboolean              heads_only,
             GError              **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) resolved = NULL;

      if (g_strcmp0 (specs[i], "base") == 0)
        continue;
      if (graph == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("No such revision or branch '%s'"), specs[i]);
          return NULL;
        }
      if (!(resolved = strata_revision_graph_resolve (graph, specs[i], error)))
        return NULL;
      for (guint j = 0; j < resolved->len; j++)
        {
          StrataRevision *revision = g_ptr_array_index (resolved, j);
          const char *id = strata_revision_get_id (revision);

          if (heads_only && !is_head (graph, revision))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                           _("Revision %s is not a head revision; please specify --splice "
                             "to create a new branch from this revision"), id);
              return NULL;
            }
          if (g_hash_table_add (seen, (gpointer)id))
            g_strv_builder_add (builder, id);
        }
    }
  return g_strv_builder_end (builder);
}

/* Alembic keeps a branch label in Depends On as written, and completes a
 * prefix to the full id. */
static GStrv
resolve_depends_on (StrataRevisionGraph  *graph,
                    const char * const   *specs,
                    GError              **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) resolved = NULL;
      StrataRevision *revision;

      if (graph == NULL || !(resolved = strata_revision_graph_resolve (graph, specs[i], error)))
        {
          if (graph == NULL)
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                         _("No such revision or branch '%s'"), specs[i]);
          return NULL;
        }
      if (resolved->len != 1)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                       _("“%s” names %u revisions; a dependency names one"),
                       specs[i], resolved->len);
          return NULL;
        }
      revision = g_ptr_array_index (resolved, 0);
      if (g_strv_contains (strata_revision_get_branch_labels (revision), specs[i]))
        g_strv_builder_add (builder, specs[i]);
      else
        g_strv_builder_add (builder, strata_revision_get_id (revision));
    }
  return g_strv_builder_end (builder);
}

StrataRevision *
strata_project_create_revision (StrataProject        *self,
                                StrataRevisionGraph  *graph,
                                const char           *message,
                                const char * const   *heads,
                                const char           *branch_label,
                                const char * const   *depends_on,
                                const char           *rev_id,
                                gboolean              splice,
                                GError              **error)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) down = NULL;
  g_auto(GStrv) depends = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph), NULL);

  if (!strata_project_check_runnable (self, error))
    return NULL;
  if (heads == NULL)
    down = default_heads (graph, error);
  else
    down = resolve_ids (graph, heads, !splice, error);
  if (down == NULL || !(depends = resolve_depends_on (graph, depends_on, error)))
    return NULL;

  id = rev_id != NULL ? g_strdup (rev_id) : strata_revision_generate_id ();
  revision = strata_revision_new (id, message);
  strata_revision_set_down_revisions (revision, (const char * const *)down);
  strata_revision_set_depends_on (revision, (const char * const *)depends);
  if (branch_label != NULL && branch_label[0] != '\0')
    strata_revision_set_branch_labels (revision, (const char *[]) { branch_label, NULL });

  return write_revision (self, graph, revision, error);
}

StrataRevision *
strata_project_create_merge (StrataProject        *self,
                             StrataRevisionGraph  *graph,
                             const char           *message,
                             const char * const   *revisions,
                             GError              **error)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) down = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);
  g_return_val_if_fail (revisions != NULL, NULL);

  if (!strata_project_check_runnable (self, error))
    return NULL;
  if (!(down = resolve_ids (graph, revisions, FALSE, error)))
    return NULL;
  if (g_strv_length (down) < 2)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("a merge needs at least two revisions, and “%s” names %u"),
                   revisions[0] != NULL ? revisions[0] : "", g_strv_length (down));
      return NULL;
    }

  id = strata_revision_generate_id ();
  revision = strata_revision_new (id, message);
  strata_revision_set_down_revisions (revision, (const char * const *)down);
  return write_revision (self, graph, revision, error);
}
