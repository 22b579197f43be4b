/* strata-alembic-project.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-alembic-project.h"
#include "strata-error.h"
#include "strata-revision.h"

#define CONFIG_NAME "alembic.ini"
/* Alembic's config_ini_section. */
#define SECTION     "alembic"
/* Ids as Alembic users write them, which SQLite keeps whole in the version
 * table's VARCHAR(32) (see strata-revision-parser-private.h). */
#define MAX_ID_LENGTH 128

struct _StrataAlembicProject
{
  GObject     parent_instance;

  GFile      *config_file;
  GFile      *directory;
  GFile      *script_directory;
  GPtrArray  *version_directories;  /* GFile */
  char       *url;
  GFile      *database_file;
  char       *database_problem;
  char       *version_table;
  /* [alembic] and [DEFAULT] of alembic.ini: key → value, key → line. */
  GHashTable *values;
  GHashTable *defaults;
  GHashTable *lines;
};

G_DEFINE_FINAL_TYPE (StrataAlembicProject, strata_alembic_project, G_TYPE_OBJECT)

static void
strata_alembic_project_finalize (GObject *object)
{
  StrataAlembicProject *self = (StrataAlembicProject *)object;

  g_clear_object (&self->config_file);
  g_clear_object (&self->directory);
  g_clear_object (&self->script_directory);
  g_clear_pointer (&self->version_directories, g_ptr_array_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_object (&self->database_file);
  g_clear_pointer (&self->database_problem, g_free);
  g_clear_pointer (&self->version_table, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->defaults, g_hash_table_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);

  G_OBJECT_CLASS (strata_alembic_project_parent_class)->finalize (object);
}

static void
strata_alembic_project_class_init (StrataAlembicProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_alembic_project_finalize;
}

static void
strata_alembic_project_init (StrataAlembicProject *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->version_directories = g_ptr_array_new_with_free_func (g_object_unref);
}

/* alembic.ini ------------------------------------------------------------------ */

/* Python's configparser, as far as Alembic's keys need it: [sections],
 * "key = value" or "key: value", keys folded to lowercase, # and ; comment
 * lines, and indented lines that continue the value above. GKeyFile refuses
 * the continuation lines. */
static void
parse_ini (StrataAlembicProject *self,
           const char           *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  GHashTable *table = NULL;
  char *last_key = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *separator;
      char *key;

      g_strchomp (line);
      if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
        continue;
      if (g_ascii_isspace (line[0]) && table != NULL && last_key != NULL)
        {
          char *value = g_strconcat (g_hash_table_lookup (table, last_key), "\n",
                                     g_strstrip (line), NULL);
          g_hash_table_insert (table, g_strdup (last_key), value);
          continue;
        }
      last_key = NULL;
      if (line[0] == '[')
        {
          char *end = strchr (line, ']');
          if (end != NULL)
            *end = '\0';
          table = g_str_equal (line + 1, SECTION) ? self->values
                  : g_str_equal (line + 1, "DEFAULT") ? self->defaults : NULL;
          continue;
        }
      if (table == NULL || !(separator = strpbrk (line, "=:")))
        continue;
      *separator = '\0';
      key = g_ascii_strdown (g_strstrip (line), -1);
      g_hash_table_insert (table, g_strdup (key), g_strdup (g_strstrip (separator + 1)));
      if (table == self->values)
        g_hash_table_insert (self->lines, g_strdup (key), GUINT_TO_POINTER (i + 1));
      /* The table's own copy of the key, which lives as long as the table. */
      g_hash_table_lookup_extended (table, key, (gpointer *)&last_key, NULL);
      g_free (key);
    }
}

/* configparser's interpolation: %(here)s is the ini file's folder, %(name)s
 * another key of the section or of [DEFAULT], %% a percent sign. */
