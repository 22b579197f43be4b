/* strata-alembic-conversion.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-alembic-conversion.h"
#include "strata-alembic-project.h"
#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-revision-private.h"

#define HELPER_NAME "strata-alembic-render.py"
/* The helper's exit statuses (data/alembic/strata-alembic-render.py). */
#define HELPER_NO_ALEMBIC 3
#define HELPER_NO_PROJECT 4
#define RECORD "@@strata "

struct _StrataAlembicConversion
{
  GObject        parent_instance;

  GFile         *source;
  GFile         *directory;
  char          *python;

  StrataProject *project;
  GPtrArray     *revisions;
  GStrvBuilder  *unfinished_builder;
  GStrv          unfinished;
  GHashTable    *reasons;   /* id → why it is unfinished */
  GPtrArray     *notes;
  GPtrArray     *written;   /* GFile: what a failed conversion takes away again */
};

G_DEFINE_FINAL_TYPE (StrataAlembicConversion, strata_alembic_conversion, G_TYPE_OBJECT)

static void
strata_alembic_conversion_finalize (GObject *object)
{
  StrataAlembicConversion *self = (StrataAlembicConversion *)object;

  g_clear_object (&self->source);
  g_clear_object (&self->directory);
  g_clear_pointer (&self->python, g_free);
  g_clear_object (&self->project);
  g_clear_pointer (&self->revisions, g_ptr_array_unref);
  g_clear_pointer (&self->unfinished_builder, g_strv_builder_unref);
  g_clear_pointer (&self->unfinished, g_strfreev);
  g_clear_pointer (&self->reasons, g_hash_table_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->written, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_alembic_conversion_parent_class)->finalize (object);
}

static void
strata_alembic_conversion_class_init (StrataAlembicConversionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_alembic_conversion_finalize;
}

static void
strata_alembic_conversion_init (StrataAlembicConversion *self)
{
  self->python = g_strdup ("python3");
  self->reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->notes = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->unfinished_builder = g_strv_builder_new ();
  self->written = g_ptr_array_new_with_free_func (g_object_unref);
}

StrataAlembicConversion *
strata_alembic_conversion_new (GFile *source,
                               GFile *directory)
{
  StrataAlembicConversion *self;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (STRATA_TYPE_ALEMBIC_CONVERSION, NULL);
  self->source = g_object_ref (source);
  self->directory = g_object_ref (directory);
  return self;
}

void
strata_alembic_conversion_set_python (StrataAlembicConversion *self,
                                      const char              *python)
{
  g_return_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self));
  g_return_if_fail (python != NULL && python[0] != '\0');

  g_free (self->python);
  self->python = g_strdup (python);
}

/* Rendering with Alembic ------------------------------------------------------------ */

/* What the helper said about one revision. */
typedef struct
{
  char *sql[2];     /* indexed by StrataDirection; NULL when not rendered */
  char *reason[2];
} Rendered;

static void
rendered_free (Rendered *rendered)
{
  for (guint i = 0; i < 2; i++)
    {
      g_free (rendered->sql[i]);
      g_free (rendered->reason[i]);
    }
  g_free (rendered);
}

/* An uninstalled build (the tests, dev.sh run) names the helper in the
 * environment: a test hook for where the installed file would be, not a
 * setting a user chooses. */
static char *
find_helper (GError **error)
{
  const char *override = g_getenv ("STRATA_ALEMBIC_RENDER");
  g_autofree char *path = NULL;

  path = override != NULL && override[0] != '\0'
         ? g_strdup (override)
         : g_build_filename (PKGDATADIR, "alembic", HELPER_NAME, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("%s is missing, which converting an Alembic project needs; reinstall "
                 "Strata"), path);
  return NULL;
}

static char *
find_python (StrataAlembicConversion  *self,
             GError                  **error)
{
  char *found = strchr (self->python, '/') != NULL
                ? (g_file_test (self->python, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup (self->python)
                                                                         : NULL)
                : g_find_program_in_path (self->python);

  if (found == NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("%s was not found: converting an Alembic project runs Alembic itself; "
                   "install Python 3 with Alembic (on Debian or Ubuntu: “sudo apt install "
                   "python3-alembic”), or pass --python with the Python of your project, such "
                   "as .venv/bin/python"), self->python);
  return found;
}

static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *start = strrchr (copy, '\n');

  return g_strdup (start != NULL ? start + 1 : copy);
}

