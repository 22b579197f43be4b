/* strata-revision.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-revision.h"

/* Alembic's version_num column is VARCHAR(32). */
#define MAX_ID_LENGTH 32
/* Alembic's default truncate_slug_length. */
#define MAX_SLUG_LENGTH 40

typedef struct
{
  char     *sql;
  guint     line;
  gboolean  transactional;
} Section;

struct _StrataRevision
{
  GObject   parent_instance;

  char     *id;
  char     *message;
  char     *create_date;
  GStrv     down_revisions;
  GStrv     branch_labels;
  GStrv     depends_on;
  /* Header lines we do not interpret, kept verbatim so saving loses nothing:
   * those above the first known key and those below it. */
  GPtrArray *extra_before;
  GPtrArray *extra_after;
  Section   sections[2];
  GFile    *file;
  char     *display_path;
};

G_DEFINE_FINAL_TYPE (StrataRevision, strata_revision, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *empty_strv[] = { NULL };

static void
strata_revision_finalize (GObject *object)
{
  StrataRevision *self = (StrataRevision *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->create_date, g_free);
  g_clear_pointer (&self->down_revisions, g_strfreev);
  g_clear_pointer (&self->branch_labels, g_strfreev);
  g_clear_pointer (&self->depends_on, g_strfreev);
  g_clear_pointer (&self->extra_before, g_ptr_array_unref);
  g_clear_pointer (&self->extra_after, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    g_clear_pointer (&self->sections[i].sql, g_free);
  g_clear_object (&self->file);
  g_clear_pointer (&self->display_path, g_free);

  G_OBJECT_CLASS (strata_revision_parent_class)->finalize (object);
}

static void
strata_revision_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StrataRevision *self = STRATA_REVISION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_revision_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StrataRevision *self = STRATA_REVISION (object);

  switch (prop_id)
    {
    case PROP_ID:
      strata_revision_set_id (self, g_value_get_string (value));
      break;
    case PROP_MESSAGE:
      strata_revision_set_message (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_revision_class_init (StrataRevisionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_revision_finalize;
  object_class->get_property = strata_revision_get_property;
  object_class->set_property = strata_revision_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_revision_init (StrataRevision *self)
{
  self->id = g_strdup ("");
  self->message = g_strdup ("");
  self->create_date = g_strdup ("");
  self->down_revisions = g_new0 (char *, 1);
  self->branch_labels = g_new0 (char *, 1);
  self->depends_on = g_new0 (char *, 1);
  self->extra_before = g_ptr_array_new_with_free_func (g_free);
  self->extra_after = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    {
      self->sections[i].sql = g_strdup ("");
      self->sections[i].transactional = TRUE;
    }
}

StrataRevision *
strata_revision_new (const char *id,
                     const char *message)
{
  StrataRevision *self = g_object_new (STRATA_TYPE_REVISION, NULL);

  strata_revision_set_id (self, id);
  strata_revision_set_message (self, message);
  return self;
}

/* Parsing ------------------------------------------------------------------ */

/* Header keys, in the order of the enum below. */
static const char *known_keys[] = { "revision id", "revises", "create date",
                                    "branch labels", "depends on" };

enum { KEY_ID, KEY_REVISES, KEY_CREATE_DATE, KEY_BRANCH_LABELS, KEY_DEPENDS_ON };

/* The file is read a line at a time in place: only header and marker lines
 * are copied (into @line), and each section's SQL is copied once, whole. */
typedef struct
{
  StrataRevision *revision;
  const char     *path;
  gboolean        seen_id;
  gboolean        seen_key;
  gboolean        seen_section[2];
  gboolean        in_message;
  int             current;        /* index into sections, or -1 in the header */
  const char     *section_start;  /* where the current section's SQL begins */
  GString        *line;
} Parser;

static GStrv
split_list (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static gboolean
id_is_valid (const char *id)
{
  if (id[0] == '\0' || strlen (id) > MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
list_is_valid (const char * const *ids,
               const char        **bad)
{
  for (guint i = 0; ids[i] != NULL; i++)
    if (!id_is_valid (ids[i]) && strchr (ids[i], '@') == NULL)
      {
        *bad = ids[i];
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_key (Parser      *parser,
           int          key,
           char        *value,
           guint        line,
           GError     **error)
{
  StrataRevision *self = parser->revision;
  const char *bad = NULL;

  switch (key)
    {
    case KEY_ID:
      if (!id_is_valid (value))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: “%s” is not a revision id: use up to %d letters, digits, "
                         "“_” or “-”, such as “%s”"),
                       parser->path, line, value, MAX_ID_LENGTH, "1a2b3c4d5e6f");
          return FALSE;
        }
      g_free (self->id);
      self->id = g_strdup (value);
      parser->seen_id = TRUE;
      return TRUE;
    case KEY_CREATE_DATE:
      g_free (self->create_date);
      self->create_date = g_strdup (value);
      return TRUE;
    case KEY_BRANCH_LABELS:
      g_strfreev (self->branch_labels);
      self->branch_labels = split_list (value);
      return TRUE;
    case KEY_REVISES:
      g_strfreev (self->down_revisions);
      self->down_revisions = split_list (value);
      break;
    case KEY_DEPENDS_ON:
    default:
      g_strfreev (self->depends_on);
      self->depends_on = split_list (value);
      break;
    }

  if (!list_is_valid ((const char * const *)self->down_revisions, &bad) ||
      !list_is_valid ((const char * const *)self->depends_on, &bad))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: “%s” is not a revision id; separate ids with commas"),
                   parser->path, line, bad);
      return FALSE;
    }
  return TRUE;
}

/* The known key a header comment "Key: value" starts with, or -1; @colon is
 * set to the colon after it. */
static int
find_key (const char  *comment,
          const char **colon)
{
  const char *start = comment;
  const char *end;

  if (!(*colon = strchr (comment, ':')))
    return -1;
  end = *colon;
  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (strlen (known_keys[i]) == (gsize)(end - start) &&
        g_ascii_strncasecmp (start, known_keys[i], end - start) == 0)
      return i;
  return -1;
}

/* The SQL between @start and @end, without the '\r' of Windows line ends. */
static char *
copy_section (const char *start,
              const char *end)
{
  char *sql = g_strndup (start, end - start);
  char *out = sql;

  if (memchr (start, '\r', end - start) == NULL)
    return sql;
  for (const char *p = sql; *p != '\0'; p++)
    if (*p != '\r' || (p[1] != '\n' && p[1] != '\0'))
      *out++ = *p;
  *out = '\0';
  return sql;
}

static void
finish_section (Parser     *parser,
                const char *end)
{
  Section *section;

  if (parser->current < 0)
    return;
  section = &parser->revision->sections[parser->current];
  g_free (section->sql);
  section->sql = copy_section (parser->section_start, end);
}

/* "-- migrate:upgrade transaction:false" */
static gboolean
parse_marker (Parser      *parser,
              const char  *rest,
              guint        line,
              GError     **error)
{
  g_auto(GStrv) words = g_strsplit_set (rest, " \t", -1);
  int index = -1;
  gboolean transactional = TRUE;

  if (g_strcmp0 (words[0], "upgrade") == 0)
    index = 0;
  else if (g_strcmp0 (words[0], "downgrade") == 0)
    index = 1;
  else
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: unknown section “migrate:%s”; use “-- migrate:upgrade” or "
                     "“-- migrate:downgrade”"),
                   parser->path, line, words[0]);
      return FALSE;
    }

  for (guint i = 1; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (g_ascii_strcasecmp (words[i], "transaction:false") == 0)
        transactional = FALSE;
      else if (g_ascii_strcasecmp (words[i], "transaction:true") == 0)
        transactional = TRUE;
      else
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: unknown option “%s”; the only option is “transaction:false”"),
                       parser->path, line, words[i]);
          return FALSE;
        }
    }

  if (parser->seen_section[index])
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: a second “migrate:%s” section; merge the two into one"),
                   parser->path, line, words[0]);
      return FALSE;
    }

  parser->seen_section[index] = TRUE;
  parser->current = index;
  parser->revision->sections[index].line = line + 1;
  parser->revision->sections[index].transactional = transactional;
  return TRUE;
}

