/* window-bench.c: the main window on big projects (bench/window-bench.sh runs it)
 *
 *   open:    a project of OPEN revisions, from strata_window_open() until the
 *            timeline shows them, against `strata-cli heads` on the same
 *            folder, timed in the same run;
 *   latency: the longest gap of a 5 ms main-loop timeout during an upgrade
 *            of UPGRADE revisions and the two seconds after it, against the
 *            same probe on the idle window (the machine's own noise).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "strata-renderer.h"
#include "strata-test-util.h"
#include "strata-window-private.h"

#define RUNS 3

static int open_revisions = 10000;
static int upgrade_revisions = 1000;
static char *cli;
static gboolean show_stalls;

/* Main-loop probe */

/* Two figures per gap between ticks: wall clock, and the main thread's own
 * CPU time. On a busy machine the first includes waiting to be scheduled;
 * the second is the work the main loop did in one go. */
typedef struct
{
  gint64 last;
  gint64 max;
  gint64 last_cpu;
  gint64 max_cpu;
} Probe;

static gint64
thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static void
probe_start (Probe *probe)
{
  probe->last = g_get_monotonic_time ();
  probe->last_cpu = thread_cpu_time ();
  probe->max = probe->max_cpu = 0;
}

static gboolean
probe_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time ();

  probe->max = MAX (probe->max, now - probe->last);
  /* CLOCK_MONOTONIC seconds, as `perf record -k mono` stamps its samples:
   * `perf script --time FROM,TO` shows what the main thread did. */
  if (show_stalls && now - probe->last > 30 * 1000)
    g_print ("  stall %.6f..%.6f: %.1f ms, main-thread CPU %.1f ms\n", probe->last / 1e6,
             now / 1e6, (now - probe->last) / 1e3, (cpu - probe->last_cpu) / 1e3);
  probe->max_cpu = MAX (probe->max_cpu, cpu - probe->last_cpu);
  probe->last = now;
  probe->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static gboolean
done_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_until (StrataTestCondition condition,
            gpointer            data)
{
  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
loaded (gpointer data)
{
  StrataWindow *window = data;

  return _strata_window_get_n_reloads (window) > 0 && !window->loading;
}

static gboolean
idle (gpointer data)
{
  StrataWindow *window = data;

  return !_strata_window_get_busy (window) && !window->loading;
}

static StrataWindow *
open_window (const char *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  StrataWindow *window = g_object_new (STRATA_TYPE_WINDOW, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  strata_window_open (window, folder);
  return window;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (double *values)
{
  qsort (values, RUNS, sizeof (double), compare_doubles);
  return values[RUNS / 2];
}

/* Opening */

static double
time_cli_heads (const char *dir)
{
  const char *argv[] = { cli, "-q", "-C", dir, "heads", NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("%s heads: %s", cli, error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_window_open (const char *dir)
{
  gint64 start = g_get_monotonic_time ();
  StrataWindow *window = open_window (dir);
  double seconds;
  guint n;

  wait_until (loaded, window);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  n = g_list_model_get_n_items (strata_timeline_get_model (window->timeline));
  if (n != (guint)open_revisions)
    g_error ("the timeline shows %u revisions, not %d", n, open_revisions);
  strata_test_destroy_window (GTK_WINDOW (window));
  return seconds;
}

static void
bench_open (void)
{
  g_autofree char *dir = strata_test_make_linear_project (open_revisions, NULL);
  double cli_times[RUNS], window_times[RUNS];
  double heads, opened;

  /* strata-cli caches files two seconds old and older; so may the window. */
  spin (2100);
  time_cli_heads (dir);
  for (guint i = 0; i < RUNS; i++)
    {
      cli_times[i] = time_cli_heads (dir);
      window_times[i] = time_window_open (dir);
    }
  heads = median (cli_times);
  opened = median (window_times);
  g_print ("open %d revisions: window %.3f s, strata-cli heads %.3f s: %.2fx, %+.3f s"
           "   (goal: within 1 s of heads)\n",
           open_revisions, opened, heads, opened / heads, opened - heads);
  strata_test_remove_tree (dir);
}

/* Latency */

static void
max_stall_idle (Probe *probe)
{
  guint source;

  probe_start (probe);
  source = g_timeout_add (5, probe_cb, probe);
  spin (2000);
  g_source_remove (source);
}

static void
schema_loaded_cb (guint *n_loads)
{
  (*n_loads)++;
}

static gboolean
inspector_loaded (gpointer data)
{
  return *(guint *)data > 0;
}

static void
bench_latency (void)
{
  g_autofree char *dir = strata_test_make_linear_project (upgrade_revisions, NULL);
  StrataWindow *window = open_window (dir);
  Probe probe = { 0 }, baseline = { 0 };
  double run_seconds;
  gint64 start;
  guint source;
  guint n_loads = 0;

  wait_until (loaded, window);
  /* What the window does once open (the editor's check, say) settles first. */
  spin (3000);
  max_stall_idle (&baseline);

  probe_start (&probe);
  start = g_get_monotonic_time ();
  source = g_timeout_add (5, probe_cb, &probe);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.upgrade", NULL);
  wait_until (idle, window);
  run_seconds = (g_get_monotonic_time () - start) / 1e6;
  /* The inspector reads the new schema after the run, a table per
   * revision: it belongs to "after" too. */
  g_signal_connect_swapped (window->inspector, "notify::schema", G_CALLBACK (schema_loaded_cb),
                            &n_loads);
  wait_until (inspector_loaded, &n_loads);
  g_signal_handlers_disconnect_by_func (window->inspector, schema_loaded_cb, &n_loads);
  spin (2000);
  g_source_remove (source);

  g_print ("upgrade %d revisions in %.1f s, and 2 s after: longest main-loop stall %.1f ms "
           "(idle window: %.1f ms), of which main-thread CPU %.1f ms (idle: %.1f ms)"
           "   (goal: <= 50 ms)\n",
           upgrade_revisions, run_seconds, probe.max / 1000.0, baseline.max / 1000.0,
           probe.max_cpu / 1000.0, baseline.max_cpu / 1000.0);
  strata_test_destroy_window (GTK_WINDOW (window));
  strata_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "open", 0, 0, G_OPTION_ARG_INT, &open_revisions, "Revisions of the project to open", "N" },
    { "upgrade", 0, 0, G_OPTION_ARG_INT, &upgrade_revisions, "Revisions to upgrade", "N" },
    { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli, "The strata-cli binary", "PATH" },
    { "stalls", 0, 0, G_OPTION_ARG_NONE, &show_stalls, "Print every gap over 30 ms", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the main window on big projects");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (cli == NULL)
    g_error ("--cli PATH is needed");
  strata_test_init (&argc, &argv);
  /* As the app does: without a GPU, cairo. GSK_RENDERER=gl measures GTK's
   * own choice instead. */
  {
    const char *chosen = strata_renderer_choose (gdk_display_get_default ());
    const char *user = g_getenv ("GSK_RENDERER");

    g_print ("renderer: %s\n", user ? user : chosen ? chosen : "GTK's choice (a GPU)");
  }

  if (open_revisions > 0)
    bench_open ();
  if (upgrade_revisions > 0)
    bench_latency ();
  return 0;
}
