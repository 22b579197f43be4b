/* graph-test.h: building revision graphs from a line of text, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <strata.h>

#include "strata-revision-graph-private.h"

/* One token per revision, in file order: "id<down1,down2~dep1,dep2#label1,label2",
 * every part after the id optional. Each revision's file is
 * "versions/NNN_id.sql", so file order is the order written. */
StrataRevisionGraph *graph_test_new  (const char  *spec,
                                      GError     **error);
StrataRevisionGraph *graph_test_make (const char  *spec);
/* The ids, separated by spaces. */
char                *graph_test_ids  (GPtrArray   *revisions);