static char *
interpolate (StrataAlembicProject *self,
             const char           *value)
{
  GString *out = g_string_new (NULL);
  g_autofree char *here = g_file_get_path (self->directory);

  for (const char *p = value; *p != '\0'; p++)
    {
      const char *end;
      g_autofree char *name = NULL;
      const char *replacement;

      if (p[0] == '%' && p[1] == '%')
        {
          g_string_append_c (out, '%');
          p++;
          continue;
        }
      if (p[0] != '%' || p[1] != '(' || !(end = strstr (p, ")s")))
        {
          g_string_append_c (out, *p);
          continue;
        }
      name = g_strndup (p + 2, end - p - 2);
      replacement = g_str_equal (name, "here") ? here : g_hash_table_lookup (self->values, name);
      if (replacement == NULL)
        replacement = g_hash_table_lookup (self->defaults, name);
      if (replacement == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      g_string_append (out, replacement);
      p = end + 1;
    }
  return g_string_free (out, FALSE);
}

static char *
get_setting (StrataAlembicProject *self,
             const char           *key)
{
  const char *value = g_hash_table_lookup (self->values, key);

  if (value == NULL)
    value = g_hash_table_lookup (self->defaults, key);
  return value != NULL ? interpolate (self, value) : NULL;
}

static guint
setting_line (StrataAlembicProject *self,
              const char           *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->lines, key));
}

/* Alembic resolves relative folders against the current directory; people
 * run it from the folder of alembic.ini, so that is where they point. */
static GFile *
resolve (StrataAlembicProject *self,
         const char           *path)
{
  return g_file_resolve_relative_path (self->directory, path);
}

static gboolean
read_script_location (StrataAlembicProject  *self,
                      GError               **error)
{
  g_autofree char *name = g_file_get_parse_name (self->config_file);
  g_autofree char *location = get_setting (self, "script_location");

  if (location == NULL || location[0] == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: no “script_location” in [alembic]; add the folder of env.py, such "
                     "as “script_location = migrations”"), name);
      return FALSE;
    }
  /* "package:folder" is found through Python's import path, which only
   * Python can follow. */
  if (strchr (location, ':') != NULL && !g_path_is_absolute (location))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s:%u: script_location “%s” names a Python package; write the folder "
                     "of env.py instead (such as “%%(here)s/migrations”) to open it here"),
                   name, setting_line (self, "script_location"), location);
      return FALSE;
    }
  self->script_directory = resolve (self, location);
  return TRUE;
}

/* version_locations, split as Alembic splits it; the script folder's
 * versions/ without it. */
static void
read_version_locations (StrataAlembicProject *self)
{
  g_autofree char *locations = get_setting (self, "version_locations");
  g_autofree char *separator = get_setting (self, "version_path_separator");
  const char *delimiters = " ,";
  g_auto(GStrv) parts = NULL;

  if (locations == NULL || locations[0] == '\0')
    {
      g_ptr_array_add (self->version_directories,
                       g_file_get_child (self->script_directory, "versions"));
      return;
    }
  if (g_strcmp0 (separator, "os") == 0 || g_strcmp0 (separator, ":") == 0)
    delimiters = ":";
  else if (g_strcmp0 (separator, ";") == 0)
    delimiters = ";";
  else if (g_strcmp0 (separator, "space") == 0)
    delimiters = " ";
  else if (g_strcmp0 (separator, "newline") == 0)
    delimiters = "\n";
  parts = g_strsplit_set (locations, delimiters, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_strstrip (parts[i])[0] != '\0')
      g_ptr_array_add (self->version_directories, resolve (self, parts[i]));
}

/* sqlite:///relative.db, sqlite:////absolute.db, with or without a driver
 * (sqlite+pysqlite://) and query (?mode=ro). */
