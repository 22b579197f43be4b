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
_strata_section_digest_init (StrataSectionDigest *digest,
                             gboolean             checksum)
{
  g_return_if_fail (digest != NULL);

  memset (digest, 0, sizeof *digest);
  digest->fingerprint = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  if (checksum)
    digest->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

void
_strata_section_digest_clear (StrataSectionDigest *digest)
{
  g_clear_pointer (&digest->checksum, g_checksum_free);
  digest->pending_cr = FALSE;
}

/* A word at a time: a multiply and a shift per eight bytes. */
static inline void
mix (StrataSectionDigest *digest,
     guint64              word)
{
  guint64 h = (digest->fingerprint ^ word) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  digest->fingerprint = h ^ (h >> 29);
}

static void
fingerprint (StrataSectionDigest *digest,
             const char          *text,
             gsize                length)
{
  guint64 word;

  digest->length += length;
  if (digest->n_tail > 0)
    {
      gsize take = MIN (length, 8 - digest->n_tail);

      memcpy (digest->tail + digest->n_tail, text, take);
      digest->n_tail += take;
      text += take;
      length -= take;
      if (digest->n_tail < 8)
        return;
      memcpy (&word, digest->tail, 8);
      mix (digest, word);
      digest->n_tail = 0;
    }
  for (; length >= 8; text += 8, length -= 8)
    {
      memcpy (&word, text, 8);
      mix (digest, word);
    }
  memcpy (digest->tail, text, length);
  digest->n_tail = length;
}

/* Text of the section, into the checksum and (when there is one) @out. */
static void
emit (StrataSectionDigest  *digest,
      const char           *text,
      gsize                 length,
      char                **out,
      gsize                *written)
{
  fingerprint (digest, text, length);
  if (digest->checksum != NULL)
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

  g_return_val_if_fail (digest != NULL, 0);

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

guint64
_strata_section_digest_finish (StrataSectionDigest  *digest,
                               char                **checksum)
{
  guint64 word = 0;

  g_return_val_if_fail (digest != NULL, 0);

  /* A '\r' that ends the section is dropped, as the parser drops it. */
  memcpy (&word, digest->tail, digest->n_tail);
  mix (digest, word);
  mix (digest, digest->length);
  if (checksum != NULL)
    *checksum = digest->checksum != NULL ? g_strdup (g_checksum_get_string (digest->checksum))
                                         : NULL;
  _strata_section_digest_clear (digest);
  return digest->fingerprint;
}

struct _StrataRevisionSource
{
  int                  fd;
  goffset              position;
  goffset              end;
  guint64              fingerprint;
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
  g_free (source->raw);
  g_free (source);
}

StrataRevisionSource *
_strata_revision_source_open (const char  *path,
                              goffset      start,
                              goffset      end,
                              guint64      fingerprint,
                              gboolean     checksum,
                              GError     **error)
{
  g_autoptr(StrataRevisionSource) source = g_new0 (StrataRevisionSource, 1);
  struct stat info;

  g_return_val_if_fail (path != NULL, NULL);

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
  source->fingerprint = fingerprint;
  _strata_section_digest_init (&source->digest, checksum);
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
                                char                 **checksum,
                                GError               **error)
{
  g_autofree char *hex = NULL;

  g_return_val_if_fail (source != NULL, FALSE);

  if (source->position == source->end &&
      _strata_section_digest_finish (&source->digest, &hex) == source->fingerprint)
    {
      if (checksum != NULL)
        *checksum = g_steal_pointer (&hex);
      return TRUE;
    }
  set_changed_error (error);
  return FALSE;
}
