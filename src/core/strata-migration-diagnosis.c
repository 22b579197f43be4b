/* strata-migration-diagnosis.c: after a failed step, what the database says
 *
 * A failed step's message names the statement and SQLite's words; these
 * functions add what was checked afterwards, so that nobody has to wonder
 * whether the database is "dirty".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-migration-private.h"
#include "strata-rehearsal-private.h"
#include "strata-revision.h"
#include "strata-schema-snapshot.h"
#include "strata-status-private.h"
#include "strata-step.h"

static void
append (GError     *error,
        const char *text)
{
  char *message = g_strconcat (error->message, text, NULL);

  g_free (error->message);
  error->message = message;
}

static char *
join_heads (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup ("base");
  return g_strjoinv (", ", (char **)heads);
}

/* "the upgrade to r1 at 2024-…", from the newest successful history row. */
static char *
last_success (StrataDatabase *database)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;
  gboolean exists = FALSE;

  if (!_strata_database_table_exists (database, STRATA_HISTORY_TABLE, &exists, NULL) || !exists)
    return NULL;
  if (sqlite3_prepare_v2 (strata_database_get_handle (database),
                          "SELECT direction, to_heads, finished_at FROM " STRATA_HISTORY_TABLE
                          " WHERE outcome = 'success' ORDER BY id DESC LIMIT 1",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *to = (const char *)sqlite3_column_text (stmt, 1);

      /* Translators: "the upgrade to r1 (2024-01-01T10:00:00Z)" */
      text = g_strdup_printf (_("the %s to %s (%s)"),
                              (const char *)sqlite3_column_text (stmt, 0),
                              to != NULL && to[0] != '\0' ? to : "base",
                              (const char *)sqlite3_column_text (stmt, 2));
    }
  sqlite3_finalize (stmt);
  return text;
}

void
_strata_migration_diagnose_rollback (StrataDatabase     *database,
                                     const char         *version_table,
                                     const char * const *expected_heads,
                                     StrataStep         *step,
                                     GError             *error)
{
  g_auto(GStrv) heads = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *expected = join_heads (expected_heads);
  g_autofree char *history = NULL;
  g_autofree char *text = NULL;
  StrataRevision *revision = strata_step_get_revision (step);

  g_return_if_fail (error != NULL);

  /* Read again, after the rollback: what the file says, not what we hoped. */
  if (!(heads = strata_database_read_heads (database, version_table, NULL)))
    return;
  actual = join_heads ((const char * const *)heads);
  history = last_success (database);
  if (g_strcmp0 (actual, expected) != 0)
    text = g_strdup_printf (_("; but the version table now holds %s where %s was expected: "
                              "another process changed it, check with “strata-cli current”"),
                            actual, expected);
  else if (history != NULL)
    text = g_strdup_printf (_(" (checked after the rollback: the version table holds %s and "
                              "the last successful step in %s is %s, so %s changed nothing)"),
                            actual, STRATA_HISTORY_TABLE, history,
                            revision != NULL ? strata_revision_get_id (revision) : "the step");
  else
    text = g_strdup_printf (_(" (checked after the rollback: the version table holds %s and "
                              "%s records no successful step, so %s changed nothing)"),
                            actual, STRATA_HISTORY_TABLE,
                            revision != NULL ? strata_revision_get_id (revision) : "the step");
  append (error, text);
}

static char *
describe_lines (GArray *lines,
                guint   from,
                guint   to)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = from; i < to && i < lines->len; i++)
    g_string_append_printf (text, i > from ? ", %u" : "%u", g_array_index (lines, guint, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
index_of_line (GArray *lines,
               guint   line)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_array_index (lines, guint, i) >= line)
      return i;
  return lines->len;
}

void
_strata_migration_diagnose_partial (StrataDatabase       *database,
                                    StrataSchemaSnapshot *before,
                                    StrataStep           *step,
                                    guint                 failed_line,
                                    const char * const   *heads,
                                    GError               *error)
{
  StrataRevision *revision = strata_step_get_revision (step);
  StrataDirection direction = strata_step_get_direction (step);
  g_autoptr(StrataSchemaSnapshot) live = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *from = join_heads (heads);
  g_autofree char *to = join_heads (strata_step_get_to_heads (step));
  g_autofree char *text = NULL;
  guint n_statements = 0;
  guint expected;
  int took;

  g_return_if_fail (error != NULL);

  if (!(live = strata_schema_snapshot_read (database, NULL, NULL)))
    return;
  took = _strata_rehearsal_locate (before, live, revision, direction, G_MAXUINT, &n_statements,
                                   &lines);
  expected = failed_line > 0 ? index_of_line (lines, failed_line) : n_statements;
  took = _strata_rehearsal_locate (before, live, revision, direction, expected, &n_statements,
                                   NULL);

  if (took < 0)
    text = g_strdup (_("; compared with a rehearsal of the section on the schema from before "
                       "it, the schema now matches no point of the section: something else "
                       "changed it too, so compare it by hand"));
  else if (took == 0)
    text = g_strdup_printf (_("; compared with a rehearsal of the section on the schema from "
                              "before it: none of its statements changed the schema, so the "
                              "database is still at %s; fix the section and run the command "
                              "again"), from);
  else if ((guint)took < n_statements)
    {
      g_autofree char *done = describe_lines (lines, 0, took);
      guint next = g_array_index (lines, guint, took);

      text = g_strdup_printf (_("; compared with a rehearsal of the section on the schema from "
                                "before it: the statements on lines %s took effect and those "
                                "from line %u on did not, so the database is between %s and %s; "
                                "finish the section by hand from line %u and run “strata-cli "
                                "stamp %s”, or undo lines %s and run the command again"),
                              done, next, from, to, next, to, done);
    }
  else
    text = g_strdup_printf (_("; compared with a rehearsal of the section on the schema from "
                              "before it: all %u of its statements took effect, but the version "
                              "table still holds %s; run “strata-cli stamp %s”"),
                            n_statements, from, to);
  append (error, text);
}