/* What follows "-- migrate:" on a marker line of @length bytes, or NULL. */
static const char *
marker_rest (const char *text,
             gsize       length)
{
  const char *end = text + length;
  const char *p = text + 2;

  if (length < 2 || text[0] != '-' || text[1] != '-')
    return NULL;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if ((gsize)(end - p) >= strlen ("migrate:") && memcmp (p, "migrate:", strlen ("migrate:")) == 0)
    return p + strlen ("migrate:");
  return NULL;
}

static gboolean
is_blank_line (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static void
append_message_line (StrataRevision *self,
                     const char     *comment)
{
  char *joined;

  if (self->message[0] == '\0')
    joined = g_strdup (comment);
  else
    joined = g_strconcat (self->message, "\n", comment, NULL);
  g_free (self->message);
  self->message = joined;
}

static gboolean
parse_header_line (Parser      *parser,
                   const char  *text,
                   guint        line,
                   GError     **error)
{
  StrataRevision *self = parser->revision;
  const char *comment;
  const char *colon;
  int key;

  if (!g_str_has_prefix (text, "--"))
    {
      if (is_blank_line (text))
        {
          parser->in_message = FALSE;
          return TRUE;
        }
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: SQL before the first “-- migrate:upgrade” line; move it into "
                     "the upgrade or downgrade section"),
                   parser->path, line);
      return FALSE;
    }

  comment = text + 2;
  if (*comment == ' ')
    comment++;

  if ((key = find_key (comment, &colon)) >= 0)
    {
      g_autofree char *value = g_strstrip (g_strdup (colon + 1));

      parser->in_message = FALSE;
      parser->seen_key = TRUE;
      return parse_key (parser, key, value, line, error);
    }

  /* The message is the first comment lines, up to a bare "--". */
  if (parser->in_message && !is_blank_line (comment))
    {
      append_message_line (self, comment);
      return TRUE;
    }

  if (parser->in_message)
    {
      parser->in_message = FALSE;
      return TRUE;
    }

  g_ptr_array_add (parser->seen_key ? self->extra_after : self->extra_before, g_strdup (text));
  return TRUE;
}

