/* strata-window-fixture.h: a window on a fresh copy of the example project,
 * shared by the widget tests of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-window.h"

G_BEGIN_DECLS

typedef struct
{
  char         *dir;
  char         *database;
  StrataWindow *window;
  guint         reloads;   /* reloads seen so far; strata_window_fixture_reloaded waits past it */
} StrataWindowFixture;

void     strata_window_fixture_setup     (StrataWindowFixture *fixture,
                                          gconstpointer        data);
void     strata_window_fixture_teardown  (StrataWindowFixture *fixture,
                                          gconstpointer        data);
/* A StrataTestCondition: the window reloaded more than fixture->reloads times. */
gboolean strata_window_fixture_reloaded  (gpointer             data);

G_END_DECLS