static void
read_url (StrataAlembicProject *self)
{
  g_autofree char *path = NULL;
  const char *rest;
  char *query;

  self->url = get_setting (self, "sqlalchemy.url");
  if (self->url == NULL || self->url[0] == '\0')
    {
      self->database_problem = g_strdup (_("alembic.ini has no sqlalchemy.url"));
      return;
    }
  if (!(g_str_has_prefix (self->url, "sqlite://") || g_str_has_prefix (self->url, "sqlite+")) ||
      !(rest = strstr (self->url, "://")))
    {
      self->database_problem =
        g_strdup_printf (_("sqlalchemy.url “%s” is not a SQLite database"), self->url);
      return;
    }
  path = g_strdup (rest + 3);
  if ((query = strchr (path, '?')))
    *query = '\0';
  if (path[0] != '/' || path[1] == '\0' || g_str_equal (path, "/:memory:"))
    {
      self->database_problem =
        g_strdup_printf (_("sqlalchemy.url “%s” is a database in memory"), self->url);
      return;
    }
  self->database_file = resolve (self, path + 1);
}

/* env.py usually keeps Alembic's table; a project that names another one
 * does it in context.configure(version_table="…"). */
static void
read_version_table (StrataAlembicProject *self)
{
  g_autoptr(GFile) env = g_file_get_child (self->script_directory, "env.py");
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *contents = NULL;

  if (g_file_load_contents (env, NULL, &contents, NULL, NULL, NULL))
    {
      regex = g_regex_new ("\\bversion_table\\s*=\\s*['\"]([A-Za-z0-9_]+)['\"]", 0, 0, NULL);
      if (g_regex_match (regex, contents, 0, &match))
        self->version_table = g_match_info_fetch (match, 1);
    }
  if (self->version_table == NULL)
    self->version_table = g_strdup ("alembic_version");
}

GFile *
strata_alembic_project_find_config (GFile *directory)
{
  g_autoptr(GFile) config = NULL;
  g_autoptr(GFile) env = NULL;
  g_autoptr(GFile) parent = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  config = g_file_get_child (directory, CONFIG_NAME);
  if (g_file_query_exists (config, NULL))
    return g_steal_pointer (&config);
  env = g_file_get_child (directory, "env.py");
  if (!g_file_query_exists (env, NULL) || !(parent = g_file_get_parent (directory)))
    return NULL;
  g_clear_object (&config);
  config = g_file_get_child (parent, CONFIG_NAME);
  return g_file_query_exists (config, NULL) ? g_steal_pointer (&config) : NULL;
}

static gboolean
locate_config (StrataAlembicProject  *self,
               GFile                 *path,
               GError               **error)
{
  g_autofree char *name = NULL;

  if (g_file_query_file_type (path, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      self->directory = g_object_ref (path);
      self->config_file = g_file_get_child (path, CONFIG_NAME);
    }
  else
    {
      self->directory = g_file_get_parent (path);
      self->config_file = g_object_ref (path);
    }
  if (self->directory != NULL && g_file_query_exists (self->config_file, NULL))
    return TRUE;
  name = g_file_get_parse_name (self->config_file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s does not exist; name the folder of an Alembic project’s alembic.ini, "
                 "or the file itself"), name);
  return FALSE;
}

