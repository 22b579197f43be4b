/* test-autogen-real.c: autogenerate on schemas and databases as they are in the wild
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "core-test.h"

/* Head has no rows, so the self-check makes some up: they must suit the new
 * constraints, or no revision could ever be generated for them. */
static void
test_made_up_rows_fit (gconstpointer data)
{
  const char * const *pair = data;
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql (pair[0], pair[1]);
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strata_autogen_get_upgrade_sql (autogen));
}

static const char *checks_pair[] = {
  "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, status TEXT, year INTEGER, "
  "rating REAL);",
  "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
  "status TEXT CHECK (status IN ('active', 'retired')), year INTEGER CHECK (year >= 1888), "
  "rating REAL CHECK (rating > 0 AND rating <= 10));",
};

static const char *strict_pair[] = {
  "CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value TEXT);",
  "CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value INTEGER) STRICT;",
};

static const char *table_check_pair[] = {
  "CREATE TABLE span (id INTEGER PRIMARY KEY, starts INTEGER, ends INTEGER, code TEXT);",
  "CREATE TABLE span (id INTEGER PRIMARY KEY, starts INTEGER, ends INTEGER, code TEXT UNIQUE "
  "CHECK (code GLOB '[A-Z][A-Z]*'), CHECK (ends > starts + 10));",
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/autogen-real/made-up-rows/checks", checks_pair,
                        test_made_up_rows_fit);
  g_test_add_data_func ("/core/autogen-real/made-up-rows/strict", strict_pair,
                        test_made_up_rows_fit);
  g_test_add_data_func ("/core/autogen-real/made-up-rows/table-check", table_check_pair,
                        test_made_up_rows_fit);

  return g_test_run ();
}
