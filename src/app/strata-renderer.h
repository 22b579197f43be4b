/* strata-renderer.h: how the window is drawn on a machine without a GPU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether OpenGL on @display is drawn in software (Mesa's llvmpipe or
 * softpipe): no GPU, as in a VM, a remote session or Xvfb. */
gboolean    strata_renderer_gl_is_software (GdkDisplay *display);
/* Chooses the renderer of @display's windows, before the first is drawn,
 * and returns the name of the one chosen, or NULL where GTK chooses (a
 * GPU, or GSK_RENDERER set by the user). */
const char *strata_renderer_choose         (GdkDisplay *display);

G_END_DECLS
