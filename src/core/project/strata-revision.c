/* strata-revision.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-error.h"
#include "strata-file-private.h"
#include "strata-revision-private.h"
#include "strata-revision-source-private.h"
#include "strata-section-private.h"
#include "strata-sql.h"

/* Alembic's version_num column is VARCHAR(32). */
#define MAX_ID_LENGTH 32
/* Alembic's default truncate_slug_length. */
#define MAX_SLUG_LENGTH 40
/* Room for the values a file's header gives (id, date, message, lists): one
 * allocation instead of five or more; what does not fit is allocated alone. */
#define HEADER_BLOCK 256

/* A file bigger than this is read a piece at a time, and its sections stay
 * in the file: a run reads them again from it as they run. */
#define STREAM_ABOVE (1024 * 1024)
/* The pieces it is read in. */
#define STREAM_CHUNK (64 * 1024)

/* A section read from a file is copied out of it only when first asked for:
 * listing heads or history never needs the SQL of a thousand revisions. */
typedef struct
{
  char       *sql;    /* NULL until then */
  const char *start;  /* the SQL in the revision's source, while sql is NULL */
  const char *end;
  guint       line;
  gboolean    transactional;
  /* A section of a big file (in_file): where it lies in the file, the
   * fingerprint of its text as it was read, and its checksum once taken. */
  gboolean    in_file;
  goffset     file_start;
  goffset     file_end;
  guint64     fingerprint;
  guint64     text_length;  /* without the '\r' of line ends */
  char       *checksum;
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
  GBytes   *source;   /* the file the sections were read from */
  char     *header;   /* HEADER_BLOCK bytes holding values read from the file */
  gsize     header_used;
  /* Made from path when first asked for: a GFile for each revision loaded
   * costs more than parsing its file. */
  GFile    *file;
  char     *path;
  char     *display_path;
};

G_DEFINE_FINAL_TYPE (StrataRevision, strata_revision, G_TYPE_OBJECT)

static Section *get_section (StrataRevision  *self,
                             StrataDirection  direction);

enum {
  PROP_0,
  PROP_ID,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *empty_strv[] = { NULL };

/* Unset text and list fields point at these shared constants, which are never
 * freed: a revision allocates nothing for the values its file replaces. */
static char empty_text[] = "";
static char *empty_list[] = { NULL };

/* Values read from the file live in the header block, freed with the
 * revision; a setter gives a field a string of its own. */
static gboolean
in_header (StrataRevision *self,
           gconstpointer   p)
{
  return self->header != NULL && (const char *)p >= self->header &&
         (const char *)p < self->header + HEADER_BLOCK;
}

static gpointer
header_alloc (StrataRevision *self,
              gsize           size,
              gsize           align)
{
  gsize at = (self->header_used + align - 1) & ~(align - 1);

  if (self->header == NULL || at > HEADER_BLOCK || size > HEADER_BLOCK - at)
    return NULL;
  self->header_used = at + size;
  return self->header + at;
}

static char *
header_strndup (StrataRevision *self,
                const char     *text,
                gsize           length)
{
  char *copy = header_alloc (self, length + 1, 1);

  if (copy == NULL)
    return g_strndup (text, length);
  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

static void
take_text (StrataRevision  *self,
           char           **field,
           char            *value)
{
  if (*field != empty_text && !in_header (self, *field))
    g_free (*field);
  *field = value;
}

static void
take_list (StrataRevision *self,
           GStrv          *field,
           GStrv           value)
{
  if (*field != empty_list)
    {
      for (guint i = 0; (*field)[i] != NULL; i++)
        if (!in_header (self, (*field)[i]))
          g_free ((*field)[i]);
      if (!in_header (self, *field))
        g_free (*field);
    }
  *field = value;
}

/* Header lines kept as written go here, made on the first one. */
static void
add_extra_line (GPtrArray **lines,
                char       *line)
{
  if (*lines == NULL)
    *lines = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*lines, line);
}

static void
strata_revision_finalize (GObject *object)
{
  StrataRevision *self = (StrataRevision *)object;

  take_text (self, &self->id, NULL);
  take_text (self, &self->message, NULL);
  take_text (self, &self->create_date, NULL);
  take_list (self, &self->down_revisions, NULL);
  take_list (self, &self->branch_labels, NULL);
  take_list (self, &self->depends_on, NULL);
  g_clear_pointer (&self->extra_before, g_ptr_array_unref);
  g_clear_pointer (&self->extra_after, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    {
      take_text (self, &self->sections[i].sql, NULL);
      g_clear_pointer (&self->sections[i].checksum, g_free);
    }
  g_clear_pointer (&self->header, g_free);
  g_clear_pointer (&self->source, g_bytes_unref);
  g_clear_object (&self->file);
  g_clear_pointer (&self->path, g_free);
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
  self->id = empty_text;
  self->message = empty_text;
  self->create_date = empty_text;
  self->down_revisions = empty_list;
  self->branch_labels = empty_list;
  self->depends_on = empty_list;
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    {
      self->sections[i].sql = empty_text;
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

/* The file is read in place, a line at a time: a line is its first byte and
 * the byte after its last (line ends and a Windows '\r' left out). Only the
 * values the revision keeps are copied, and each section's SQL once, whole. */
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
  /* A big file is read in pieces (see parse_stream()): sections are then
   * offsets in the file, and their fingerprints are taken as they go by. */
  gboolean        streaming;
  const char     *data;           /* the piece held, whose first byte is at */
  goffset         base;           /* this offset in the file */
  goffset         section_offset; /* where the current section's SQL begins */
  StrataSectionDigest digest;     /* of the current section */
} Parser;

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && g_ascii_isspace (*p))
    p++;
  return p;
}

static const char *
trim_space_end (const char *start,
                const char *end)
{
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  return end;
}

static gboolean
is_blank (const char *p,
          const char *end)
{
  return skip_space (p, end) == end;
}

/* "a, b ,c" -> { "a", "b", "c" }; empty items are dropped. The array is
 * sized from the commas, one allocation. */
static GStrv
split_list (StrataRevision *self,
            const char     *p,
            const char     *end)
{
  guint max_items = 1;
  GStrv items;
  guint n = 0;

  for (const char *c = p; (c = memchr (c, ',', end - c)) != NULL; c++)
    max_items++;
  if (!(items = header_alloc (self, (max_items + 1) * sizeof (char *), sizeof (char *))))
    items = g_new (char *, max_items + 1);
  while (p < end)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *item_end = comma != NULL ? comma : end;
      const char *start = skip_space (p, item_end);
      const char *stop = trim_space_end (start, item_end);

      if (stop > start)
        items[n++] = header_strndup (self, start, stop - start);
      p = comma != NULL ? comma + 1 : end;
    }
  items[n] = NULL;
  return items;
}