static gboolean
helper_failed (StrataAlembicConversion  *self,
               GSubprocess              *process,
               const char               *err,
               GError                  **error)
{
  g_autofree char *reason = last_line (err);
  int status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                    : -1;

  if (status == HELPER_NO_ALEMBIC)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("%s cannot import Alembic (%s): install it for that Python (on Debian or "
                   "Ubuntu: “sudo apt install python3-alembic”; in a virtualenv: “pip install "
                   "alembic”), or pass --python with the Python of your project"),
                 self->python, reason);
  else if (status == HELPER_NO_PROJECT)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("Alembic could not load the project’s revisions with %s: %s; when they "
                   "import your application, pass --python with the Python that can import "
                   "it, such as .venv/bin/python"), self->python, reason);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("rendering the revisions with %s failed (exit status %d): %s"),
                 self->python, status, reason);
  return FALSE;
}

static GSubprocess *
spawn_helper (StrataAlembicConversion  *self,
              StrataAlembicProject     *alembic,
              GError                  **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *python = NULL;
  g_autofree char *helper = NULL;
  g_autofree char *ini = g_file_get_path (strata_alembic_project_get_config_file (alembic));
  g_autofree char *here = g_file_get_path (strata_alembic_project_get_directory (alembic));

  if (!(python = find_python (self, error)) || !(helper = find_helper (error)))
    return NULL;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Alembic resolves script_location and a relative sqlite:/// from the
   * current folder: that of alembic.ini, as its users run it. */
  g_subprocess_launcher_set_cwd (launcher, here);
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  return g_subprocess_launcher_spawn (launcher, error, python, helper, ini, NULL);
}

/* One section of the helper's output as it is read. */
typedef struct
{
  GString  *sql;
  char      quote;    /* the quote a string or name open at the line's end began with */
  gboolean  marker;   /* a line inside a string reads as a section marker */
} Section;

static void
end_section (Rendered *current,
             int       direction,
             Section  *section)
{
  if (section->sql != NULL && current != NULL && direction >= 0 && section->marker)
    {
      g_free (current->reason[direction]);
      current->reason[direction] =
        g_strdup (_("a string in it holds a line “-- migrate:…”, which a revision file "
                    "reads as a section marker; write that value with char(10) in place of "
                    "its line breaks"));
    }
  else if (section->sql != NULL && current != NULL && direction >= 0)
    current->sql[direction] = g_string_free (g_steal_pointer (&section->sql), FALSE);
  if (section->sql != NULL)
    g_string_free (g_steal_pointer (&section->sql), TRUE);
  *section = (Section) { NULL, 0, FALSE };
}

/* Whether @line is what the revision parser takes for a section marker. */
static gboolean
is_marker (const char *line)
{
  if (!g_str_has_prefix (line, "--"))
    return FALSE;
  line += 2;
  while (*line == ' ' || *line == '\t')
    line++;
  return g_str_has_prefix (line, "migrate:");
}

/* Follows @section's quotes along @line: SQL doubles a quote to escape it,
 * so a quote inside a string closes and opens it again. */
static void
follow_quotes (Section    *section,
               const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    if (section->quote != 0)
      section->quote = *p == section->quote ? 0 : section->quote;
    else if (*p == '\'' || *p == '"' || *p == '`')
      section->quote = *p;
    else if (p[0] == '-' && p[1] == '-')
      return;
}

/* A line of SQL: it loses its trailing blanks, which SQLAlchemy leaves after
 * each comma, unless they are inside a string that goes on to the next line
 * (a seed value's own blanks). */
static void
add_line (Section *section,
          char    *line)
{
  if (section->quote != 0 && is_marker (line))
    section->marker = TRUE;
  follow_quotes (section, line);
  if (section->quote == 0)
    g_strchomp (line);
  g_string_append_printf (section->sql, "%s\n", line);
}

/* Reads the helper's records (see its header) into id → Rendered. */
static GHashTable *
parse_records (const char *out)
{
  GHashTable *rendered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)rendered_free);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  Rendered *current = NULL;
  Section section = { NULL, 0, FALSE };
  int direction = -1;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *reason;

      if (!g_str_has_prefix (line, RECORD))
        {
          if (section.sql != NULL)
            add_line (&section, lines[i]);
          continue;
        }
      end_section (current, direction, &section);
      line += strlen (RECORD);
      direction = -1;
      if (g_str_has_prefix (line, "revision "))
        {
          current = g_new0 (Rendered, 1);
          g_hash_table_replace (rendered, g_strdup (line + strlen ("revision ")), current);
        }
      else if (current == NULL)
        continue;
      else if (g_str_equal (line, "upgrade") || g_str_equal (line, "downgrade"))
        {
          direction = g_str_equal (line, "upgrade") ? STRATA_DIRECTION_UPGRADE
                                                    : STRATA_DIRECTION_DOWNGRADE;
          section.sql = g_string_new (NULL);
        }
      else if (g_str_has_prefix (line, "unfinished ") && (reason = strchr (line + 11, ' ')))
        {
          direction = g_str_has_prefix (line + 11, "upgrade ") ? STRATA_DIRECTION_UPGRADE
                                                               : STRATA_DIRECTION_DOWNGRADE;
          g_free (current->reason[direction]);
          current->reason[direction] = g_strdup (reason + 1);
          direction = -1;
        }
    }
  end_section (current, direction, &section);
  return rendered;
}

