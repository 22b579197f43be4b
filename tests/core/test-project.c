/* test-project.c: strata.ini, init, discover and new revision files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"

static void
test_defaults_and_warnings (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autofree char *db = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *expected_db = g_build_filename (dir, "data", "app.db", NULL);
  g_autofree char *expected_versions = g_build_filename (dir, "versions", NULL);
  g_autofree char *expected_schema = g_build_filename (dir, "db", "schema.sql", NULL);
  g_autofree char *schema = NULL;
  const char * const *warnings;

  g_assert_true (g_file_set_contents (config,
                                      "# notes\n[strata]\ndatabase = data/app.db   # inline note\n"
                                      "colour = blue\nschema = db/schema.sql\n"
                                      "[extra]\nkey = 1\n", -1, NULL));
  project = ct_open_project (dir);

  db = g_file_get_path (strata_project_get_database_file (project));
  versions = g_file_get_path (strata_project_get_versions_directory (project));
  g_assert_cmpstr (db, ==, expected_db);
  g_assert_cmpstr (versions, ==, expected_versions);
  g_assert_cmpstr (strata_project_get_version_table (project), ==, "alembic_version");

  warnings = strata_project_get_warnings (project);
  g_assert_cmpuint (g_strv_length ((char **)warnings), ==, 2);
  g_assert_cmpstr (warnings[0], ==, "strata.ini:4: unknown key “colour”; it is ignored");
  g_assert_cmpstr (warnings[1], ==, "strata.ini:6: unknown group “[extra]”; it is ignored");
  schema = g_file_get_path (strata_project_get_schema_file (project));
  g_assert_cmpstr (schema, ==, expected_schema);
  ct_remove_tree (dir);
}

/* strata.ini saved as "UTF-8 with BOM": read as it says. */
static void
test_byte_order_mark (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *expected_db = g_build_filename (dir, "shop.db", NULL);
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;

  g_assert_true (g_file_set_contents (config, "\xEF\xBB\xBF[strata]\r\ndatabase = shop.db\r\n",
                                      -1, NULL));
  project = ct_open_project (dir);
  db = g_file_get_path (strata_project_get_database_file (project));
  g_assert_cmpstr (db, ==, expected_db);
  g_assert_cmpuint (g_strv_length ((char **)strata_project_get_warnings (project)), ==, 0);
  ct_remove_tree (dir);
}

/* A key or the group written twice: the last value counts, as GKeyFile
 * reads it, and the warning says so with both lines. */
static void
test_repeated_keys (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *expected_db = g_build_filename (dir, "second.db", NULL);
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  const char * const *warnings;

  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = first.db\n# a note\n"
                                      "database = second.db\n[strata]\nschema = s.sql\n",
                                      -1, NULL));
  project = ct_open_project (dir);
  db = g_file_get_path (strata_project_get_database_file (project));
  g_assert_cmpstr (db, ==, expected_db);
  warnings = strata_project_get_warnings (project);
  g_assert_cmpuint (g_strv_length ((char **)warnings), ==, 2);
  g_assert_cmpstr (warnings[0], ==, "strata.ini:4: “database” is set again (first on line 2); "
                                    "this last value is the one used: keep one");
  g_assert_cmpstr (warnings[1], ==, "strata.ini:5: [strata] again (first on line 1): its keys "
                                    "join the first; keep one");
  ct_remove_tree (dir);
}

static void
test_database_overrides (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *elsewhere = g_build_filename (dir, "elsewhere.db", NULL);
  g_autofree char *configured = g_build_filename (dir, "test.db", NULL);
  const char *explicit_path = "/nonexistent/explicit.db";
  g_autofree char *path = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GFile) explicit = g_file_new_for_path ("/nonexistent/explicit.db");
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GFile) elsewhere_file = g_file_new_for_path (elsewhere);
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  /* The core reads no environment: STRATA_DATABASE, set here, changes
   * nothing; the CLI reads it and passes it to the loader. */
  g_setenv ("STRATA_DATABASE", explicit_path, TRUE);
  project = ct_open_project (dir);
  g_unsetenv ("STRATA_DATABASE");
  path = g_file_get_path (strata_project_get_database_file (project));
  g_assert_cmpstr (path, ==, configured);
  g_clear_pointer (&path, g_free);
  g_clear_object (&project);

  project = strata_project_new_with_database (directory, elsewhere_file, &error);
  g_assert_no_error (error);

  path = g_file_get_path (strata_project_get_database_file (project));
  g_assert_cmpstr (path, ==, elsewhere);
  strata_project_set_database_file (project, explicit);
  g_assert_true (g_file_equal (strata_project_get_database_file (project), explicit));
  ct_remove_tree (dir);
}