StrataAlembicProject *
strata_alembic_project_new (GFile   *path,
                            GError **error)
{
  g_autoptr(StrataAlembicProject) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (G_IS_FILE (path), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (STRATA_TYPE_ALEMBIC_PROJECT, NULL);
  if (!locate_config (self, path, error))
    return NULL;
  if (!g_file_load_contents (self->config_file, NULL, &contents, NULL, NULL, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (self->config_file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG, _("%s cannot be read: %s"),
                   name, local_error->message);
      return NULL;
    }
  parse_ini (self, contents);
  if (!read_script_location (self, error))
    return NULL;
  read_version_locations (self);
  read_url (self);
  read_version_table (self);
  return g_steal_pointer (&self);
}

GFile *
strata_alembic_project_get_config_file (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->config_file;
}

GFile *
strata_alembic_project_get_directory (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->directory;
}

GFile *
strata_alembic_project_get_script_directory (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->script_directory;
}

const char *
strata_alembic_project_get_url (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->url;
}

GFile *
strata_alembic_project_get_database_file (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->database_file;
}

const char *
strata_alembic_project_get_database_problem (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->database_problem;
}

const char *
strata_alembic_project_get_version_table (StrataAlembicProject *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);
  return self->version_table;
}

/* Revision modules --------------------------------------------------------------- */

/* The module's top-level assignments are read as Python literals: None, a
 * string, or a tuple or list of strings. That is what `alembic revision`
 * writes, and what Alembic's own docs ask for. */
typedef struct
{
  const char *display_path;
  const char *source;
  const char *p;
} Reader;

static guint
line_at (Reader     *reader,
         const char *p)
{
  guint line = 1;

  for (const char *q = reader->source; q < p; q++)
    line += *q == '\n';
  return line;
}

static gboolean
not_literal (Reader      *reader,
             const char  *name,
             const char  *at,
             GError     **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
               _("%s:%u: %s is not something Strata can read without running Python; write "
                 "None, a string, or a tuple of strings, as “alembic revision” does"),
               reader->display_path, line_at (reader, at), name);
  return FALSE;
}

/* Spaces, and inside brackets also newlines and comments. */
static void
skip_blank (Reader   *reader,
            gboolean  in_brackets)
{
  while (*reader->p != '\0')
    {
      if (*reader->p == ' ' || *reader->p == '\t' ||
          (in_brackets && (*reader->p == '\n' || *reader->p == '\r')))
        reader->p++;
      else if (in_brackets && *reader->p == '#')
        reader->p += strcspn (reader->p, "\n");
      else if (*reader->p == '\\' && reader->p[1] == '\n')
        reader->p += 2;
      else
        break;
    }
}

/* A one-line string literal, with an optional r/u/b prefix. */
static char *
read_string (Reader *reader)
{
  const char *p = reader->p;
  gboolean raw = FALSE;
  GString *out;
  char quote;

  while (*p != '\0' && strchr ("rRuU", *p) != NULL && p - reader->p < 2)
    raw |= (*p++ == 'r' || p[-1] == 'R');
  if (*p != '\'' && *p != '"')
    return NULL;
  quote = *p++;
  out = g_string_new (NULL);
  for (; *p != '\0' && *p != quote && *p != '\n'; p++)
    {
      if (*p == '\\' && !raw && p[1] != '\0' && p[1] != '\n')
        p++;
      g_string_append_c (out, *p);
    }
  if (*p != quote)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  reader->p = p + 1;
  return g_string_free (out, FALSE);
}

/* Strings separated by commas up to @close (or the end of the line when
 * @close is 0: "a", "b" is a tuple too). */
static gboolean
read_sequence (Reader     *reader,
               char        close,
               GPtrArray  *out)
{
  for (;;)
    {
      char *item;

      skip_blank (reader, close != 0);
      if (close != 0 && *reader->p == close)
        {
          reader->p++;
          return TRUE;
        }
      if (!(item = read_string (reader)))
        return close == 0 && out->len > 0;
      g_ptr_array_add (out, item);
      skip_blank (reader, close != 0);
      if (*reader->p == ',')
        reader->p++;
      else if (close != 0 && *reader->p != close)
        return FALSE;
      else if (close == 0)
        return TRUE;
    }
}

/* The value at reader->p; NULL for None. */
static gboolean
read_value (Reader      *reader,
            const char  *name,
            GStrv       *value,
            GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  const char *start;
  char *first;

  skip_blank (reader, FALSE);
  start = reader->p;
  if (g_str_has_prefix (reader->p, "None") && !g_ascii_isalnum (reader->p[4]) &&
      reader->p[4] != '_')
    {
      *value = NULL;
      return TRUE;
    }
  if (*reader->p == '(' || *reader->p == '[')
    {
      char close = *reader->p == '(' ? ')' : ']';

      reader->p++;
      if (!read_sequence (reader, close, items))
        return not_literal (reader, name, start, error);
    }
  else if ((first = read_string (reader)))
    {
      g_ptr_array_add (items, first);
      skip_blank (reader, FALSE);
      if (*reader->p == ',' && (reader->p++, !read_sequence (reader, 0, items)))
        return not_literal (reader, name, start, error);
    }
  else
    return not_literal (reader, name, start, error);

  g_ptr_array_add (items, NULL);
  *value = (GStrv)g_ptr_array_free (g_steal_pointer (&items), FALSE);
  return TRUE;
}