static GHashTable *
render (StrataAlembicConversion  *self,
        StrataAlembicProject     *alembic,
        GCancellable             *cancellable,
        GError                  **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!(process = spawn_helper (self, alembic, error)) ||
      !g_subprocess_communicate_utf8 (process, NULL, cancellable, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (process))
    {
      helper_failed (self, process, err, error);
      return NULL;
    }
  return parse_records (out);
}

/* Writing the project ---------------------------------------------------------------- */

/* @file relative to @directory ("../app.db"), so that the pair can move. */
static char *
relative_path (GFile *directory,
               GFile *file)
{
  g_autofree char *from = g_file_get_path (directory);
  g_autofree char *to = g_file_get_path (file);
  g_auto(GStrv) a = g_strsplit (from, G_DIR_SEPARATOR_S, -1);
  g_auto(GStrv) b = g_strsplit (to, G_DIR_SEPARATOR_S, -1);
  g_autoptr(GString) out = g_string_new (NULL);
  guint common = 0;

  while (a[common] != NULL && b[common] != NULL && b[common + 1] != NULL &&
         g_str_equal (a[common], b[common]))
    common++;
  /* Nothing in common but the root: the absolute path says more. */
  if (common <= 1)
    return g_steal_pointer (&to);
  for (guint i = common; a[i] != NULL; i++)
    if (a[i][0] != '\0')
      g_string_append (out, ".." G_DIR_SEPARATOR_S);
  for (guint i = common; b[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", b[i], b[i + 1] != NULL ? G_DIR_SEPARATOR_S : "");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
database_setting (StrataAlembicConversion *self,
                  StrataAlembicProject    *alembic)
{
  GFile *database = strata_alembic_project_get_database_file (alembic);
  g_autofree char *base = NULL;

  if (database != NULL)
    return relative_path (self->directory, database);
  base = g_file_get_basename (self->directory);
  g_ptr_array_add (self->notes,
                   g_strdup_printf (_("%s, so strata.ini names “%s.db”: write the path of "
                                      "your SQLite database there"),
                                    strata_alembic_project_get_database_problem (alembic), base));
  return g_strconcat (base, ".db", NULL);
}

static char *
commented (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i + 1] != NULL || lines[i][0] != '\0')
      {
        g_autofree char *line = g_strdup_printf ("--     %s", lines[i]);
        g_string_append_printf (out, "%s\n", g_strchomp (line));
      }
  return g_string_free (out, FALSE);
}

/* A section Alembic could not render: why, the module's Python, and a
 * statement that fails, so that no run takes the empty section for done. */
static char *
unfinished_sql (StrataRevision *revision,
                const char     *reason,
                const char     *python)
{
  g_autofree char *source = commented (python);

  g_autofree char *why = NULL;

  why = g_strdup_printf (_("-- Unfinished: Alembic could not render this section offline for "
                           "SQLite:\n"
                           "--     %s\n"
                           "-- Write its SQL in place of the SELECT below, which stops any "
                           "run until then.\n"
                           "-- The Python it was converted from (%s):\n"),
                         reason, strata_revision_get_display_path (revision));
  /* The table does not exist: the run fails on this line of the file. */
  return g_strconcat (why, "--\n", source,
                      "SELECT * FROM \"unfinished revision: write its SQL by hand\";\n", NULL);
}

static void
mark_unfinished (StrataAlembicConversion *self,
                 const char              *id,
                 const char              *reason)
{
  if (g_hash_table_contains (self->reasons, id))
    return;
  g_strv_builder_add (self->unfinished_builder, id);
  g_hash_table_insert (self->reasons, g_strdup (id), g_strdup (reason));
}

/* Alembic's `pass` renders as nothing, and Alembic goes down through it:
 * the converted revision says so, or Strata would refuse that downgrade. */
static void
mark_deliberate_no_downgrade (StrataRevision *revision)
{
  g_autofree char *sql = NULL;

  if (!_strata_revision_lacks_downgrade (revision))
    return;
  sql = g_strconcat (STRATA_NO_DOWNGRADE_MARKER "\n",
                     strata_revision_get_sql (revision, STRATA_DIRECTION_DOWNGRADE), NULL);
  strata_revision_set_sql (revision, STRATA_DIRECTION_DOWNGRADE, sql);
}

static gboolean
fill_sections (StrataAlembicConversion  *self,
               StrataRevision           *revision,
               Rendered                 *rendered,
               GCancellable             *cancellable,
               GError                  **error)
{
  const char *names[] = { "upgrade", "downgrade" };
  g_autofree char *python = NULL;

  for (guint d = STRATA_DIRECTION_UPGRADE; d <= STRATA_DIRECTION_DOWNGRADE; d++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *sql = NULL;

      if (rendered != NULL && rendered->sql[d] != NULL)
        {
          strata_revision_set_sql (revision, d, rendered->sql[d]);
          if (d == STRATA_DIRECTION_DOWNGRADE)
            mark_deliberate_no_downgrade (revision);
          continue;
        }
      reason = rendered != NULL && rendered->reason[d] != NULL
               ? g_strdup_printf ("%s: %s", names[d], rendered->reason[d])
               : g_strdup (_("Alembic did not load this module"));
      if (python == NULL &&
          !g_file_load_contents (strata_revision_get_file (revision), cancellable, &python,
                                 NULL, NULL, error))
        return FALSE;
      sql = unfinished_sql (revision, reason, python);
      strata_revision_set_sql (revision, d, sql);
      mark_unfinished (self, strata_revision_get_id (revision), reason);
    }
  return TRUE;
}

/* versions/1975ea83b712_create_part_table.py → .sql, the name people know;
 * where two version_locations folders hold a module of the same name
 * (initial.py), the second takes its revision id in front (@used: the
 * names taken so far). */
static GFile *
target_file (StrataAlembicConversion *self,
             StrataRevision          *revision,
             GHashTable              *used)
{
  g_autofree char *name = g_file_get_basename (strata_revision_get_file (revision));
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".py"));
  g_autofree char *sql_name = g_strconcat (stem, ".sql", NULL);

  if (g_hash_table_contains (used, sql_name))
    {
      g_free (sql_name);
      sql_name = g_strdup_printf ("%s_%s.sql", strata_revision_get_id (revision), stem);
    }
  g_hash_table_add (used, g_strdup (sql_name));
  return g_file_get_child (strata_project_get_versions_directory (self->project), sql_name);
}

