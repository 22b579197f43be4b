/* fuzz-alembic-revision.c: libFuzzer target for the static reader of Alembic
 * revision modules
 *
 * Any bytes either read as a revision, which writes out as a Strata revision
 * that parses again to the same id, parents, labels, dependencies and
 * message (what init --from-alembic writes), or give a STRATA_ERROR_PARSE
 * error; never a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <strata.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static gboolean
same_strv (const char * const *a,
           const char * const *b)
{
  return g_strv_equal (a != NULL ? a : (const char * const[]) { NULL },
                       b != NULL ? b : (const char * const[]) { NULL });
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(StrataRevision) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_strndup ((const char *)data, size);
  g_autofree char *written = NULL;

  revision = strata_alembic_project_read_revision ("versions/fuzz.py", source, &error);
  if (revision == NULL)
    {
      g_assert (error != NULL && error->domain == STRATA_ERROR);
      return 0;
    }

  written = strata_revision_to_data (revision);
  again = strata_revision_new_from_data ("versions/fuzz.sql", written, -1, &error);
  if (again == NULL)
    g_error ("written back, it does not parse: %s\n%s", error->message, written);
  g_assert (g_strcmp0 (strata_revision_get_id (revision), strata_revision_get_id (again)) == 0);
  g_assert (same_strv (strata_revision_get_down_revisions (revision),
                       strata_revision_get_down_revisions (again)));
  g_assert (same_strv (strata_revision_get_branch_labels (revision),
                       strata_revision_get_branch_labels (again)));
  g_assert (same_strv (strata_revision_get_depends_on (revision),
                       strata_revision_get_depends_on (again)));
  if (g_strcmp0 (strata_revision_get_message (revision), strata_revision_get_message (again)) != 0)
    g_error ("the message “%s” reads back as “%s”", strata_revision_get_message (revision),
             strata_revision_get_message (again));
  return 0;
}