typedef struct
{
  GStrv    revision;
  GStrv    down_revision;
  GStrv    branch_labels;
  GStrv    depends_on;
  gboolean has_revision;
  gboolean has_down_revision;
  guint    revision_line;
} Assignments;

static void
assignments_clear (Assignments *assignments)
{
  g_clear_pointer (&assignments->revision, g_strfreev);
  g_clear_pointer (&assignments->down_revision, g_strfreev);
  g_clear_pointer (&assignments->branch_labels, g_strfreev);
  g_clear_pointer (&assignments->depends_on, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Assignments, assignments_clear)

/* "name = …" or "name: Annotation = …" at the start of @line: the name. */
static const char *
assignment_name (const char  *line,
                 const char **value)
{
  static const char *names[] = { "revision", "down_revision", "branch_labels", "depends_on" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize len = strlen (names[i]);
      const char *p = line + len;

      if (strncmp (line, names[i], len) != 0 || g_ascii_isalnum (*p) || *p == '_')
        continue;
      p += strspn (p, " \t");
      if (*p == ':')
        p += strcspn (p, "=\n");
      if (p[0] != '=' || p[1] == '=')
        return NULL;
      *value = p + 1;
      return names[i];
    }
  return NULL;
}

static gboolean is_valid_id (const char *id);

/* A label goes in a comma-separated header line: no comma, no line break,
 * no blank at either end. */
static gboolean
is_valid_label (const char *label)
{
  if (label[0] == '\0' || g_ascii_isspace (label[0]) ||
      g_ascii_isspace (label[strlen (label) - 1]))
    return FALSE;
  for (const char *p = label; *p != '\0'; p++)
    if (*p == ',' || (guchar)*p < 0x20)
      return FALSE;
  return TRUE;
}

/* Each value of @name must fit the header line it becomes. */
static gboolean
check_values (Reader      *reader,
              const char  *name,
              const char  *line,
              GStrv        value,
              GError     **error)
{
  gboolean labels = g_str_equal (name, "branch_labels");

  for (guint i = 0; value != NULL && value[i] != NULL; i++)
    if (labels ? !is_valid_label (value[i]) : !is_valid_id (value[i]))
      {
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                     labels ? _("%s:%u: the branch label “%s” has a comma, a line break or "
                                "blanks at an end; rename it")
                            : _("%s:%u: “%s” is not up to 128 letters, digits, “_”, “-” or “.” "
                                "(not first); give the revision such an id"),
                     reader->display_path, line_at (reader, line), value[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
read_assignment (Reader       *reader,
                 const char   *line,
                 Assignments  *out,
                 GError      **error)
{
  const char *value_start = NULL;
  const char *name = assignment_name (line, &value_start);
  GStrv value = NULL;

  if (name == NULL)
    return TRUE;
  reader->p = value_start;
  if (!read_value (reader, name, &value, error))
    return FALSE;
  if (!check_values (reader, name, line, value, error))
    {
      g_strfreev (value);
      return FALSE;
    }
  if (g_str_equal (name, "revision"))
    {
      g_strfreev (out->revision);
      out->revision = value;
      out->has_revision = TRUE;
      out->revision_line = line_at (reader, line);
    }
  else if (g_str_equal (name, "down_revision"))
    {
      g_strfreev (out->down_revision);
      out->down_revision = value;
      out->has_down_revision = TRUE;
    }
  else if (g_str_equal (name, "branch_labels"))
    {
      g_strfreev (out->branch_labels);
      out->branch_labels = value;
    }
  else
    {
      g_strfreev (out->depends_on);
      out->depends_on = value;
    }
  return TRUE;
}

/* The triple-quoted string opening at @p, or NULL. */
static const char *
triple_quote_at (const char *p)
{
  while (*p != '\0' && strchr ("rRuU", *p) != NULL)
    p++;
  if (g_str_has_prefix (p, "\"\"\""))
    return "\"\"\"";
  if (g_str_has_prefix (p, "'''"))
    return "'''";
  return NULL;
}

/* The module docstring's text, and where the code after it starts. */
static char *
read_docstring (const char  *source,
                const char **after)
{
  const char *p = source;
  const char *quote;
  const char *end;

  for (;;)
    {
      p += strspn (p, " \t\r\n");
      if (*p != '#')
        break;
      p += strcspn (p, "\n");
    }
  *after = p;
  if (!(quote = triple_quote_at (p)))
    return NULL;
  p = strstr (p, quote) + 3;
  if (!(end = strstr (p, quote)))
    return NULL;
  *after = end + 3;
  return g_strndup (p, end - p);
}

/* A docstring line that, written as a comment of the message, would read
 * back as a header key (any case) or a section marker ("migrate:" exactly,
 * as the revision parser reads it; "Migrate: move the emails" is a message):
 * the message ends before it. */
static gboolean
ends_message (const char *line)
{
  /* NULL-terminated: g_strv_contains() reads until it finds one. */
  static const char *keys[] = { "revision id", "revises", "create date", "branch labels",
                                "depends on", NULL };
  const char *colon = strchr (line, ':');
  g_autofree char *key = NULL;

  if (colon == NULL)
    return FALSE;
  if (g_str_has_prefix (line, "migrate:"))
    return TRUE;
  key = g_ascii_strdown (line, colon - line);
  return g_strv_contains (keys, g_strstrip (key));
}

/* As Alembic's Script.doc: the docstring's first paragraph. The template's
 * "Revision ID:" paragraph is not a message. */
static void
read_doc (const char  *docstring,
          char       **message,
          char       **create_date)
{
  g_auto(GStrv) lines = g_strsplit (docstring != NULL ? docstring : "", "\n", -1);
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean in_first = TRUE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (g_ascii_strncasecmp (line, "Create Date:", 12) == 0 && *create_date == NULL)
        *create_date = g_strdup (g_strstrip (line + 12));
      if (ends_message (line))
        in_first = FALSE;
      if (line[0] == '\0' && text->len > 0)
        in_first = FALSE;
      if (in_first && line[0] != '\0')
        g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", line);
    }
  *message = g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
is_valid_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_ID_LENGTH || id[0] == '.')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
check_assignments (Reader       *reader,
                   Assignments  *found,
                   GError      **error)
{
  if (!found->has_revision || found->revision == NULL || g_strv_length (found->revision) != 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: no “revision = '…'” line; every Alembic revision module "
                     "needs one"), reader->display_path, found->revision_line);
      return FALSE;
    }
  if (!is_valid_id (found->revision[0]))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: the revision id “%s” is not up to 128 letters, digits, “_”, “-” or "
                     "“.” (not first); give the revision such an id"),
                   reader->display_path, found->revision_line, found->revision[0]);
      return FALSE;
    }
  if (!found->has_down_revision)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: no “down_revision = …” line; write “down_revision = None” for "
                     "a first revision"), reader->display_path, found->revision_line);
      return FALSE;
    }
  return TRUE;
}

