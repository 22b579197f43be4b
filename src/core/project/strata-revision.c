/* strata-revision.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-revision-parser-private.h"
#include "strata-revision-private.h"
#include "strata-revision-source-private.h"
#include "strata-section-private.h"
#include "strata-sql.h"

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

gpointer
_strata_revision_header_alloc (StrataRevision *self,
                               gsize           size,
                               gsize           align)
{
  gsize at = (self->header_used + align - 1) & ~(align - 1);

  if (self->header == NULL || at > HEADER_BLOCK || size > HEADER_BLOCK - at)
    return NULL;
  self->header_used = at + size;
  return self->header + at;
}

char *
_strata_revision_header_strndup (StrataRevision *self,
                                 const char     *text,
                                 gsize           length)
{
  char *copy = _strata_revision_header_alloc (self, length + 1, 1);

  if (copy == NULL)
    return g_strndup (text, length);
  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

void
_strata_revision_take_text (StrataRevision  *self,
                            char           **field,
                            char            *value)
{
  if (*field != empty_text && !in_header (self, *field))
    g_free (*field);
  *field = value;
}

void
_strata_revision_take_list (StrataRevision *self,
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
void
_strata_revision_add_extra_line (GPtrArray **lines,
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

  _strata_revision_take_text (self, &self->id, NULL);
  _strata_revision_take_text (self, &self->message, NULL);
  _strata_revision_take_text (self, &self->create_date, NULL);
  _strata_revision_take_list (self, &self->down_revisions, NULL);
  _strata_revision_take_list (self, &self->branch_labels, NULL);
  _strata_revision_take_list (self, &self->depends_on, NULL);
  g_clear_pointer (&self->extra_before, g_ptr_array_unref);
  g_clear_pointer (&self->extra_after, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    {
      _strata_revision_take_text (self, &self->sections[i].sql, NULL);
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
const char *
_strata_revision_section_sql (StrataRevision *self,
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
  _strata_revision_take_text (self, &self->id, g_strdup (id));
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
  _strata_revision_take_text (self, &self->message, g_strdup (message));
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
  _strata_revision_take_text (self, &self->create_date,
                              g_strdup (create_date != NULL ? create_date : ""));
}

static void
replace_strv (StrataRevision     *self,
              GStrv              *field,
              const char * const *values)
{
  _strata_revision_take_list (self, field,
                              g_strdupv ((char **)(values != NULL ? values : empty_strv)));
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
  return _strata_revision_section_sql (self, get_section (self, direction));
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
  _strata_revision_take_text (self, &section->sql, g_strdup (sql != NULL ? sql : ""));
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
  sql = _strata_revision_section_sql (self, get_section (self, direction));
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
