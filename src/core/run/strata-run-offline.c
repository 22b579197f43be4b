/* strata-run-offline.c: a run written as a SQL script instead (--sql)
 *
 * The script plans as the live run does (strata-run-load.c), refuses what it
 * would refuse, and writes the same bookkeeping: the version table's rows and
 * strata_history's, described once in strata-run-history.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-error.h"
#include "strata-revision.h"
#include "strata-run-private.h"
#include "strata-sql.h"
#include "strata-status-private.h"
#include "strata-step.h"

static void
append_section (GString         *script,
                StrataRevision  *revision,
                StrataDirection  direction)
{
  g_autoptr(GPtrArray) statements = NULL;
  g_autofree char *sql = g_strdup (strata_revision_get_sql (revision, direction));

  g_strstrip (sql);
  if (sql[0] == '\0')
    return;
  g_string_append (script, sql);
  /* A last statement without its ";" runs live, and must in a script too. */
  statements = strata_sql_split (sql);
  if (statements->len > 0)
    {
      StrataStatement *last = g_ptr_array_index (statements, statements->len - 1);
      if (!g_str_has_suffix (last->text, ";"))
        g_string_append_c (script, ';');
    }
  g_string_append_c (script, '\n');
}

static void
append_bookkeeping (StrataRun  *run,
                    GString    *script,
                    StrataStep *step,
                    gboolean    first)
{
  const char *version_table = run->request->version_table;
  g_autoptr(GPtrArray) version_sql = strata_step_get_version_sql (step, version_table);

  if (first)
    {
      g_autofree char *create = _strata_version_table_create_sql (run->request->version_table);
      g_string_append_printf (script, "%s\n%s\n", create, _strata_history_create_sql ());
    }
  for (guint i = 0; i < version_sql->len; i++)
    g_string_append_printf (script, "%s\n", (const char *)g_ptr_array_index (version_sql, i));
  _strata_run_append_history (run, script, step);
  g_string_append (script, "PRAGMA foreign_key_check;\nCOMMIT;\n\n");
}

static void
append_step (StrataRun  *run,
             GString    *script,
             StrataStep *step,
             gboolean    first)
{
  g_autofree char *description = strata_step_describe (step);
  StrataDirection direction = strata_step_get_direction (step);
  StrataRevision *revision = direction == STRATA_DIRECTION_STAMP
                             ? NULL : strata_step_get_revision (step);
  gboolean transactional = revision == NULL ||
                           strata_revision_get_transactional (revision, direction);

  g_string_append_printf (script, "-- %s\n", description);
  if (!transactional)
    append_section (script, revision, direction);
  g_string_append (script, "BEGIN IMMEDIATE;\n");
  if (transactional && revision != NULL)
    {
      if (first)
        {
          /* The tables come first, in the same transaction, as in a live run. */
          g_autofree char *create = _strata_version_table_create_sql (run->request->version_table);
          g_string_append_printf (script, "%s\n%s\n", create, _strata_history_create_sql ());
          first = FALSE;
        }
      append_section (script, revision, direction);
    }
  append_bookkeeping (run, script, step, first);
}

/* The script refuses what a live run would refuse, before writing a line. */
static gboolean
check_sections (StrataRun  *run,
                GError    **error)
{
  for (guint i = 0; i < run->steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (run->steps, i);
      g_auto(StrataSectionFailure) failure = { 0 };
      StrataRunSection section;

      _strata_run_section_init (&section, step);
      if (section.revision != NULL && !_strata_section_check (&section.sql, &failure))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL, "%s:%u: %s",
                       strata_revision_get_display_path (section.revision), failure.line,
                       failure.message);
          return FALSE;
        }
    }
  return TRUE;
}

char *
_strata_migration_render (_StrataRunRequest  *request,
                          GCancellable       *cancellable,
                          GError            **error)
{
  StrataRun run = { request, request->migration, cancellable };
  g_autoptr(GString) script = NULL;
  g_autofree char *db_name = NULL;
  g_autofree char *path = g_file_get_path (request->database_file);
  gboolean creates_tables;

  run.lock_path = g_strconcat (path != NULL ? path : "", "-strata.lock", NULL);

  if (!_strata_run_load_and_plan (&run, TRUE, error) || !check_sections (&run, error))
    {
      _strata_run_clear (&run);
      return NULL;
    }

  db_name = g_file_get_parse_name (request->database_file);
  script = g_string_new (NULL);
  g_string_append_printf (script, "-- Strata: %s %s on %s\n",
                          strata_direction_to_string (request->direction), request->target,
                          db_name);
  if (run.steps->len > 0)
    g_string_append (script, "PRAGMA foreign_keys = OFF;\n\n");
  /* Like Alembic, the script creates the tables when it starts from base,
   * or when the database it read has none of Strata's history yet. */
  creates_tables = run.heads->len == 0 || (run.database != NULL && !run.history_exists);
  for (guint i = 0; i < run.steps->len; i++)
    append_step (&run, script, g_ptr_array_index (run.steps, i), i == 0 && creates_tables);

  _strata_run_clear (&run);
  return g_string_free (g_steal_pointer (&script), FALSE);
}