/* Revision files are UTF-8, as Python 3 reads modules by default. */
static gboolean
check_utf8 (Reader  *reader,
            GError **error)
{
  const char *end = NULL;

  if (g_utf8_validate (reader->source, -1, &end))
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
               _("%s:%u: not valid UTF-8; save the module as UTF-8"),
               reader->display_path, line_at (reader, end));
  return FALSE;
}

StrataRevision *
strata_alembic_project_read_revision (const char  *display_path,
                                      const char  *source,
                                      GError     **error)
{
  g_auto(Assignments) found = { NULL };
  Reader reader = { display_path, source, source };
  g_autofree char *docstring = NULL;
  g_autofree char *message = NULL;
  g_autofree char *create_date = NULL;
  const char *code = NULL;
  StrataRevision *revision;

  g_return_val_if_fail (display_path != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  if (!check_utf8 (&reader, error))
    return NULL;
  /* A module saved as "UTF-8 with BOM", which Python reads as it is. */
  if (g_str_has_prefix (source, "\xEF\xBB\xBF"))
    source += 3;
  docstring = read_docstring (source, &code);
  found.revision_line = 1;
  /* Only lines at the first column: what is indented belongs to a function. */
  for (const char *line = code; line != NULL && *line != '\0';)
    {
      const char *next = strchr (line, '\n');

      if (!read_assignment (&reader, line, &found, error))
        return NULL;
      line = next != NULL ? next + 1 : NULL;
    }
  if (!check_assignments (&reader, &found, error))
    return NULL;

  read_doc (docstring, &message, &create_date);
  revision = strata_revision_new (found.revision[0], message);
  strata_revision_set_create_date (revision, create_date);
  strata_revision_set_down_revisions (revision, (const char * const *)found.down_revision);
  strata_revision_set_branch_labels (revision, (const char * const *)found.branch_labels);
  strata_revision_set_depends_on (revision, (const char * const *)found.depends_on);
  strata_revision_set_display_path (revision, display_path);
  return revision;
}

/* Loading the versions folders ----------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The *.py files of @folder that Alembic reads as revisions, sorted. */
static GPtrArray *
list_modules (GFile         *folder,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GFileInfo *info;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (children == NULL)
    return NULL;
  while ((info = g_file_enumerator_next_file (children, cancellable, error)))
    {
      const char *name = g_file_info_get_name (info);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          g_str_has_suffix (name, ".py") && name[0] != '.' && !g_str_equal (name, "__init__.py"))
        g_ptr_array_add (names, g_strdup (name));
      g_object_unref (info);
    }
  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

static StrataRevision *
load_module (StrataAlembicProject  *self,
             GFile                 *file,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = g_file_get_relative_path (self->directory, file);
  StrataRevision *revision;

  if (display == NULL)
    display = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, cancellable, &contents, NULL, NULL, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot read the revision file: %s"), display, local_error->message);
      return NULL;
    }
  if ((revision = strata_alembic_project_read_revision (display, contents, error)))
    strata_revision_set_file (revision, file);
  return revision;
}

static gboolean
load_folder (StrataAlembicProject  *self,
             GFile                 *folder,
             GPtrArray             *revisions,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(names = list_modules (folder, cancellable, &local_error)))
    {
      g_autofree char *name = g_file_get_parse_name (folder);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("the versions folder %s of the Alembic project cannot be read (%s); check "
                     "script_location and version_locations in alembic.ini"),
                   name, local_error->message);
      return FALSE;
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (folder, g_ptr_array_index (names, i));
      StrataRevision *revision = load_module (self, file, cancellable, error);

      if (revision == NULL)
        return FALSE;
      g_ptr_array_add (revisions, revision);
    }
  return TRUE;
}

GPtrArray *
strata_alembic_project_load_revisions (StrataAlembicProject  *self,
                                       GCancellable          *cancellable,
                                       GError               **error)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (STRATA_IS_ALEMBIC_PROJECT (self), NULL);

  for (guint i = 0; i < self->version_directories->len; i++)
    if (!load_folder (self, g_ptr_array_index (self->version_directories, i), revisions,
                      cancellable, error))
      return NULL;
  return g_steal_pointer (&revisions);
}
