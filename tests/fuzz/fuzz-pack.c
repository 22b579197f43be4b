/* fuzz-pack.c: libFuzzer target for the revision cache's reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <strata.h>

#include "strata-revision-pack-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* The seed corpus's packs were written for this folder. */
#define FOLDER "/fuzz/versions"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(StrataRevisionPack) pack = NULL;
  guint8 *sealed = g_memdup2 (data, size);

  /* A pack's checksum refuses nearly every input at once: give each its
   * right checksum, so that the parser behind it is what gets fuzzed. */
  _strata_revision_pack_seal (sealed, size);
  bytes = g_bytes_new_take (sealed, size);
  pack = _strata_revision_pack_new_for_bytes (bytes, FOLDER);

  if (pack == NULL)
    return 0;

  /* Whatever a pack that reads says about an entry, looking it up under its
   * own stamp gives its contents, within the input; any other stamp gives
   * nothing. */
  for (guint i = 0; i < _strata_revision_pack_get_size (pack); i++)
    {
      StrataFileStamp stamp;
      const char *name = _strata_revision_pack_get_entry (pack, i, &stamp);
      g_autoptr(GBytes) contents = _strata_revision_pack_lookup (pack, name, &stamp);
      g_autoptr(GBytes) other = NULL;
      gsize length = 0;
      const guint8 *found;

      g_assert (name[0] != '\0' && strchr (name, '/') == NULL);
      g_assert (contents != NULL);
      found = g_bytes_get_data (contents, &length);
      g_assert (length == (gsize)stamp.size);
      g_assert (length == 0 || (found >= (const guint8 *)g_bytes_get_data (bytes, NULL) &&
                                found + length <= (const guint8 *)g_bytes_get_data (bytes, NULL) + size));

      stamp.ctime_nsec ^= 1;
      other = _strata_revision_pack_lookup (pack, name, &stamp);
      g_assert (other == NULL);
    }
  return 0;
}
