/* strata-revision-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "strata-error.h"
#include "strata-file-private.h"
#include "strata-revision-source-private.h"

void
_strata_section_digest_init (StrataSectionDigest *digest)
{
  g_return_if_fail (digest != NULL);

  digest->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  digest->pending_cr = FALSE;
}

void
_strata_section_digest_clear (StrataSectionDigest *digest)
{
  g_clear_pointer (&digest->checksum, g_checksum_free);
  digest->pending_cr = FALSE;
}

/* Text of the section, into the checksum and (when there is one) @out. */
static void
emit (StrataSectionDigest  *digest,
      const char           *text,
      gsize                 length,
      char                **out,
      gsize                *written)
{
  g_checksum_update (digest->checksum, (const guchar *)text, length);
  if (*out != NULL)
    {
      memcpy (*out, text, length);
      *out += length;
    }
  *written += length;
}

/* Drops each '\r' followed by '\n' (as the revision parser does when it
 * copies a section), holding a '\r' at the end of a piece until the next
 * piece says what follows it. */
gsize
_strata_section_digest_feed (StrataSectionDigest *digest,
                             const char          *data,
                             gsize                length,
                             char                *out)
{
  const char *end = data + length;
  gsize written = 0;

  g_return_val_if_fail (digest != NULL && digest->checksum != NULL, 0);

  if (length == 0)
    return 0;
  if (digest->pending_cr && data[0] != '\n')
    emit (digest, "\r", 1, &out, &written);
  digest->pending_cr = FALSE;
  for (const char *p = data; p < end; )
    {
      const char *cr = memchr (p, '\r', end - p);

      emit (digest, p, (cr != NULL ? cr : end) - p, &out, &written);
      if (cr == NULL)
        break;
      if (cr + 1 == end)
        digest->pending_cr = TRUE;
      else if (cr[1] != '\n')
        emit (digest, "\r", 1, &out, &written);
      p = cr + 1;
    }
  return written;
}

char *
_strata_section_digest_finish (StrataSectionDigest *digest)
{
  char *hex;

  g_return_val_if_fail (digest != NULL && digest->checksum != NULL, NULL);

  /* A '\r' that ends the section is dropped too. */
  hex = g_strdup (g_checksum_get_string (digest->checksum));
  _strata_section_digest_clear (digest);
  return hex;
}

struct _StrataRevisionSource
{
  int                  fd;
  goffset              position;
  goffset              end;
  char                *checksum;
  char                *raw;
  gsize                raw_size;
  StrataSectionDigest  digest;
};

void
_strata_revision_source_free (StrataRevisionSource *source)
{
  if (source == NULL)
    return;
  if (source->fd >= 0)
    close (source->fd);
  _strata_section_digest_clear (&source->digest);
  g_free (source->checksum);
  g_free (source->raw);
  g_free (source);
}

StrataRevisionSource *
_strata_revision_source_open (const char  *path,
                              goffset      start,
                              goffset      end,
                              const char  *checksum,
                              GError     **error)
{
  g_autoptr(StrataRevisionSource) source = g_new0 (StrataRevisionSource, 1);
  struct stat info;

  g_return_val_if_fail (path != NULL && checksum != NULL, NULL);

  if ((source->fd = _strata_file_open_regular (AT_FDCWD, path, STRATA_READ_FOLLOW_SYMLINKS,
                                               &info)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("the revision file cannot be read again: %s"), g_strerror (saved_errno));
      return NULL;
    }
  source->position = start;
  source->end = end;
  source->checksum = g_strdup (checksum);
  _strata_section_digest_init (&source->digest);
  return g_steal_pointer (&source);
}

static void
set_changed_error (GError **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
               _("the revision file changed on disk while it was being run, so what ran is "
                 "not what was read; run the command again"));
}

/* The next piece of the file, at most @want bytes; -1 with @error set. */
static gssize
read_piece (StrataRevisionSource  *source,
            gsize                  want,
            GError               **error)
{
  gssize n;

  if (source->raw_size < want)
    {
      g_free (source->raw);
      source->raw = g_malloc (source->raw_size = want);
    }
  do
    n = pread (source->fd, source->raw, want, source->position);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("the revision file cannot be read again: %s"), g_strerror (saved_errno));
      return -1;
    }
  /* Shorter than it was, or with a NUL byte it did not hold: not the text
   * that was read, and the cursor must never see a NUL. */
  if (n == 0 || memchr (source->raw, '\0', n) != NULL)
    {
      set_changed_error (error);
      return -1;
    }
  source->position += n;
  return n;
}

gssize
_strata_revision_source_read (gpointer   data,
                              char      *buffer,
                              gsize      size,
                              GError   **error)
{
  StrataRevisionSource *source = data;
  gsize written = 0;

  g_return_val_if_fail (source != NULL && size > 1, -1);

  /* A piece that is a lone '\r' gives nothing yet: read on, since 0 means
   * the end. One byte more may come out than goes in: a '\r' held back. */
  while (written == 0 && source->position < source->end)
    {
      gsize want = MIN (size - 1, (gsize)(source->end - source->position));
      gssize n = read_piece (source, want, error);

      if (n < 0)
        return -1;
      written = _strata_section_digest_feed (&source->digest, source->raw, n, buffer);
    }
  return written;
}

gboolean
_strata_revision_source_verify (StrataRevisionSource  *source,
                                GError               **error)
{
  g_autofree char *checksum = NULL;

  g_return_val_if_fail (source != NULL, FALSE);

  if (source->position != source->end || source->digest.checksum == NULL)
    {
      set_changed_error (error);
      return FALSE;
    }
  checksum = _strata_section_digest_finish (&source->digest);
  if (g_strcmp0 (checksum, source->checksum) == 0)
    return TRUE;
  set_changed_error (error);
  return FALSE;
}
