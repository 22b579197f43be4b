/* strata-window-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-test-util.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

gboolean
strata_window_fixture_reloaded (gpointer data)
{
  StrataWindowFixture *fixture = data;

  return _strata_window_get_n_reloads (fixture->window) > fixture->reloads;
}

void
strata_window_fixture_setup (StrataWindowFixture *fixture,
                             gconstpointer        data)
{
  g_autoptr(GFile) folder = NULL;

  fixture->dir = strata_test_copy_example ();
  fixture->database = g_build_filename (fixture->dir, "maker_hub.db", NULL);
  fixture->reloads = 0;
  /* GTK 4.8 rounds a revealer's height differently for the two ways it is
   * measured while it slides (the read-only banner), and says so with a
   * critical that G_DEBUG=fatal-warnings makes fatal. The states are what
   * these tests check, not the slide. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  folder = g_file_new_for_path (fixture->dir);
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the project to load");
}

void
strata_window_fixture_teardown (StrataWindowFixture *fixture,
                                gconstpointer        data)
{
  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  strata_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->database);
}