/* Words of the target syntax: a revision so named could never be asked for,
 * and "base" would read as no revision at all. */
static const char *reserved_ids[] = { "base", "head", "heads", "current" };

/* The id becomes a file name and a row of Alembic's VARCHAR(32) column: no
 * slash, no dot, nothing a shell or a path could read otherwise. */
static gboolean
id_is_valid (const char *id)
{
  if (id[0] == '\0' || strlen (id) > MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved_ids); i++)
    if (g_ascii_strcasecmp (id, reserved_ids[i]) == 0)
      return FALSE;
  return TRUE;
}

gboolean
_strata_revision_check_id (const char  *id,
                           const char  *where,
                           GError     **error)
{
  g_autofree char *shown = NULL;

  if (id != NULL && id_is_valid (id))
    return TRUE;
  shown = g_strescape (id != NULL ? id : "", NULL);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
               _("%s“%s” is not a revision id: an id is 1 to %d letters, digits, “_” or “-”, "
                 "and not “base”, “head”, “heads” or “current”; use one such as “%s”"),
               where != NULL ? where : "", shown, MAX_ID_LENGTH, "1a2b3c4d5e6f");
  return FALSE;
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

static void
replace_list (StrataRevision *self,
              GStrv          *field,
              const char     *value,
              const char     *end)
{
  take_list (self, field, split_list (self, value, end));
}

