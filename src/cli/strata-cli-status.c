/* strata-cli-status.c: the commands that read the database: current, history, check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

/* The project, the graph completed with the revisions only strata_history
 * knows, and what the database says. */
typedef struct
{
  StrataProject       *project;
  StrataRevisionGraph *disk_graph;
  StrataRevisionGraph *graph;
  StrataStatus        *status;
} Snapshot;

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_object (&snapshot->status);
  g_clear_object (&snapshot->graph);
  g_clear_object (&snapshot->disk_graph);
  g_clear_object (&snapshot->project);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static gboolean
take_snapshot (StrataCli  *cli,
               Snapshot   *snapshot,
               GError    **error)
{
  g_assert (cli != NULL);

  snapshot->project = g_object_ref (cli->project);
  snapshot->disk_graph = g_object_ref (cli->graph);
  if (!(snapshot->status = strata_project_read_status (snapshot->project, NULL, error)))
    return FALSE;

  snapshot->graph = strata_status_complete_graph (snapshot->status, snapshot->disk_graph, error);

  return snapshot->graph != NULL;
}

static char *
database_path (Snapshot *snapshot)
{
  GFile *database = strata_project_get_database_file (snapshot->project);

  return g_file_get_path (database);
}

static gboolean
is_implied (StrataRevisionGraph *graph,
            StrataRevision      *revision,
            GPtrArray           *current)
{
  for (guint i = 0; i < current->len; i++)
    if (strata_revision_graph_is_ancestor (graph, revision, g_ptr_array_index (current, i)))
      return TRUE;

  return FALSE;
}

/* Alembic's get_all_current(): the version table's rows, their ancestors
 * through Revises and Depends On, and of those the ones with no child among
 * them. A revision the current ones depend on is current too, and shows as
 * "(effective head)" when it is the end of its branch. The table's rows
 * come first, in their order, then the implied ones in the graph's. */
static GPtrArray *
implied_current (StrataRevisionGraph *graph,
                 const char * const  *heads)
{
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GHashTable) members = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);
  GPtrArray *all = strata_revision_graph_get_revisions (graph);
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; heads[i] != NULL; i++)
    {
      StrataRevision *revision = strata_revision_graph_lookup (graph, heads[i]);

      if (revision != NULL)
        g_ptr_array_add (current, revision);
    }

  for (guint i = 0; i < all->len; i++)
    if (is_implied (graph, g_ptr_array_index (all, i), current))
      g_hash_table_add (members, g_ptr_array_index (all, i));

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < (pass == 0 ? current->len : all->len); i++)
      {
        StrataRevision *revision = g_ptr_array_index (pass == 0 ? current : all,
                                                      pass == 0 ? i : all->len - 1 - i);
        g_autoptr(GPtrArray) children = NULL;
        gboolean end = TRUE;

        if (!g_hash_table_contains (members, revision) ||
            !g_hash_table_add (listed, revision))
          continue;
        children = strata_revision_graph_get_children (graph, revision);
        for (guint c = 0; c < children->len && end; c++)
          end = !g_hash_table_contains (members, g_ptr_array_index (children, c));
        if (end)
          g_ptr_array_add (result, revision);
      }

  return result;
}

int
strata_cli_current (StrataCli *cli)
{
  g_auto(Snapshot) snapshot = { 0 };
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) implied = NULL;
  const char * const *heads;
  gboolean verbose = cli->verbose;

  if (!take_snapshot (cli, &snapshot, &error) ||
      /* A row that names nothing we know is bad input: say so rather than
       * print a partial answer. */
      !strata_status_check_unknown_heads (snapshot.status, snapshot.graph,
                                          strata_project_get_database_file (snapshot.project),
                                          &error))
    return strata_cli_fail (error);

  path = database_path (&snapshot);
  heads = strata_status_get_heads (snapshot.status);
  printer = strata_cli_printer_new (snapshot.graph, cli->json);
  strata_cli_printer_set_member (printer, "database", path);
  /* Alembic's text never marks these "(current)"; in JSON they are. */
  if (cli->json)
    strata_cli_printer_set_current (printer, heads);
  if (verbose && !cli->json)
    g_print (_("Current revision(s) for %s:\n"), path);

  implied = implied_current (snapshot.graph, heads);
  strata_cli_printer_begin_list (printer, "current");
  for (guint i = 0; i < implied->len; i++)
    strata_cli_printer_add (printer, g_ptr_array_index (implied, i),
                            verbose ? STRATA_CLI_FORMAT_VERBOSE : STRATA_CLI_FORMAT_TREE);
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);

  return STRATA_CLI_EXIT_OK;
}

