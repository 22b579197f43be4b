/* strata-revision-source-private.h: one section of a big revision file, read
 * again from the file a piece at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a section's text is known by while it is read in pieces of any
 * size, without the '\r' of Windows line ends (as the parser copies it):
 * its fingerprint, a fast 64-bit hash that tells whether the file was
 * changed between two readings, and when asked its SHA-256 checksum, as
 * strata_revision_get_checksum() gives it. Hashing 50 MB with SHA-256
 * takes longer than SQLite takes to parse it, so the run takes it once. */
typedef struct
{
  guint64    fingerprint;
  guint64    length;
  guint8     tail[8];     /* bytes not yet a whole word of the fingerprint */
  guint      n_tail;
  GChecksum *checksum;    /* NULL when not asked for */
  gboolean   pending_cr;  /* the last piece ended with a '\r' */
} StrataSectionDigest;

void      _strata_section_digest_init    (StrataSectionDigest *digest,
                                          gboolean             checksum);
/* Feeds @length bytes of the section as the file holds them; when @out is
 * not NULL, writes there the text they give (at most @length + 1 bytes) and
 * returns its length. */
gsize     _strata_section_digest_feed    (StrataSectionDigest *digest,
                                          const char          *data,
                                          gsize                length,
                                          char                *out);
/* The fingerprint, and in @checksum (if asked for at init, else NULL) the
 * checksum in hexadecimal; the digest is then cleared. */
guint64   _strata_section_digest_finish  (StrataSectionDigest *digest,
                                          char               **checksum);
void      _strata_section_digest_clear   (StrataSectionDigest *digest);

/* A section of a revision file, read from the file for this run: the run
 * never holds a big section whole. What it reads is checked against the
 * fingerprint taken when the file was read for the run, so a file changed
 * since is never mistaken for the one that was read. */
typedef struct _StrataRevisionSource StrataRevisionSource;

StrataRevisionSource *_strata_revision_source_open   (const char            *path,
                                                      goffset                start,
                                                      goffset                end,
                                                      guint64                fingerprint,
                                                      gboolean               checksum,
                                                      GError               **error);
/* A StrataSqlCursorFill: the section's next text, at most @size bytes
 * (without the '\r' of line ends); 0 at its end, -1 with @error set. */
gssize    _strata_revision_source_read   (gpointer               source,
                                          char                  *buffer,
                                          gsize                  size,
                                          GError               **error);
/* Once read to its end: FALSE with @error set when what was read is not
 * what the file held when it was read for the run. Else TRUE, with the
 * text's checksum in @checksum when it was asked for at open (may be NULL). */
gboolean  _strata_revision_source_verify (StrataRevisionSource  *source,
                                          char                 **checksum,
                                          GError               **error);
void      _strata_revision_source_free   (StrataRevisionSource  *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRevisionSource, _strata_revision_source_free)

G_END_DECLS