static gboolean
parse_key (Parser      *parser,
           int          key,
           const char  *value,
           const char  *end,
           guint        line,
           GError     **error)
{
  StrataRevision *self = parser->revision;
  const char *bad = NULL;

  value = skip_space (value, end);
  end = trim_space_end (value, end);
  switch (key)
    {
    case KEY_ID:
      take_text (self, &self->id, header_strndup (self, value, end - value));
      if (!id_is_valid (self->id))
        {
          g_autofree char *where = g_strdup_printf ("%s:%u: ", parser->path, line);
          return _strata_revision_check_id (self->id, where, error);
        }
      parser->seen_id = TRUE;
      return TRUE;
    case KEY_CREATE_DATE:
      take_text (self, &self->create_date, header_strndup (self, value, end - value));
      return TRUE;
    case KEY_BRANCH_LABELS:
      replace_list (self, &self->branch_labels, value, end);
      return TRUE;
    case KEY_REVISES:
      replace_list (self, &self->down_revisions, value, end);
      break;
    case KEY_DEPENDS_ON:
    default:
      replace_list (self, &self->depends_on, value, end);
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

/* The known key that a header comment "Key: value" starts with, or -1;
 * @colon is set to the colon after it. */
static int
find_key (const char  *comment,
          const char  *end,
          const char **colon)
{
  const char *start;
  const char *stop;

  if (!(*colon = memchr (comment, ':', end - comment)))
    return -1;
  start = skip_space (comment, *colon);
  stop = trim_space_end (start, *colon);
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (strlen (known_keys[i]) == (gsize)(stop - start) &&
        g_ascii_strncasecmp (start, known_keys[i], stop - start) == 0)
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
  take_text (parser->revision, &section->sql, NULL);
  if (!parser->streaming)
    {
      section->start = parser->section_start;
      section->end = end;
      return;
    }
  section->in_file = TRUE;
  section->file_start = parser->section_offset;
  section->file_end = parser->base + (end - parser->data);
  section->text_length = parser->digest.length;
  section->fingerprint = _strata_section_digest_finish (&parser->digest, NULL);
}

/* Publishes a big file's section's checksum, taken by whoever read it
 * first; the revision may be shared between threads. */
static void
publish_checksum (Section *section,
                  char    *checksum)
{
  if (checksum != NULL &&
      !g_atomic_pointer_compare_and_exchange (&section->checksum, NULL, checksum))
    g_free (checksum);
}

/* A big file's section read again whole, into @sql unless it is NULL, and
 * its checksum taken on the way (a run reads it a piece at a time instead). */
static void
read_section (StrataRevision *self,
              Section        *section,
              GString        *sql)
{
  g_autoptr(StrataRevisionSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = g_malloc (STREAM_CHUNK);
  char *checksum = NULL;
  gssize n;

  if (!(source = _strata_revision_source_open (self->path, section->file_start,
                                               section->file_end, section->fingerprint,
                                               g_atomic_pointer_get (&section->checksum) == NULL,
                                               &error)))
    {
      g_debug ("%s: %s", self->display_path, error->message);
      return;
    }
  while ((n = _strata_revision_source_read (source, buffer, STREAM_CHUNK, &error)) > 0)
    if (sql != NULL)
      g_string_append_len (sql, buffer, n);
  if (n < 0 || !_strata_revision_source_verify (source, &checksum, &error))
    g_debug ("%s: %s", self->display_path, error->message);
  else
    publish_checksum (section, checksum);
}

/* Revisions are shared between threads (a graph loaded on a worker is read on
 * the main thread), so the first copy is published atomically and a copy
 * made at the same moment by another thread is dropped. */
static const char *
section_sql (StrataRevision *self,
             Section        *section)
{
  char *sql = g_atomic_pointer_get (&section->sql);

  if (sql != NULL)
    return sql;
  if (section->in_file)
    {
      GString *text = g_string_new (NULL);

      read_section (self, section, text);
      sql = g_string_free (text, FALSE);
    }
  else
    sql = copy_section (section->start, section->end);
  if (!g_atomic_pointer_compare_and_exchange (&section->sql, NULL, sql))
    {
      g_free (sql);
      sql = g_atomic_pointer_get (&section->sql);
    }
  return sql;
}

/* The next word of a marker line, separated by spaces or tabs; NULL at the end. */
static const char *
next_word (const char  *p,
           const char  *end,
           const char **word_end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end)
    return NULL;
  *word_end = p;
  while (*word_end < end && **word_end != ' ' && **word_end != '\t')
    (*word_end)++;
  return p;
}

static gboolean
word_is (const char *word,
         const char *end,
         const char *expected)
{
  return strlen (expected) == (gsize)(end - word) &&
         g_ascii_strncasecmp (word, expected, end - word) == 0;
}

/* "-- migrate:upgrade transaction:false"; @rest is what follows "migrate:". */
static gboolean
parse_marker (Parser      *parser,
              const char  *rest,
              const char  *end,
              guint        line,
              GError     **error)
{
  const char *name_end = rest;
  const char *word_end = NULL;
  const char *word;
  int index;
  gboolean transactional = TRUE;

  while (name_end < end && *name_end != ' ' && *name_end != '\t')
    name_end++;
  if (name_end - rest == strlen ("upgrade") && memcmp (rest, "upgrade", name_end - rest) == 0)
    index = 0;
  else if (name_end - rest == strlen ("downgrade") &&
           memcmp (rest, "downgrade", name_end - rest) == 0)
    index = 1;
  else
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: unknown section “migrate:%.*s”; use “-- migrate:upgrade” or "
                     "“-- migrate:downgrade”"),
                   parser->path, line, (int)(name_end - rest), rest);
      return FALSE;
    }

  for (word = next_word (name_end, end, &word_end); word != NULL;
       word = next_word (word_end, end, &word_end))
    {
      if (word_is (word, word_end, "transaction:false"))
        transactional = FALSE;
      else if (word_is (word, word_end, "transaction:true"))
        transactional = TRUE;
      else
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: unknown option “%.*s”; the only option is “transaction:false”"),
                       parser->path, line, (int)(word_end - word), word);
          return FALSE;
        }
    }

  if (parser->seen_section[index])
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s:%u: a second “migrate:%s” section; merge the two into one"),
                   parser->path, line, index == 0 ? "upgrade" : "downgrade");
      return FALSE;
    }

  parser->seen_section[index] = TRUE;
  parser->current = index;
  parser->revision->sections[index].line = line + 1;
  parser->revision->sections[index].transactional = transactional;
  return TRUE;
}