/* Several ends (two current heads) give the union of the walks, newest first
 * in the graph's order. An empty list of ends stands for base or heads. */
static GPtrArray *
walk_union (StrataRevisionGraph  *graph,
            const char * const   *lowers,
            const char * const   *uppers,
            GError              **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GPtrArray *all = strata_revision_graph_get_revisions (graph);
  guint n_lowers = MAX (1, g_strv_length ((char **)lowers));
  guint n_uppers = MAX (1, g_strv_length ((char **)uppers));
  GPtrArray *result;

  /* One walk keeps the core's order, which is Alembic's. */
  if (n_lowers == 1 && n_uppers == 1)
    return strata_revision_graph_walk (graph, lowers[0], uppers[0], error);

  for (guint i = 0; i < n_lowers; i++)
    for (guint j = 0; j < n_uppers; j++)
      {
        g_autoptr(GPtrArray) walk = NULL;

        if (!(walk = strata_revision_graph_walk (graph, lowers[i], uppers[j], error)))
          return NULL;

        for (guint k = 0; k < walk->len; k++)
          g_hash_table_add (seen, g_ptr_array_index (walk, k));
      }

  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = all->len; i > 0; i--)
    {
      if (g_hash_table_contains (seen, g_ptr_array_index (all, i - 1)))
        g_ptr_array_add (result, g_object_ref (g_ptr_array_index (all, i - 1)));
    }

  return result;
}

typedef struct
{
  char *lower;
  char *upper;
} Range;

static gboolean
parse_range (const char *text,
             Range      *range)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return TRUE;

  parts = g_strsplit (g_strstrip ((char *)text), ":", -1);
  if (g_strv_length (parts) != 2)
    return FALSE;

  range->lower = parts[0][0] != '\0' ? g_strdup (parts[0]) : NULL;
  range->upper = parts[1][0] != '\0' ? g_strdup (parts[1]) : NULL;

  return TRUE;
}

static GPtrArray *
walk_history (Snapshot  *snapshot,
              Range     *range,
              GError   **error)
{
  const char * const *current = strata_status_get_heads (snapshot->status);
  const char *lower[] = { range->lower, NULL };
  const char *upper[] = { range->upper, NULL };
  gboolean lower_current = g_strcmp0 (range->lower, "current") == 0;
  gboolean upper_current = g_strcmp0 (range->upper, "current") == 0;

  /* Up to a database at base there is nothing to list. */
  if (upper_current && current[0] == NULL)
    return g_ptr_array_new ();

  return walk_union (snapshot->graph,
                     lower_current ? current : lower,
                     upper_current ? current : upper,
                     error);
}

static void
print_history (StrataCli  *cli,
               Snapshot   *snapshot,
               GPtrArray  *revisions,
               gboolean    verbose,
               gboolean    indicate_current)
{
  g_autoptr(StrataCliPrinter) printer = strata_cli_printer_new (snapshot->graph, cli->json);
  StrataCliFormat format = STRATA_CLI_FORMAT_PARENTS | STRATA_CLI_FORMAT_BRANCHES |
                           STRATA_CLI_FORMAT_DOC | STRATA_CLI_FORMAT_TREE;

  if (indicate_current)
    strata_cli_printer_set_current (printer, strata_status_get_heads (snapshot->status));

  strata_cli_printer_begin_list (printer, "revisions");
  for (guint i = 0; i < revisions->len; i++)
    strata_cli_printer_add (printer, g_ptr_array_index (revisions, i),
                            verbose ? STRATA_CLI_FORMAT_VERBOSE : format);
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);
}

