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
#include "strata-revision.h"
#include "strata-schema-replay.h"
#include "strata-schema-snapshot.h"
#include "strata-schema-snapshot-private.h"
#include "strata-section-private.h"
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

/* Replaying a section ------------------------------------------------------------ */

typedef struct
{
  sqlite3              *db;
  StrataDatabase       *scratch;
  StrataSchemaSnapshot *live;
  GArray               *lines;   /* of each statement reached */
  GArray               *matches; /* after 0, 1, … statements: does the schema equal @live? */
} Replay;

static void
compare_with_live (Replay *replay)
{
  g_autoptr(StrataSchemaSnapshot) now = strata_schema_snapshot_read (replay->scratch, NULL, NULL);
  gboolean same = now != NULL && strata_schema_snapshot_equal (now, replay->live);

  g_array_append_val (replay->matches, same);
}

static gboolean
statement_finished_cb (const StrataSqlCursor      *statement,
                       const StrataSectionFailure *failure,
                       gpointer                    data)
{
  Replay *replay = data;

  g_array_append_val (replay->lines, statement->line);
  /* SQLite cannot even read it: the statements after it never ran. A
   * statement that ran and failed may still have been the last one. */
  if (failure != NULL && failure->outcome == STRATA_SECTION_UNREADABLE)
    return FALSE;
  compare_with_live (replay);
  return TRUE;
}

/* After a transaction:false section failed half-way: replays @revision's
 * @direction section statement by statement on a scratch database holding
 * the schema @before, and finds after which statement the scratch schema
 * equals @live. Returns the number of statements that took effect (0 when
 * none did), or -1 when @live matches no point of the section (someone else
 * changed the schema). Where several points match (statements that change
 * only rows), @expected wins when it is one of them. @n_statements is set to
 * the section's count, and @lines (may be NULL) to each statement's line in
 * the file. */
static int
locate (StrataSchemaSnapshot  *before,
        StrataSchemaSnapshot  *live,
        StrataRevision        *revision,
        StrataDirection        direction,
        guint                  expected,
        guint                 *n_statements,
        GArray               **lines)
{
  g_autoptr(StrataDatabase) scratch = NULL;
  g_autoptr(GArray) found_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autofree char *schema = strata_schema_snapshot_to_sql (before);
  g_auto(StrataSectionFailure) failure = { 0 };
  Replay replay = { NULL, NULL, live, found_lines, matches };
  StrataSectionHooks hooks = { NULL, NULL, statement_finished_cb, &replay };
  StrataSection section;
  int match = -1;

  /* The scratch copy holds the schema without the rows: which statements
   * took effect shows in the schema, and rows are not needed for that. */
  *n_statements = 0;
  if (!(scratch = strata_database_open_memory (NULL)) ||
      !strata_database_exec (scratch, schema, NULL))
    return -1;
  replay.scratch = scratch;
  compare_with_live (&replay);
  _strata_section_init (&section, revision, direction);
  /* What ran is replayed as it ran, outside any transaction. */
  section.transactional = FALSE;
  _strata_section_apply (&section, strata_database_get_handle (scratch), &hooks, &failure);

  /* Statements that change only rows leave the schema alone, so several
   * points may match; the one the run itself reached is preferred. */
  if (expected < matches->len && g_array_index (matches, gboolean, expected))
    match = (int)expected;
  for (guint i = 0; match < 0 && i < matches->len; i++)
    if (g_array_index (matches, gboolean, i))
      match = (int)i;
  *n_statements = found_lines->len;
  if (lines != NULL)
    *lines = g_steal_pointer (&found_lines);
  return match;
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

/* The schema @step starts from by its revisions (schema only, replayed),
 * with the tables of @before that no revision makes (the version table,
 * strata_history), which the live schema holds too. NULL when it cannot be
 * made. */
static StrataSchemaSnapshot *
schema_by_revisions (StrataRevisionGraph  *graph,
                     StrataStep           *step,
                     StrataSchemaSnapshot *before)
{
  StrataRevision *revision = strata_step_get_revision (step);
  const char *own[] = { strata_revision_get_id (revision), NULL };
  const char * const *parents = strata_step_get_direction (step) == STRATA_DIRECTION_UPGRADE
                                ? strata_revision_get_down_revisions (revision)
                                : own;
  g_autoptr(StrataSchemaReplay) replay = strata_schema_replay_new (graph);
  g_autoptr(StrataDatabase) scratch = strata_schema_replay_open (replay, parents, NULL, NULL);
  g_autoptr(StrataSchemaSnapshot) replayed = NULL;
  GPtrArray *entries = _strata_schema_snapshot_get_entries (before);

  if (scratch == NULL || !(replayed = strata_schema_snapshot_read (scratch, NULL, NULL)))
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      const char *name = entry->kind == STRATA_SCHEMA_KIND_TABLE ? entry->name : entry->table;

      if (name != NULL && (g_str_has_prefix (name, STRATA_HISTORY_TABLE) ||
                           g_str_equal (name, "alembic_version")) &&
          _strata_schema_snapshot_lookup (replayed, entry->kind, entry->name) == NULL)
        strata_database_exec (scratch, entry->sql, NULL);
    }
  return strata_schema_snapshot_read (scratch, NULL, NULL);
}

/* None of the section's statements took effect in this run, and the first
 * failed: an earlier run that stopped half-way may have left the rest. What
 * to say then, or NULL. */
static char *
describe_earlier_run (StrataRevisionGraph  *graph,
                      StrataStep           *step,
                      StrataSchemaSnapshot *before,
                      StrataSchemaSnapshot *live,
                      const char           *from,
                      const char           *to)
{
  g_autoptr(StrataSchemaSnapshot) start = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *done = NULL;
  guint n_statements = 0;
  int took;

  if (graph == NULL || !(start = schema_by_revisions (graph, step, before)) ||
      (took = locate (start, live, strata_step_get_revision (step), strata_step_get_direction (step),
                      G_MAXUINT, &n_statements, &lines)) <= 0)
    return NULL;
  done = describe_lines (lines, 0, took);
  if ((guint)took < n_statements)
    {
      guint next = g_array_index (lines, guint, took);

      return g_strdup_printf (_("; none of its statements took effect in this run, but the "
                                "schema already held what lines %s make: an earlier run of the "
                                "section stopped there (compared with a rehearsal of the section "
                                "on the schema its revisions give %s), so the database is "
                                "between %s and %s; finish the section by hand from line %u and "
                                "run “strata-cli stamp %s”, or undo lines %s and run the "
                                "command again"),
                              done, from, from, to, next, to, done);
    }
  return g_strdup_printf (_("; none of its statements took effect in this run, but the schema "
                            "already held what all of them make: an earlier run of the section "
                            "finished it without recording it; run “strata-cli stamp %s”"), to);
}

void
_strata_migration_diagnose_partial (StrataDatabase       *database,
                                    StrataSchemaSnapshot *before,
                                    StrataRevisionGraph  *graph,
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
  took = locate (before, live, revision, direction, G_MAXUINT, &n_statements, &lines);
  expected = failed_line > 0 ? index_of_line (lines, failed_line) : n_statements;
  took = locate (before, live, revision, direction, expected, &n_statements, NULL);

  if (took < 0)
    text = g_strdup (_("; compared with a rehearsal of the section on the schema from before "
                       "it, the schema now matches no point of the section: something else "
                       "changed it too, so compare it by hand"));
  else if (took == 0 && expected == 0 &&
           (text = describe_earlier_run (graph, step, before, live, from, to)) != NULL)
    ;
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