/* What follows "-- migrate:" on a marker line, or NULL for any other line. */
static const char *
marker_rest (const char *text,
             const char *end)
{
  const char *p = text + 2;

  if (end - text < 2 || text[0] != '-' || text[1] != '-')
    return NULL;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if ((gsize)(end - p) >= strlen ("migrate:") && memcmp (p, "migrate:", strlen ("migrate:")) == 0)
    return p + strlen ("migrate:");
  return NULL;
}

static void
append_message_line (StrataRevision *self,
                     const char     *comment,
                     const char     *end)
{
  char *joined;

  if (self->message[0] == '\0')
    joined = header_strndup (self, comment, end - comment);
  else
    joined = g_strdup_printf ("%s\n%.*s", self->message, (int)(end - comment), comment);
  take_text (self, &self->message, joined);
}

static gboolean
parse_header_line (Parser      *parser,
                   const char  *text,
                   const char  *end,
                   guint        line,
                   GError     **error)
{
  StrataRevision *self = parser->revision;
  const char *comment;
  const char *colon;
  int key;

  if (end - text < 2 || text[0] != '-' || text[1] != '-')
    {
      if (is_blank (text, end))
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
  if (comment < end && *comment == ' ')
    comment++;

  if ((key = find_key (comment, end, &colon)) >= 0)
    {
      parser->in_message = FALSE;
      parser->seen_key = TRUE;
      return parse_key (parser, key, colon + 1, end, line, error);
    }

  /* The message is the first comment lines, up to a bare "--". */
  if (parser->in_message && !is_blank (comment, end))
    {
      append_message_line (self, comment, end);
      return TRUE;
    }

  if (parser->in_message)
    {
      parser->in_message = FALSE;
      return TRUE;
    }

  add_extra_line (parser->seen_key ? &self->extra_after : &self->extra_before,
                  g_strndup (text, end - text));
  return TRUE;
}

/* One line; @next is where the following one starts. Lines inside a
 * section are not looked at unless they are markers: finish_section()
 * copies them. */
static gboolean
parse_line (Parser      *parser,
            const char  *text,
            const char  *end,
            const char  *next,
            guint        line,
            GError     **error)
{
  const char *rest = marker_rest (text, end);

  if (rest == NULL && parser->current >= 0)
    {
      if (parser->streaming)
        _strata_section_digest_feed (&parser->digest, text, next - text, NULL);
      return TRUE;
    }
  if (rest == NULL)
    return parse_header_line (parser, text, end, line, error);

  finish_section (parser, text);
  parser->section_start = next;
  if (parser->streaming)
    {
      parser->section_offset = parser->base + (next - parser->data);
      _strata_section_digest_init (&parser->digest, FALSE);
    }
  return parse_marker (parser, rest, end, line, error);
}

/* UTF-8 without NUL bytes. Revision files are nearly always ASCII, and
 * checking that a word at a time spares g_utf8_validate() most of its walk. */
static gsize
ascii_prefix (const char *data,
              gsize       length)
{
  gsize ascii = 0;
  guint64 word;

  for (; ascii + sizeof word <= length; ascii += sizeof word)
    {
      memcpy (&word, data + ascii, sizeof word);
      if (word & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  return ascii;
}

static gboolean
is_text (const char *data,
         gsize       length)
{
  gsize ascii;

  if (memchr (data, '\0', length) != NULL)
    return FALSE;
  ascii = ascii_prefix (data, length);
  return g_utf8_validate (data + ascii, length - ascii, NULL);
}

/* The line at @text, which ends at @newline, or at @end without one. */
static gboolean
parse_one (Parser      *parser,
           const char  *text,
           const char  *newline,
           const char  *end,
           guint        line,
           GError     **error)
{
  const char *line_end = newline != NULL ? newline : end;

  /* Files written on Windows keep working. */
  if (line_end > text && line_end[-1] == '\r')
    line_end--;
  return parse_line (parser, text, line_end, newline != NULL ? newline + 1 : end, line, error);
}

static gboolean
parse (Parser      *parser,
       const char  *data,
       gsize        length,
       GError     **error)
{
  const char *end = data + length;
  const char *text = data;

  parser->data = data;
  for (guint line = 1; ; line++)
    {
      const char *newline = memchr (text, '\n', end - text);

      if (!parse_one (parser, text, newline, end, line, error))
        return FALSE;
      if (newline == NULL)
        break;
      text = newline + 1;
    }
  finish_section (parser, end);
  return TRUE;
}

/* Reading a big file a piece at a time ------------------------------------- */

/* Where the text of the bytes [@from, @end) stops being known good: @end, or
 * before a character cut by the end of the piece; NULL when it is not UTF-8
 * text. */
static const char *
check_piece (const char *from,
             const char *end,
             gboolean    last)
{
  const char *stop = NULL;

  if (memchr (from, '\0', end - from) != NULL)
    return NULL;
  from += ascii_prefix (from, end - from);
  if (g_utf8_validate (from, end - from, &stop))
    return end;
  if (!last && end - stop < 4 &&
      g_utf8_get_char_validated (stop, end - stop) == (gunichar)-2)
    return stop;
  return NULL;
}

/* The start of a line of SQL too long for the window: can it still turn out
 * to be a marker line? */
static gboolean
may_be_marker (const char *text,
               const char *end)
{
  const char *p = text;

  for (guint i = 0; i < 2; i++, p++)
    if (p == end)
      return TRUE;
    else if (*p != '-')
      return FALSE;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if ((gsize)(end - p) < strlen ("migrate:"))
    return memcmp (p, "migrate:", end - p) == 0;
  return memcmp (p, "migrate:", strlen ("migrate:")) == 0;
}

static gssize
read_piece (int    fd,
            char  *buffer,
            gsize  size)
{
  gssize n;

  do
    n = read (fd, buffer, size);
  while (n < 0 && errno == EINTR);
  return n;
}

/* Parses @fd's file holding only a piece of it at a time (and the longest
 * header line): each section's SQL is kept as its place in the file and
 * the checksum of its text. A line of SQL longer than the window is taken
 * in pieces once its start shows it is no marker line. */
static gboolean
parse_stream (Parser      *parser,
              int          fd,
              GError     **error)
{
  gsize size = STREAM_CHUNK;
  g_autofree char *window = g_malloc (size + 1);
  gsize have = 0;
  gsize checked = 0;
  gboolean eof = FALSE;
  gboolean in_long_line = FALSE;
  guint line = 1;

  parser->streaming = TRUE;
  for (;;)
    {
      const char *p = window;
      const char *stop;
      const char *newline;
      gssize n = read_piece (fd, window + have, size - have);

      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                       _("%s: cannot read the revision file: %s"), parser->path,
                       g_strerror (saved_errno));
          return FALSE;
        }
      eof = n == 0;
      have += n;
      if (!(stop = check_piece (window + checked, window + have, eof)))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s: not a text file in UTF-8; save it as UTF-8 text"), parser->path);
          return FALSE;
        }
      checked = stop - window;
      parser->data = window;
      while ((newline = memchr (p, '\n', window + checked - p)) != NULL)
        {
          if (in_long_line)
            _strata_section_digest_feed (&parser->digest, p, newline + 1 - p, NULL);
          else if (!parse_one (parser, p, newline, NULL, line, error))
            return FALSE;
          in_long_line = FALSE;
          line++;
          p = newline + 1;
        }
      if (eof)
        {
          if (in_long_line)
            _strata_section_digest_feed (&parser->digest, p, window + have - p, NULL);
          else if (p < window + have && !parse_one (parser, p, NULL, window + have, line, error))
            return FALSE;
          finish_section (parser, window + have);
          return TRUE;
        }
      if (parser->current >= 0 && (in_long_line || !may_be_marker (p, window + checked)))
        {
          _strata_section_digest_feed (&parser->digest, p, window + checked - p, NULL);
          in_long_line = TRUE;
          p = window + checked;
        }
      /* What is left of the piece goes to the window's start. */
      parser->base += p - window;
      have -= p - window;
      checked -= p - window;
      memmove (window, p, have);
      if (have == size)
        window = g_realloc (window, (size *= 2) + 1);
    }
}

