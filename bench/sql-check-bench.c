/* sql-check-bench.c: the editor's live SQL check on a big project
 *
 *   sql-check-bench PROJECT_DIR [KEYSTROKES]
 *
 * Loads the project's revisions, then checks a new revision on top of its
 * head as the editor does after each pause in typing: the first check
 * replays the ancestors (schema only), the next ones reuse the schema the
 * replay kept. Prints the worker time of each, the peak resident set size
 * and the size of the schema it holds, as "key value" lines for
 * bench/check-bench.py. Run by bench/check-bench.py, never by the tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <strata.h>

static double
now (void)
{
  return g_get_monotonic_time () / (double)G_USEC_PER_SEC;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* What the kept schema takes: its pages. */
static sqlite3_int64
database_bytes (StrataDatabase *database)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_int64 bytes = -1;

  if (sqlite3_prepare_v2 (strata_database_get_handle (database),
                          "SELECT page_count * page_size FROM pragma_page_count (), "
                          "pragma_page_size ()", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    bytes = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return bytes;
}

static double
check_once (StrataSchemaReplay *replay,
            const char * const *parents,
            guint               keystroke)
{
  g_autofree char *upgrade = g_strdup_printf ("CREATE TABLE typed_%u (id INTEGER PRIMARY KEY);\n"
                                              "SELECT count(*) FROM typed_%u;\n",
                                              keystroke, keystroke);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSqlCheck) check = NULL;
  double start = now ();

  check = strata_sql_check (replay, parents, upgrade, "", NULL, &error);
  if (check == NULL)
    g_error ("%s", error->message);
  if (check->problems->len != 0)
    g_error ("the check found %u problems in good SQL", check->problems->len);
  return now () - start;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  g_autoptr(StrataDatabase) schema = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parents = NULL;
  guint keystrokes = argc > 2 ? (guint)atoi (argv[2]) : 20;
  double cold, warm_max = 0, warm_sum = 0;
  long before;

  if (argc < 2)
    {
      g_printerr ("usage: %s PROJECT_DIR [KEYSTROKES]\n", argv[0]);
      return 2;
    }
  dir = g_file_new_for_path (argv[1]);
  if (!(project = strata_project_new (dir, &error)) ||
      !(graph = strata_project_load_graph (project, NULL, &error)))
    g_error ("%s", error->message);
  heads = strata_revision_graph_get_heads (graph);
  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (heads, i)));
  parents = g_strv_builder_end (builder);
  before = peak_rss_kib ();

  replay = strata_schema_replay_new (graph);
  cold = check_once (replay, (const char * const *)parents, 0);
  for (guint i = 1; i <= keystrokes; i++)
    {
      double seconds = check_once (replay, (const char * const *)parents, i);

      warm_sum += seconds;
      warm_max = MAX (warm_max, seconds);
    }
  schema = strata_schema_replay_open (replay, (const char * const *)parents, NULL, &error);
  if (schema == NULL)
    g_error ("%s", error->message);

  g_print ("revisions %u\n", strata_revision_graph_get_n_revisions (graph));
  g_print ("first_check_s %.4f\n", cold);
  g_print ("keystroke_mean_s %.4f\n", keystrokes ? warm_sum / keystrokes : 0.0);
  g_print ("keystroke_max_s %.4f\n", warm_max);
  g_print ("rss_after_load_kib %ld\n", before);
  g_print ("peak_rss_kib %ld\n", peak_rss_kib ());
  g_print ("schema_bytes %lld\n", (long long)database_bytes (schema));
  return 0;
}
