/* fuzz-revision.c: libFuzzer target for the revision-file parser
 *
 * Any bytes either parse into a revision that writes back and parses again
 * to the same fields, or give a STRATA_ERROR_PARSE error; never a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <strata.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(StrataRevision) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;

  revision = strata_revision_new_from_data ("versions/fuzz.sql", (const char *)data,
                                            (gssize)size, &error);
  if (revision == NULL)
    {
      g_assert (error != NULL && error->domain == STRATA_ERROR);
      return 0;
    }

  /* What was read writes back, and reads again as the same revision. */
  written = strata_revision_to_data (revision);
  again = strata_revision_new_from_data ("versions/fuzz.sql", written, -1, &error);
  g_assert (again != NULL);
  g_assert (g_strcmp0 (strata_revision_get_id (revision), strata_revision_get_id (again)) == 0);
  g_assert (g_strv_equal ((const char * const *)strata_revision_get_down_revisions (revision),
                          (const char * const *)strata_revision_get_down_revisions (again)));
  return 0;
}