static gboolean
check_parsed (Parser  *parser,
              GError **error)
{
  if (parser->seen_id)
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
               _("%s:1: no “Revision ID:” line in the header; add one such as "
                 "“-- Revision ID: %s”"),
               parser->path, "1a2b3c4d5e6f");
  return FALSE;
}

StrataRevision *
_strata_revision_new_from_bytes (char        *path,
                                 char        *display_path,
                                 GBytes      *contents,
                                 GError     **error)
{
  g_autoptr(StrataRevision) self = g_object_new (STRATA_TYPE_REVISION, NULL);
  Parser parser = { 0 };
  gsize length = 0;
  const char *data = g_bytes_get_data (contents, &length);

  /* Taken, not copied: a thousand revisions are loaded at a time. */
  self->path = path;
  self->display_path = display_path != NULL ? display_path : g_strdup ("<revision>");
  display_path = self->display_path;
  /* The sections point into it. */
  self->source = g_bytes_ref (contents);
  self->header = g_malloc (HEADER_BLOCK);
  if (data == NULL)
    data = "";

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
  if (!parse (&parser, data, length, error) || !check_parsed (&parser, error))
    return NULL;
  return g_steal_pointer (&self);
}

gsize
_strata_revision_stream_above (void)
{
  static gsize above;

  /* Tests set it to run their small files the way big ones run. */
  if (g_once_init_enter (&above))
    {
      const char *env = g_getenv ("STRATA_STREAM_ABOVE");
      guint64 value = STREAM_ABOVE;

      if (env != NULL)
        g_ascii_string_to_unsigned (env, 10, 0, G_MAXSIZE - 1, &value, NULL);
      g_once_init_leave (&above, (gsize)value + 1);
    }
  return above - 1;
}

