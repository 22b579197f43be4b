/* strata-revision-source-private.h: one section of a big revision file, read
 * again from the file a piece at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The checksum of a section as strata_revision_get_checksum() gives it: of
 * its text without the '\r' of Windows line ends, fed in pieces of any size. */
typedef struct
{
  GChecksum *checksum;
  gboolean   pending_cr;  /* the last piece ended with a '\r' */
} StrataSectionDigest;

void      _strata_section_digest_init    (StrataSectionDigest *digest);
/* Feeds @length bytes of the section as the file holds them; when @out is
 * not NULL, writes there the text they give (at most @length + 1 bytes) and
 * returns its length. */
gsize     _strata_section_digest_feed    (StrataSectionDigest *digest,
                                          const char          *data,
                                          gsize                length,
                                          char                *out);
/* The checksum in hexadecimal; the digest is then cleared. */
char     *_strata_section_digest_finish  (StrataSectionDigest *digest);
void      _strata_section_digest_clear   (StrataSectionDigest *digest);

/* A section of a revision file, read from the file for this run: the run
 * never holds a big section whole. What it reads is checked against the
 * checksum taken when the file was read for the run, so a file changed
 * since is never mistaken for the one that was read. */
typedef struct _StrataRevisionSource StrataRevisionSource;

StrataRevisionSource *_strata_revision_source_open   (const char            *path,
                                                      goffset                start,
                                                      goffset                end,
                                                      const char            *checksum,
                                                      GError               **error);
/* A StrataSqlCursorFill: the section's next text, at most @size bytes
 * (without the '\r' of line ends); 0 at its end, -1 with @error set. */
gssize    _strata_revision_source_read   (gpointer               source,
                                          char                  *buffer,
                                          gsize                  size,
                                          GError               **error);
/* Once read to its end: FALSE with @error set when what was read is not
 * what the file held when it was read for the run. */
gboolean  _strata_revision_source_verify (StrataRevisionSource  *source,
                                          GError               **error);
void      _strata_revision_source_free   (StrataRevisionSource  *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRevisionSource, _strata_revision_source_free)

G_END_DECLS
