/* main.c: the entry point of the strata application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "strata-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataApplication) application = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");
  /* STRATA_LOCALEDIR reads the catalogs from elsewhere than the install prefix,
   * such as the build folder's po/, so that a test can run a translation uninstalled. */
  localedir = g_getenv ("STRATA_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = strata_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