static gboolean
needs_database (Range    *range,
                gboolean  indicate_current)
{
  return indicate_current ||
         g_strcmp0 (range->lower, "current") == 0 ||
         g_strcmp0 (range->upper, "current") == 0;
}

int
strata_cli_history (StrataCli *cli)
{
  g_auto(Snapshot) snapshot = { 0 };
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;
  Range range = { 0 };
  gboolean verbose = cli->verbose;
  gboolean indicate_current = cli->indicate_current;

  if (!parse_range (cli->rev_range, &range))
    return strata_cli_verb_usage_error ("history",
                                        _("History range requires [start]:[end], [start]:, "
                                          "or :[end]"));

  /* Without a database to consult, history never opens it: the graph alone. */
  if (!needs_database (&range, indicate_current))
    {
      snapshot.project = g_object_ref (cli->project);
      snapshot.graph = g_object_ref (cli->graph);
      snapshot.status = strata_status_new_empty ();
    }
  else
    take_snapshot (cli, &snapshot, &error);

  if (error == NULL)
    revisions = walk_history (&snapshot, &range, &error);

  if (revisions != NULL)
    print_history (cli, &snapshot, revisions, verbose, indicate_current);

  g_free (range.lower);
  g_free (range.upper);

  return error != NULL ? strata_cli_fail (error) : STRATA_CLI_EXIT_OK;
}

typedef struct
{
  GPtrArray *pending;
  GPtrArray *edited;
  GStrv      unknown;
} Findings;

static void
findings_clear (Findings *findings)
{
  g_clear_pointer (&findings->pending, g_ptr_array_unref);
  g_clear_pointer (&findings->edited, g_ptr_array_unref);
  g_clear_pointer (&findings->unknown, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Findings, findings_clear)

static void
find_problems (Snapshot *snapshot,
               Findings *findings)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (snapshot->disk_graph);

  findings->pending = g_ptr_array_new ();
  findings->edited = g_ptr_array_new ();
  findings->unknown = strata_status_get_unknown_heads (snapshot->status, snapshot->graph);

  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      StrataRevisionState state;

      state = strata_status_get_state (snapshot->status, snapshot->disk_graph, revision);
      if (state & STRATA_REVISION_STATE_PENDING)
        g_ptr_array_add (findings->pending, revision);
      if (state & STRATA_REVISION_STATE_EDITED)
        g_ptr_array_add (findings->edited, revision);
    }
}

static gboolean
findings_clean (Findings *findings)
{
  return findings->pending->len == 0 &&
         findings->edited->len == 0 &&
         (findings->unknown == NULL || findings->unknown[0] == NULL);
}

static void
print_findings_text (StrataCliPrinter *printer,
                     Findings         *findings)
{
  StrataCliFormat format = STRATA_CLI_FORMAT_PARENTS | STRATA_CLI_FORMAT_DOC;

  for (guint i = 0; i < findings->pending->len; i++)
    {
      g_autofree char *line = NULL;

      line = strata_cli_printer_format (printer, g_ptr_array_index (findings->pending, i), format);
      g_print (_("Pending: %s\n"), line);
    }

  for (guint i = 0; i < findings->edited->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (findings->edited, i);

      g_print (_("Edited after it was applied: %s (%s)\n"),
               strata_revision_get_id (revision),
               strata_revision_get_display_path (revision));
    }

  for (guint i = 0; findings->unknown != NULL && findings->unknown[i] != NULL; i++)
    g_print (_("Unknown revision in the version table: %s\n"), findings->unknown[i]);
}

static void
add_ids (JsonBuilder *builder,
         const char  *name,
         GPtrArray   *revisions)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < revisions->len; i++)
    json_builder_add_string_value (builder,
                                   strata_revision_get_id (g_ptr_array_index (revisions, i)));
  json_builder_end_array (builder);
}

