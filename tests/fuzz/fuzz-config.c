/* fuzz-config.c: libFuzzer target for the strata.ini reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <strata.h>

#include "strata-project-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static GFile *directory;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  if (directory == NULL)
    directory = g_file_new_for_path ("/nonexistent/strata-fuzz");

  project = _strata_project_new_for_data (directory, (const char *)data, size, &error);
  if (project == NULL)
    {
      g_assert (error != NULL && error->domain == STRATA_ERROR);
      return 0;
    }
  /* A project that loads has everything a run reads. */
  g_assert (strata_project_get_database_file (project) != NULL);
  g_assert (strata_project_get_versions_directory (project) != NULL);
  g_assert (strata_project_get_backup_directory (project) != NULL);
  g_assert (strata_project_get_version_table (project) != NULL);
  g_assert (strata_project_get_warnings (project) != NULL);
  return 0;
}
