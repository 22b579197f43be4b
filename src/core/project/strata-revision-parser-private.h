/* strata-revision-parser-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision.h"

G_BEGIN_DECLS

/* The revision's fields, shared by strata-revision.c (the object and its
 * accessors), strata-revision-parser.c (reading its file) and
 * strata-revision-writer.c (saving it). */

/* Alembic's version_num column is VARCHAR(32). */
/* SQLite keeps Alembic's VARCHAR(32) as text of any length, and Alembic writes
 * longer ids there too (a date and a slug): ids are not cut at 32. */
#define MAX_ID_LENGTH 128
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

/* Room for @size bytes at @align in @self's header block, or NULL when it
 * is full. */
gpointer        _strata_revision_header_alloc    (StrataRevision  *self,
                                                  gsize            size,
                                                  gsize            align);
/* A copy of @length bytes of @text, in the header block when it fits. */
char           *_strata_revision_header_strndup  (StrataRevision  *self,
                                                  const char      *text,
                                                  gsize            length);
/* Sets *@field to @value, freeing the old value unless the header block or
 * the shared empty constant holds it. */
void            _strata_revision_take_text       (StrataRevision  *self,
                                                  char           **field,
                                                  char            *value);
/* The same, for a list. */
void            _strata_revision_take_list       (StrataRevision  *self,
                                                  GStrv           *field,
                                                  GStrv            value);
/* Appends @line (taken) to *@lines, made on the first one. */
void            _strata_revision_add_extra_line  (GPtrArray      **lines,
                                                  char            *line);
/* @section's SQL, copied out of the file on first use. */
const char     *_strata_revision_section_sql     (StrataRevision  *self,
                                                  Section         *section);

G_END_DECLS