static void
print_findings_json (StrataCliPrinter *printer,
                     Findings         *findings)
{
  JsonBuilder *builder = strata_cli_printer_get_builder (printer);

  json_builder_set_member_name (builder, "up_to_date");
  json_builder_add_boolean_value (builder, findings_clean (findings));
  add_ids (builder, "pending", findings->pending);
  add_ids (builder, "edited", findings->edited);
  strata_cli_printer_begin_list (printer, "unknown");
  for (guint i = 0; findings->unknown != NULL && findings->unknown[i] != NULL; i++)
    strata_cli_printer_add_string (printer, findings->unknown[i]);
  strata_cli_printer_end_list (printer);
}

static char *
summarize (Findings *findings)
{
  GString *text = g_string_new (_("New upgrade operations detected: "));
  guint n_unknown = findings->unknown != NULL ? g_strv_length (findings->unknown) : 0;
  const char *separator = "";

  if (findings->pending->len > 0)
    {
      g_string_append_printf (text, ngettext ("%u pending revision", "%u pending revisions",
                                              findings->pending->len),
                              findings->pending->len);
      separator = ", ";
    }
  if (findings->edited->len > 0)
    {
      g_string_append (text, separator);
      g_string_append_printf (text, ngettext ("%u revision edited after it was applied",
                                              "%u revisions edited after they were applied",
                                              findings->edited->len),
                              findings->edited->len);
      separator = ", ";
    }
  if (n_unknown > 0)
    {
      g_string_append (text, separator);
      g_string_append_printf (text, ngettext ("%u unknown revision in the version table",
                                              "%u unknown revisions in the version table",
                                              n_unknown),
                              n_unknown);
    }

  return g_string_free (text, FALSE);
}

int
strata_cli_check (StrataCli *cli)
{
  g_auto(Snapshot) snapshot = { 0 };
  g_auto(Findings) findings = { 0 };
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean rehearse = cli->rehearse;
  gboolean rehearsed_clean = TRUE;

  if (!take_snapshot (cli, &snapshot, &error))
    return strata_cli_fail (error);
  /* A version table that names a revision and one of its ancestors is
   * refused, as upgrade and current refuse it: what is pending cannot be
   * told from it. A row naming an unknown revision is one of the findings
   * below, listed with the others. */
  if (!strata_status_check_unknown_heads (snapshot.status, snapshot.graph,
                                          strata_project_get_database_file (snapshot.project),
                                          &error))
    {
      if (!g_error_matches (error, STRATA_ERROR, STRATA_ERROR_MISSING_SQL))
        return strata_cli_fail (error);
      g_clear_error (&error);
    }

  find_problems (&snapshot, &findings);
  path = database_path (&snapshot);
  printer = strata_cli_printer_new (snapshot.graph, cli->json);
  strata_cli_printer_set_member (printer, "database", path);

  if (cli->json)
    print_findings_json (printer, &findings);
  else
    print_findings_text (printer, &findings);
  strata_cli_printer_finish (printer);

  /* Every downgrade round-tripped on a copy (strata-cli-safety.c). */
  if (rehearse && !strata_cli_check_rehearsal (cli, snapshot.project))
    rehearsed_clean = FALSE;

  /* Lint warnings, and head against schema.sql (strata-cli-autogen.c). */
  if (!strata_cli_check_schema (cli, snapshot.project, snapshot.disk_graph) &&
      findings_clean (&findings))
    return STRATA_CLI_EXIT_ERROR;

  if (findings_clean (&findings) && !rehearsed_clean)
    return STRATA_CLI_EXIT_ERROR;
  if (findings_clean (&findings))
    {
      if (!cli->json)
        strata_cli_say (cli, _("No new upgrade operations detected.\n"));
      return STRATA_CLI_EXIT_OK;
    }

  {
    g_autofree char *summary = summarize (&findings);

    g_printerr ("strata-cli: %s\n", summary);
  }

  return STRATA_CLI_EXIT_ERROR;
}