static gboolean
write_revisions (StrataAlembicConversion  *self,
                 GPtrArray                *revisions,
                 GHashTable               *rendered,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      g_autoptr(GFile) file = target_file (self, revision, used);
      g_autofree char *display = NULL;

      if (!fill_sections (self, revision, g_hash_table_lookup (rendered,
                                                               strata_revision_get_id (revision)),
                          cancellable, error))
        return FALSE;
      strata_revision_set_display_path (revision, NULL);
      if (!strata_revision_save (revision, file, cancellable, error))
        return FALSE;
      g_ptr_array_add (self->written, g_object_ref (file));
      display = strata_project_get_display_path (self->project, file);
      strata_revision_set_display_path (revision, display);
    }
  return TRUE;
}

/* Refused before Python runs, so that a failure leaves nothing behind. */
static gboolean
check_target (StrataAlembicConversion  *self,
              GError                  **error)
{
  g_autoptr(GFile) config = g_file_get_child (self->directory, "strata.ini");
  g_autoptr(GFile) versions = g_file_get_child (self->directory, "versions");
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GFileInfo) child = NULL;
  g_autofree char *name = NULL;

  if (g_file_query_exists (config, NULL))
    {
      name = g_file_get_parse_name (config);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s already exists; this folder is a project already: name a new one"),
                   name);
      return FALSE;
    }
  children = g_file_enumerate_children (versions, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (children == NULL || !(child = g_file_enumerator_next_file (children, NULL, NULL)))
    return TRUE;
  name = g_file_get_parse_name (versions);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("%s is not empty; convert into a new folder"), name);
  return FALSE;
}

/* The version table Alembic keeps for the project: where its env.py names
 * another, strata.ini names it too, or the converted project would find the
 * database at base and run every revision again. */