StrataRevision *
_strata_revision_new_from_fd (char        *path,
                              char        *display_path,
                              int          fd,
                              GError     **error)
{
  g_autoptr(StrataRevision) self = g_object_new (STRATA_TYPE_REVISION, NULL);
  Parser parser = { 0 };
  gboolean ok;

  self->path = path;
  self->display_path = display_path != NULL ? display_path : g_strdup ("<revision>");
  self->header = g_malloc (HEADER_BLOCK);
  parser.revision = self;
  parser.path = self->display_path;
  parser.in_message = TRUE;
  parser.current = -1;
  ok = parse_stream (&parser, fd, error) && check_parsed (&parser, error);
  _strata_section_digest_clear (&parser.digest);
  return ok ? g_steal_pointer (&self) : NULL;
}

gboolean
_strata_revision_open_section (StrataRevision         *self,
                               StrataDirection         direction,
                               gboolean                checksum,
                               StrataRevisionSource  **source,
                               GError                **error)
{
  Section *section;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  section = get_section (self, direction);
  *source = NULL;
  if (!section->in_file)
    return TRUE;
  *source = _strata_revision_source_open (self->path, section->file_start, section->file_end,
                                          section->fingerprint,
                                          checksum &&
                                            g_atomic_pointer_get (&section->checksum) == NULL,
                                          error);
  return *source != NULL;
}

guint64
_strata_revision_get_section_length (StrataRevision  *self,
                                     StrataDirection  direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), 0);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, 0);
  return get_section (self, direction)->text_length;
}

void
_strata_revision_take_checksum (StrataRevision  *self,
                                StrataDirection  direction,
                                char            *checksum)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (direction != STRATA_DIRECTION_STAMP);

  if (get_section (self, direction)->in_file)
    publish_checksum (get_section (self, direction), checksum);
  else
    g_free (checksum);
}

gboolean
_strata_revision_section_in_file (StrataRevision  *self,
                                  StrataDirection  direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (direction != STRATA_DIRECTION_STAMP, FALSE);
  return get_section (self, direction)->in_file;
}

