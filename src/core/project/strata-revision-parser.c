/* strata-revision-parser.c
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
#include "strata-revision-parser-private.h"
#include "strata-revision-private.h"
#include "strata-section-private.h"

/* Compared with a missing list, as the empty list. */
static const char *empty_strv[] = { NULL };

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
  if (!(items = _strata_revision_header_alloc (self, (max_items + 1) * sizeof (char *),
                                               sizeof (char *))))
    items = g_new (char *, max_items + 1);
  while (p < end)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *item_end = comma != NULL ? comma : end;
      const char *start = skip_space (p, item_end);
      const char *stop = trim_space_end (start, item_end);

      if (stop > start)
        items[n++] = _strata_revision_header_strndup (self, start, stop - start);
      p = comma != NULL ? comma + 1 : end;
    }
  items[n] = NULL;
  return items;
}

/* Words of the target syntax: a revision so named could never be asked for,
 * and "base" would read as no revision at all. */
static const char *reserved_ids[] = { "base", "head", "heads", "current" };

/* The id becomes part of a file name and a row of the version table: no
 * slash, nothing a shell or a path could read otherwise. A dot, as Alembic
 * users write "v1.0", but not first (a hidden file). */
static gboolean
id_is_valid (const char *id)
{
  if (id[0] == '\0' || id[0] == '.' || strlen (id) > MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
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
               _("%s“%s” is not a revision id: an id is 1 to %d letters, digits, “_”, “-” or "
                 "“.” (not first), and not “base”, “head”, “heads” or “current”; use one such "
                 "as “%s”"),
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
  _strata_revision_take_list (self, field, split_list (self, value, end));
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
      _strata_revision_take_text (self, &self->id,
                                  _strata_revision_header_strndup (self, value, end - value));
      if (!id_is_valid (self->id))
        {
          g_autofree char *where = g_strdup_printf ("%s:%u: ", parser->path, line);
          return _strata_revision_check_id (self->id, where, error);
        }
      parser->seen_id = TRUE;
      return TRUE;
    case KEY_CREATE_DATE:
      _strata_revision_take_text (self, &self->create_date,
                                  _strata_revision_header_strndup (self, value, end - value));
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

static void
finish_section (Parser     *parser,
                const char *end)
{
  Section *section;

  if (parser->current < 0)
    return;
  section = &parser->revision->sections[parser->current];
  _strata_revision_take_text (parser->revision, &section->sql, NULL);
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
    joined = _strata_revision_header_strndup (self, comment, end - comment);
  else
    joined = g_strdup_printf ("%s\n%.*s", self->message, (int)(end - comment), comment);
  _strata_revision_take_text (self, &self->message, joined);
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

  _strata_revision_add_extra_line (parser->seen_key ? &self->extra_after : &self->extra_before,
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

  /* Files written on Windows keep working: their line ends, and the
   * byte-order mark some editors put first ("UTF-8 with BOM"). */
  if (line == 1 && line_end - text >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    text += 3;
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

