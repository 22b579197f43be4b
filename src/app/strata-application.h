/* strata-application.h: the single instance of Strata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())

G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

StrataApplication *strata_application_new          (void);
/* The app's settings: the installed schema, or the one in the build folder. */
GSettings         *strata_application_dup_settings (void);

G_END_DECLS