StrataRevision *
strata_revision_new_from_data (const char  *display_path,
                               const char  *data,
                               gssize       length,
                               GError     **error)
{
  g_autoptr(GBytes) contents = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  contents = g_bytes_new (data, length >= 0 ? (gsize)length : strlen (data));
  return _strata_revision_new_from_bytes (NULL, g_strdup (display_path), contents, error);
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

static gboolean
same_list (const char * const *a,
           const char * const *b)
{
  return g_strv_equal (a != NULL ? a : empty_strv, b != NULL ? b : empty_strv);
}

/* What the plan was made of: a file whose header changed since then would
 * be applied at the wrong place. */
static gboolean
same_place_in_graph (StrataRevision *a,
                     StrataRevision *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         same_list ((const char * const *)a->down_revisions,
                    (const char * const *)b->down_revisions) &&
         same_list ((const char * const *)a->depends_on, (const char * const *)b->depends_on) &&
         same_list ((const char * const *)a->branch_labels,
                    (const char * const *)b->branch_labels);
}

/* The file open as @fd, for the run: whole, or a piece at a time when big.
 * NULL with @error set when it does not parse, or unset with errno when it
 * cannot be read. */
static StrataRevision *
read_opened (StrataRevision     *self,
             char               *path,
             int                 fd,
             const struct stat  *info,
             GError            **error)
{
  g_autoptr(GBytes) contents = NULL;
  char *display = g_strdup (strata_revision_get_display_path (self));
  gsize length = 0;
  char *data;

  if ((gsize)info->st_size > _strata_revision_stream_above ())
    return _strata_revision_new_from_fd (path, display, fd, error);
  if (!(data = _strata_file_read_opened (fd, info, &length)))
    {
      int saved_errno = errno;

      g_free (path);
      g_free (display);
      errno = saved_errno;
      return NULL;
    }
  contents = g_bytes_new_take (data, length);
  return _strata_revision_new_from_bytes (path, display, contents, error);
}

StrataRevision *
_strata_revision_read_for_run (StrataRevision  *self,
                               GError         **error)
{
  g_autofree char *path = NULL;
  g_autoptr(StrataRevision) fresh = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat info;
  int saved_errno;
  int fd;

  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);

  if (self->path != NULL)
    path = g_strdup (self->path);
  else if (self->file != NULL)
    path = g_file_get_path (self->file);
  /* Read from strata_history, or made in memory: there is no file. */
  if (path == NULL)
    return g_object_ref (self);

  if ((fd = _strata_file_open_regular (AT_FDCWD, path, STRATA_READ_FOLLOW_SYMLINKS,
                                      &info)) >= 0)
    {
      fresh = read_opened (self, g_steal_pointer (&path), fd, &info, &local_error);
      saved_errno = errno;
      close (fd);
    }
  else
    saved_errno = errno;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (fresh == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot read the revision file: %s"),
                   strata_revision_get_display_path (self),
                   saved_errno == EINVAL ? _("not a regular file") : g_strerror (saved_errno));
      return NULL;
    }
  if (!same_place_in_graph (self, fresh))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: the file’s header changed while the run was being planned; "
                     "nothing was done, run the command again"),
                   strata_revision_get_display_path (self));
      return NULL;
    }
  if (self->file != NULL)
    fresh->file = g_object_ref (self->file);
  return g_steal_pointer (&fresh);
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
append_section (GString        *out,
                StrataRevision *self,
                const char     *name,
                Section        *section)
{
  const char *sql = section_sql (self, section);

  g_string_append_printf (out, "-- migrate:%s%s\n", name,
                          section->transactional ? "" : " transaction:false");
  g_string_append (out, sql);
  if (sql[0] != '\0' && !g_str_has_suffix (sql, "\n"))
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
  for (guint i = 0; self->extra_before != NULL && i < self->extra_before->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_before, i));
  g_string_append_printf (out, "-- Revision ID: %s\n", self->id);
  append_list (out, "Revises", (const char * const *)self->down_revisions);
  g_string_append_printf (out, "-- Create Date: %s\n", self->create_date);
  if (self->branch_labels[0] != NULL)
    append_list (out, "Branch Labels", (const char * const *)self->branch_labels);
  if (self->depends_on[0] != NULL)
    append_list (out, "Depends On", (const char * const *)self->depends_on);
  for (guint i = 0; self->extra_after != NULL && i < self->extra_after->len; i++)
    g_string_append_printf (out, "%s\n", (const char *)g_ptr_array_index (self->extra_after, i));
  g_string_append_c (out, '\n');

  append_section (out, self, "upgrade", &self->sections[0]);
  if (!g_str_has_suffix (out->str, "\n\n"))
    g_string_append_c (out, '\n');
  append_section (out, self, "downgrade", &self->sections[1]);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_python_module (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".py");
}

/* A revision read from an Alembic project is its Python module: writing
 * SQL over it would destroy the user's code. */
static gboolean
check_writable (GFile   *file,
                GError **error)
{
  g_autofree char *path = NULL;

  g_assert (G_IS_FILE (file));

  if (!is_python_module (file))
    return TRUE;
  path = g_file_get_parse_name (file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("%s is an Alembic revision (Python), which Strata does not edit; convert "
                 "the project with “strata-cli init NEWDIR --from-alembic DIR” first"),
               path);
  return FALSE;
}