static void
test_init_and_discover (void)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "shop", NULL);
  g_autofree char *deep = g_build_filename (dir, "versions", "sub", NULL);
  g_autofree char *template = g_build_filename (dir, "script.sql.template", NULL);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GFile) start = g_file_new_for_path (deep);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProject) found = NULL;
  g_autoptr(StrataProject) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  project = strata_project_init (directory, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (template, G_FILE_TEST_IS_REGULAR));
  db = g_file_get_basename (strata_project_get_database_file (project));
  g_assert_cmpstr (db, ==, "shop.db");
  g_assert_cmpuint (g_strv_length ((char **)strata_project_get_warnings (project)), ==, 0);

  again = strata_project_init (directory, "x.db", &error);
  g_assert_null (again);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  found = strata_project_discover (start, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (strata_project_get_directory (found), directory));
  ct_remove_tree (tmp);
}

static void
test_create_revisions (void)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autoptr(GFile) directory = g_file_new_for_path (tmp);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevision) first = NULL;
  g_autoptr(StrataRevision) second = NULL;
  g_autoptr(StrataRevision) branch = NULL;
  g_autoptr(StrataRevision) merge = NULL;
  g_autoptr(StrataRevision) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) date = g_regex_new ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}$",
                                        0, 0, NULL);

  project = strata_project_init (directory, "app.db", &error);
  g_assert_no_error (error);

#define RELOAD() \
  G_STMT_START { \
    g_clear_object (&graph); \
    graph = strata_project_load_graph (project, NULL, &error); \
    g_assert_no_error (error); \
  } G_STMT_END

  RELOAD ();
  first = strata_project_create_revision (project, graph, "Create part table", NULL, NULL,
                                          NULL, "aaaa00000001", FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (strata_revision_is_base (first));
  g_assert_true (g_regex_match (date, strata_revision_get_create_date (first), 0, NULL));
  g_assert_true (g_str_has_suffix (strata_revision_get_display_path (first),
                                   "aaaa00000001_create_part_table.sql"));

  RELOAD ();
  second = strata_project_create_revision (project, graph, "add column", NULL, NULL, NULL,
                                           NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (strata_revision_get_id (second)), ==, 12);
  g_assert_cmpstrv (strata_revision_get_down_revisions (second),
                    ((const char *[]) { "aaaa00000001", NULL }));

  /* The file on disk reads back as what was made. */
  reread = strata_revision_new_from_file (strata_revision_get_file (second), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_revision_get_message (reread), ==, "add column");
  g_assert_cmpstr (strata_revision_get_sql (reread, STRATA_DIRECTION_UPGRADE), !=, NULL);

  /* Revising a revision that is not a head needs --splice. */
  RELOAD ();
  branch = strata_project_create_revision (project, graph, "branch",
                                           (const char *[]) { "aaaa", NULL }, "side", NULL,
                                           NULL, FALSE, &error);
  g_assert_null (branch);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_TARGET);
  g_assert_nonnull (strstr (error->message, "--splice"));
  g_clear_error (&error);
  branch = strata_project_create_revision (project, graph, "branch",
                                           (const char *[]) { "aaaa", NULL }, "side", NULL,
                                           NULL, TRUE, &error);
  g_assert_no_error (error);

  /* Two heads now: a plain revision must name one, a merge joins them. */
  RELOAD ();
  g_assert_null (strata_project_create_revision (project, graph, "x", NULL, NULL, NULL, NULL,
                                                 FALSE, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS);
  g_clear_error (&error);
  merge = strata_project_create_merge (project, graph, "merge",
                                       (const char *[]) { "heads", NULL }, &error);
  g_assert_no_error (error);
  g_assert_true (strata_revision_is_merge (merge));

  RELOAD ();
  g_assert_cmpuint (strata_revision_graph_get_n_revisions (graph), ==, 4);
#undef RELOAD
  ct_remove_tree (tmp);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  StrataRevision **revision = user_data;
  g_autoptr(GError) error = NULL;

  *revision = strata_project_create_revision_finish (STRATA_PROJECT (object), result, &error);
  g_assert_no_error (error);
}

/* The window's twin writes the same file, off the main thread. */
static void
test_create_revision_async (void)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autoptr(GFile) directory = g_file_new_for_path (tmp);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;

  project = strata_project_init (directory, "app.db", &error);
  g_assert_no_error (error);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  strata_project_create_revision_async (project, graph, "Create part table", NULL, "parts",
                                        NULL, "bbbb00000001", FALSE, NULL, created_cb,
                                        &revision);
  while (revision == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (strata_revision_get_id (revision), ==, "bbbb00000001");
  g_assert_true (g_file_query_exists (strata_revision_get_file (revision), NULL));
  ct_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/project/defaults-and-warnings", test_defaults_and_warnings);
  g_test_add_func ("/core/project/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/core/project/repeated-keys", test_repeated_keys);
  g_test_add_func ("/core/project/database-overrides", test_database_overrides);
  g_test_add_func ("/core/project/init-and-discover", test_init_and_discover);
  g_test_add_func ("/core/project/create-revisions", test_create_revisions);
  g_test_add_func ("/core/project/create-revision-async", test_create_revision_async);

  return g_test_run ();
}
