/* strata-renderer.c: on software OpenGL, Strata draws with cairo
 *
 * GTK 4.8 draws with OpenGL wherever it can get a context, and without a GPU
 * that is Mesa's llvmpipe: the shaders are compiled by LLVM on the main
 * thread the first time something new is drawn (a progress bar, a toast, a
 * thousand rows), and each frame waits on rasterizer threads that take the
 * CPU from the run. Under Xvfb on a 2-core VM that held the main loop 60-100
 * ms at a time during an upgrade, where cairo holds it under 40 ms, and the
 * run itself went 1.5 times as fast (docs/benchmarks.md). GTK itself, from
 * 4.16 on, passes over llvmpipe when it picks its first choice.
 *
 * The choice is made for the display, through the key GTK's own inspector
 * uses to give its window a renderer: GTK reads it before GSK_RENDERER, and
 * has no public call for it (4.8 to 4.20). Setting GSK_RENDERER instead
 * would mean setenv() once GTK's threads run. A GTK that stops reading the
 * key simply makes its own choice. A user's own GSK_RENDERER is always kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <epoxy/gl.h>

#include "strata-renderer.h"

gboolean
strata_renderer_gl_is_software (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  const char *renderer;
  gboolean software;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), FALSE);

  /* No OpenGL at all: GTK falls back to cairo by itself. */
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;
  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  software = renderer != NULL &&
             (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL);
  gdk_gl_context_clear_current ();
  return software;
}

const char *
strata_renderer_choose (GdkDisplay *display)
{
  const char *chosen;

  g_return_val_if_fail (display == NULL || GDK_IS_DISPLAY (display), NULL);

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return NULL;
  if ((chosen = g_object_get_data (G_OBJECT (display), "gsk-renderer")) != NULL)
    return chosen;
  if (!strata_renderer_gl_is_software (display))
    return NULL;
  g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");
  return "cairo";
}