/* Touches nothing but @file and @data, so that it may run on a worker. */
static gboolean
write_data (GFile         *file,
            const char    *data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_assert (G_IS_FILE (file));
  g_assert (data != NULL);

  /* g_file_replace_contents() writes a temporary file and renames it, so a
   * crash while saving never leaves half a revision on disk. */
  if (g_file_replace_contents (file, data, strlen (data), NULL, FALSE,
                               G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    return TRUE;
  path = g_file_get_parse_name (file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("%s: cannot save the revision: %s"), path, local_error->message);
  return FALSE;
}

/* After @data was written to @file: line numbers follow the file as
 * written, and the revision is now that file's. */
static void
adopt_written (StrataRevision *self,
               GFile          *file,
               const char     *data)
{
  g_autoptr(StrataRevision) reread = strata_revision_new_from_data (NULL, data, -1, NULL);

  g_assert (STRATA_IS_REVISION (self));

  if (reread != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
      self->sections[i].line = reread->sections[i].line;
  strata_revision_set_file (self, file);
}

gboolean
strata_revision_save (StrataRevision  *self,
                      GFile           *file,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autofree char *data = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!check_writable (file, error))
    return FALSE;
  data = strata_revision_to_data (self);
  if (!write_data (file, data, cancellable, error))
    return FALSE;
  adopt_written (self, file, data);
  return TRUE;
}

typedef struct
{
  GFile *file;
  char  *data;
} Saving;

static void
saving_free (Saving *saving)
{
  g_clear_object (&saving->file);
  g_clear_pointer (&saving->data, g_free);
  g_free (saving);
}

static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Saving *saving = task_data;
  GError *error = NULL;

  if (write_data (saving->file, saving->data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
strata_revision_save_async (StrataRevision      *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Saving *saving;

  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_revision_save_async);
  if (!check_writable (file, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The worker is handed the file's text, rendered here: the revision
   * itself is only touched on this thread, by the _finish. */
  saving = g_new0 (Saving, 1);
  saving->file = g_object_ref (file);
  saving->data = strata_revision_to_data (self);
  g_task_set_task_data (task, saving, (GDestroyNotify)saving_free);
  g_task_run_in_thread (task, save_worker);
}

gboolean
strata_revision_save_finish (StrataRevision  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  Saving *saving;

  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  saving = g_task_get_task_data (G_TASK (result));
  adopt_written (self, saving->file, saving->data);
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
  take_text (self, &self->id, g_strdup (id));
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
  take_text (self, &self->message, g_strdup (message));
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
  take_text (self, &self->create_date, g_strdup (create_date != NULL ? create_date : ""));
}

static void
replace_strv (StrataRevision     *self,
              GStrv              *field,
              const char * const *values)
{
  take_list (self, field, g_strdupv ((char **)(values != NULL ? values : empty_strv)));
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
  replace_strv (self, &self->down_revisions, ids);
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
  replace_strv (self, &self->branch_labels, labels);
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
  replace_strv (self, &self->depends_on, ids);
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
  return section_sql (self, get_section (self, direction));
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
  take_text (self, &section->sql, g_strdup (sql != NULL ? sql : ""));
  section->in_file = FALSE;
  g_clear_pointer (&section->checksum, g_free);
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

  /* A big file's is taken as its section is read, by a run or here. */
  if (get_section (self, direction)->in_file)
    {
      Section *section = get_section (self, direction);

      if (g_atomic_pointer_get (&section->checksum) == NULL)
        read_section (self, section, NULL);
      return g_strdup (g_atomic_pointer_get (&section->checksum));
    }
  sql = section_sql (self, get_section (self, direction));
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, sql, -1);
}

GFile *
strata_revision_get_file (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), NULL);

  /* A loaded graph is read from several threads. */
  if (self->path != NULL && g_once_init_enter (&self->file))
    g_once_init_leave (&self->file, g_file_new_for_path (self->path));
  return self->file;
}

void
strata_revision_set_file (StrataRevision *self,
                          GFile          *file)
{
  g_return_if_fail (STRATA_IS_REVISION (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_set_object (&self->file, file);
  g_clear_pointer (&self->path, g_free);
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

static gboolean
first_statement_cb (const StrataSqlCursor *statement,
                    gpointer               data)
{
  *(gboolean *)data = TRUE;
  return FALSE;
}

/* Read up to the first statement only: a big file's upgrade is not read whole. */
static gboolean
has_statements (StrataRevision  *self,
                StrataDirection  direction)
{
  g_auto(StrataSectionFailure) failure = { 0 };
  StrataSection section;
  gboolean found = FALSE;

  _strata_section_init (&section, self, direction);
  /* A file that cannot be read again fails the run with a message of its own. */
  if (!_strata_section_foreach (&section, first_statement_cb, &found, &failure))
    return TRUE;
  return found;
}

static gboolean
has_marker_line (const char *sql)
{
  g_auto(GStrv) lines = g_strsplit (sql != NULL ? sql : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_equal (g_strstrip (lines[i]), STRATA_NO_DOWNGRADE_MARKER))
      return TRUE;
  return FALSE;
}

gboolean
_strata_revision_lacks_downgrade (StrataRevision *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);

  if (strata_revision_is_merge (self) || has_statements (self, STRATA_DIRECTION_DOWNGRADE) ||
      !has_statements (self, STRATA_DIRECTION_UPGRADE))
    return FALSE;
  return !has_marker_line (strata_revision_get_sql (self, STRATA_DIRECTION_DOWNGRADE));
}

gboolean
_strata_revision_check_downgrade (StrataRevision  *self,
                                  GError         **error)
{
  g_return_val_if_fail (STRATA_IS_REVISION (self), FALSE);

  if (!_strata_revision_lacks_downgrade (self))
    return TRUE;
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
               _("%s:%u: revision %s has no downgrade: its upgrade would stay in the "
                 "database. Write the SQL that undoes it, or, if it cannot be undone on "
                 "purpose, put the line “%s” in its downgrade section"),
               strata_revision_get_display_path (self),
               MAX (1, strata_revision_get_sql_line (self, STRATA_DIRECTION_DOWNGRADE)),
               strata_revision_get_id (self), STRATA_NO_DOWNGRADE_MARKER);
  return FALSE;
}