/* One line of @length bytes, without its line end. Lines inside a section
 * are not looked at unless they are markers: finish_section() copies them. */
static gboolean
parse_line (Parser      *parser,
            const char  *text,
            gsize        length,
            const char  *next,
            guint        line,
            GError     **error)
{
  const char *rest = marker_rest (text, length);

  if (rest == NULL && parser->current >= 0)
    return TRUE;

  g_string_truncate (parser->line, 0);
  if (rest == NULL)
    {
      g_string_append_len (parser->line, text, length);
      return parse_header_line (parser, parser->line->str, line, error);
    }

  finish_section (parser, text);
  g_string_append_len (parser->line, rest, text + length - rest);
  parser->section_start = next;
  return parse_marker (parser, parser->line->str, line, error);
}

/* UTF-8 without NUL bytes. Revision files are nearly always ASCII, and
 * checking that a word at a time spares g_utf8_validate() most of its walk. */
static gboolean
is_text (const char *data,
         gsize       length)
{
  gsize ascii = 0;
  guint64 word;

  if (memchr (data, '\0', length) != NULL)
    return FALSE;
  for (; ascii + sizeof word <= length; ascii += sizeof word)
    {
      memcpy (&word, data + ascii, sizeof word);
      if (word & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  return g_utf8_validate (data + ascii, length - ascii, NULL);
}

static gboolean
parse (Parser      *parser,
       const char  *data,
       gsize        length,
       GError     **error)
{
  const char *end = data + length;
  const char *text = data;

  for (guint line = 1; ; line++)
    {
      const char *newline = memchr (text, '\n', end - text);
      const char *line_end = newline != NULL ? newline : end;
      gsize line_length = line_end - text;

      /* Files written on Windows keep working. */
      if (line_length > 0 && text[line_length - 1] == '\r')
        line_length--;
      if (!parse_line (parser, text, line_length, newline != NULL ? newline + 1 : end,
                       line, error))
        return FALSE;
      if (newline == NULL)
        break;
      text = newline + 1;
    }
  finish_section (parser, end);
  return TRUE;
}

StrataRevision *
strata_revision_new_from_data (const char  *display_path,
                               const char  *data,
                               gssize       length,
                               GError     **error)
{
  g_autoptr(StrataRevision) self = g_object_new (STRATA_TYPE_REVISION, NULL);
  Parser parser = { 0 };
  gboolean parsed;

  g_return_val_if_fail (data != NULL, NULL);

  if (display_path == NULL)
    display_path = "<revision>";
  if (length < 0)
    length = strlen (data);

  if (!is_text (data, length))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: not a text file in UTF-8; save it as UTF-8 text"), display_path);
      return NULL;
    }

  parser.revision = self;
  parser.path = display_path;
  parser.in_message = TRUE;
  parser.current = -1;
  parser.line = g_string_new (NULL);
  parsed = parse (&parser, data, length, error);
  g_string_free (parser.line, TRUE);
  if (!parsed)
    return NULL;

  if (!parser.seen_id)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:1: no “Revision ID:” line in the header; add one such as "
                     "“-- Revision ID: %s”"),
                   display_path, "1a2b3c4d5e6f");
      return NULL;
    }

  self->display_path = g_strdup (display_path);
  return g_steal_pointer (&self);
}