static const char *
version_table_setting (StrataAlembicConversion *self,
                       StrataAlembicProject    *alembic)
{
  const char *table = strata_alembic_project_get_version_table (alembic);

  if (table == NULL || g_str_equal (table, "alembic_version"))
    return NULL;
  g_ptr_array_add (self->notes,
                   g_strdup_printf (_("env.py keeps the applied revisions in “%s”, so strata.ini "
                                      "names that table too"), table));
  return table;
}

/* What a conversion may create in its folder, in the order to take it
 * away: files first, then the folders that must be empty by then. */
static const char *made_names[] = { "strata.ini", "script.sql.template", "versions", NULL };

/* Which of @made_names (and the folder itself, last) do not exist yet. */
static GPtrArray *
not_there_yet (StrataAlembicConversion *self)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; made_names[i] != NULL; i++)
    {
      GFile *file = g_file_get_child (self->directory, made_names[i]);

      if (g_file_query_exists (file, NULL))
        g_object_unref (file);
      else
        g_ptr_array_add (missing, file);
    }
  if (!g_file_query_exists (self->directory, NULL))
    g_ptr_array_add (missing, g_object_ref (self->directory));
  return missing;
}

/* What a conversion that failed after it began to write had written, taken
 * away again (@made: what was not there before): the folder is as it was,
 * and the same command can run again once the cause is fixed. */
static void
take_back (StrataAlembicConversion *self,
           GPtrArray               *made)
{
  for (guint i = 0; i < self->written->len; i++)
    g_file_delete (g_ptr_array_index (self->written, i), NULL, NULL);
  for (guint i = 0; i < made->len; i++)
    g_file_delete (g_ptr_array_index (made, i), NULL, NULL);
  g_ptr_array_set_size (self->written, 0);
  g_clear_object (&self->project);
  g_clear_pointer (&self->revisions, g_ptr_array_unref);
}

static gboolean
convert (StrataAlembicConversion  *self,
         GCancellable             *cancellable,
         GError                  **error)
{
  g_autoptr(StrataAlembicProject) alembic = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GHashTable) rendered = NULL;
  g_autoptr(StrataRevisionGraph) written = NULL;
  g_autoptr(GPtrArray) made = NULL;
  g_autofree char *database = NULL;

  if (!(alembic = strata_alembic_project_new (self->source, error)) ||
      !(revisions = strata_alembic_project_load_revisions (alembic, cancellable, error)) ||
      !(graph = strata_revision_graph_new (revisions, error)) ||
      !check_target (self, error) ||
      !(rendered = render (self, alembic, cancellable, error)))
    return FALSE;

  made = not_there_yet (self);
  database = database_setting (self, alembic);
  if ((self->project = _strata_project_init (self->directory, database,
                                             version_table_setting (self, alembic), error)) &&
      (self->revisions = g_ptr_array_ref (strata_revision_graph_get_revisions (graph))) &&
      write_revisions (self, self->revisions, rendered, cancellable, error) &&
      /* What was written must read back as the same graph. */
      (written = strata_project_load_graph (self->project, cancellable, error)))
    {
      self->unfinished = g_strv_builder_end (self->unfinished_builder);
      return TRUE;
    }
  take_back (self, made);
  return FALSE;
}

gboolean
strata_alembic_conversion_run (StrataAlembicConversion  *self,
                               GCancellable             *cancellable,
                               GError                  **error)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), FALSE);
  g_return_val_if_fail (self->project == NULL, FALSE);

  return convert (self, cancellable, error);
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (convert (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
strata_alembic_conversion_run_async (StrataAlembicConversion *self,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_alembic_conversion_run_async);
  g_task_run_in_thread (task, run_worker);
}

gboolean
strata_alembic_conversion_run_finish (StrataAlembicConversion  *self,
                                      GAsyncResult             *result,
                                      GError                  **error)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

StrataProject *
strata_alembic_conversion_get_project (StrataAlembicConversion *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), NULL);
  return self->project;
}

GPtrArray *
strata_alembic_conversion_get_revisions (StrataAlembicConversion *self)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), NULL);
  return self->revisions;
}

const char * const *
strata_alembic_conversion_get_unfinished (StrataAlembicConversion *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), NULL);
  return self->unfinished != NULL ? (const char * const *)self->unfinished : none;
}

const char *
strata_alembic_conversion_get_reason (StrataAlembicConversion *self,
                                      const char              *id)
{
  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), NULL);
  return g_hash_table_lookup (self->reasons, id);
}

const char * const *
strata_alembic_conversion_get_notes (StrataAlembicConversion *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (STRATA_IS_ALEMBIC_CONVERSION (self), NULL);
  /* An empty array may have no storage at all. */
  return self->notes->len > 0 ? (const char * const *)self->notes->pdata : none;
}