StrataRevision *
strata_revision_new_from_file (GFile         *file,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  StrataRevision *self;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot read the revision file: %s"), path, local_error->message);
      return NULL;
    }

  self = strata_revision_new_from_data (path, contents, length, error);
  if (self != NULL)
    self->file = g_object_ref (file);
  return self;
}

/* Writing ------------------------------------------------------------------ */

static void
append_list (GString            *out,
             const char         *key,
             const char * const *values)
{
  g_autofree char *joined = g_strjoinv (", ", (char **)values);

  if (joined[0] != '\0')
    g_string_append_printf (out, "-- %s: %s\n", key, joined);
  else
    g_string_append_printf (out, "-- %s:\n", key);
}

static void
append_section (GString    *out,
                const char *name,
                Section    *section)
{
  g_string_append_printf (out, "-- migrate:%s%s\n", name,
                          section->transactional ? "" : " transaction:false");
  g_string_append (out, section->sql);
  if (section->sql[0] != '\0' && !g_str_has_suffix (section->sql, "\n"))
    g_string_append_c (out, '\n');
}

char *
strata_revision_to_data (StrataRevision *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) message_lines = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);

  message_lines = g_strsplit (self->message, "\n", -1);
  for (guint i = 0; message_lines[i] != NULL; i++)
    g_string_append_printf (out, "-- %s\n", message_lines[i]);
  g_string_append (out, "--\n");
  for (guint i = 0; i < self->extra_before->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_before, i));
  g_string_append_printf (out, "-- Revision ID: %s\n", self->id);
  append_list (out, "Revises", (const char * const *)self->down_revisions);
  g_string_append_printf (out, "-- Create Date: %s\n", self->create_date);
  if (self->branch_labels[0] != NULL)
    append_list (out, "Branch Labels", (const char * const *)self->branch_labels);
  if (self->depends_on[0] != NULL)
    append_list (out, "Depends On", (const char * const *)self->depends_on);
  for (guint i = 0; i < self->extra_after->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_after, i));
  g_string_append_c (out, '\n');

  append_section (out, "upgrade", &self->sections[0]);
  if (!g_str_has_suffix (out->str, "\n\n"))
    g_string_append_c (out, '\n');
  append_section (out, "downgrade", &self->sections[1]);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
strata_revision_save (StrataRevision  *self,
                      GFile           *file,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = strata_revision_to_data (self);
  /* g_file_replace_contents() writes a temporary file and renames it, so a
   * crash while saving never leaves half a revision on disk. */
  if (!g_file_replace_contents (file, data, strlen (data), NULL, FALSE,
                                G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    {
      g_autofree char *path = g_file_get_parse_name (file);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot save the revision: %s"), path, local_error->message);
      return FALSE;
    }

  /* Line numbers follow the file as written. */
  {
    g_autoptr(StrataRevision) reread = strata_revision_new_from_data (NULL, data, -1, NULL);
    if (reread != NULL)
      for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
        self->sections[i].line = reread->sections[i].line;
  }
  strata_revision_set_file (self, file);
  return TRUE;
}

/* Names -------------------------------------------------------------------- */

char *
strata_revision_generate_id (void)
{
  /* Alembic uses uuid4().hex[-12:]: twelve random lowercase hex digits. */
  return g_strdup_printf ("%06x%06x",
                          (guint) g_random_int_range (0, 0x1000000),
                          (guint) g_random_int_range (0, 0x1000000));
}

char *
strata_revision_make_file_name (const char *id,
                                const char *message)
{
  g_autoptr(GString) slug = g_string_new (NULL);
  g_autofree char *lower = g_utf8_strdown (message != NULL ? message : "", -1);

  for (const char *p = lower; *p != '\0' && slug->len < MAX_SLUG_LENGTH; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, *p);
      else if (slug->len > 0 && slug->str[slug->len - 1] != '_')
        g_string_append_c (slug, '_');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '_')
    g_string_truncate (slug, slug->len - 1);

  if (slug->len == 0)
    return g_strdup_printf ("%s.sql", id);
  return g_strdup_printf ("%s_%s.sql", id, slug->str);
}

/* Accessors ---------------------------------------------------------------- */

const char *
strata_revision_get_id (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return self->id;
}

void
strata_revision_set_id (StrataRevision *self,
                        const char     *id)
{
  g_return_if_fail (STRATA_IS_REVISION (self));

  if (id == NULL)
    id = "";
  if (g_strcmp0 (self->id, id) == 0)
    return;
  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
strata_revision_get_message (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return self->message;
}

void
strata_revision_set_message (StrataRevision *self,
                             const char     *message)
{
  g_return_if_fail (STRATA_IS_REVISION (self));

  if (message == NULL)
    message = "";
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

const char *
strata_revision_get_create_date (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return self->create_date;
}

void
strata_revision_set_create_date (StrataRevision *self,
                                 const char     *create_date)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_free (self->create_date);
  self->create_date = g_strdup (create_date != NULL ? create_date : "");
}

static void
replace_strv (GStrv              *field,
              const char * const *values)
{
  g_strfreev (*field);
  *field = g_strdupv ((char **)(values != NULL ? values : empty_strv));
}

const char * const *
strata_revision_get_down_revisions (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return (const char * const *)self->down_revisions;
}

void
strata_revision_set_down_revisions (StrataRevision     *self,
                                    const char * const *ids)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  replace_strv (&self->down_revisions, ids);
}

const char * const *
strata_revision_get_branch_labels (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return (const char * const *)self->branch_labels;
}

void
strata_revision_set_branch_labels (StrataRevision     *self,
                                   const char * const *labels)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  replace_strv (&self->branch_labels, labels);
}

const char * const *
strata_revision_get_depends_on (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return (const char * const *)self->depends_on;
}

void
strata_revision_set_depends_on (StrataRevision     *self,
                                const char * const *ids)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  replace_strv (&self->depends_on, ids);
}

static Section *
get_section (StrataRevision  *self,
             StrataDirection  direction)
{
  g_assert (direction == STRATA_DIRECTION_UPGRADE || direction == STRATA_DIRECTION_DOWNGRADE);
  return &self->sections[direction == STRATA_DIRECTION_UPGRADE ? 0 : 1];
}

const char *
strata_revision_get_sql (StrataRevision  *self,
                         StrataDirection  direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, NULL);
  return get_section (self, direction)->sql;
}

void
strata_revision_set_sql (StrataRevision  *self,
                         StrataDirection  direction,
                         const char      *sql)
{
  Section *section;

  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (direction != STRATA_DIRECTION_STAMP);

  section = get_section (self, direction);
  g_free (section->sql);
  section->sql = g_strdup (sql != NULL ? sql : "");
}

guint
strata_revision_get_sql_line (StrataRevision  *self,
                              StrataDirection  direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), 0);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, 0);
  return get_section (self, direction)->line;
}

gboolean
strata_revision_get_transactional (StrataRevision  *self,
                                   StrataDirection  direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), TRUE);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, TRUE);
  return get_section (self, direction)->transactional;
}

void
strata_revision_set_transactional (StrataRevision  *self,
                                   StrataDirection  direction,
                                   gboolean         transactional)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (direction != STRATA_DIRECTION_STAMP);
  get_section (self, direction)->transactional = !!transactional;
}

char *
strata_revision_get_checksum (StrataRevision  *self,
                              StrataDirection  direction)
{
  const char *sql;

  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, NULL);

  sql = get_section (self, direction)->sql;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, sql, -1);
}

GFile *
strata_revision_get_file (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);
  return self->file;
}

void
strata_revision_set_file (StrataRevision *self,
                          GFile          *file)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_set_object (&self->file, file);
  if (file != NULL && self->display_path == NULL)
    self->display_path = g_file_get_parse_name (file);
}

const char *
strata_revision_get_display_path (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);

  if (self->display_path == NULL)
    return self->id;
  return self->display_path;
}

void
strata_revision_set_display_path (StrataRevision *self,
                                  const char     *display_path)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_free (self->display_path);
  self->display_path = g_strdup (display_path);
}

gboolean
strata_revision_is_base (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  return self->down_revisions[0] == NULL;
}

gboolean
strata_revision_is_merge (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  return self->down_revisions[0] != NULL && self->down_revisions[1] != NULL;
}
