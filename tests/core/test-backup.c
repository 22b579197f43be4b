/* test-backup.c: a run backs up before it destroys, and a backup comes back whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"

static void
write_config (const char *dir,
              const char *extra)
{
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[strata]\ndatabase = test.db\n%s", extra);

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
}

/* r1 creates a table with rows, r2 adds one; r2's downgrade drops it. */
static char *
make_project (const char *extra)
{
  char *dir = ct_make_tmp ();

  write_config (dir, extra);
  ct_write_revision (dir, "r1", NULL, "one",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT);\n"
                     "INSERT INTO part (name) VALUES ('resistor'), ('capacitor');\n",
                     "DROP TABLE part;\n");
  ct_write_revision (dir, "r2", "r1", "two",
                     "CREATE TABLE bin (id INTEGER PRIMARY KEY, label TEXT);\n"
                     "INSERT INTO bin (label) VALUES ('A1');\n",
                     "DROP TABLE bin;\n");
  return dir;
}

static GPtrArray *
list (StrataProject *project)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *backups = strata_backup_list (project, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backups);
  return backups;
}

static StrataBackup *
migrate (StrataProject   *project,
         StrataDirection  direction,
         const char      *target)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (project, direction, target);
  g_autoptr(GError) error = NULL;
  StrataBackup *backup;

  g_assert_true (strata_migration_run (migration, NULL, &error));
  g_assert_no_error (error);
  backup = strata_migration_get_backup (migration);
  return backup != NULL ? g_object_ref (backup) : NULL;
}

static void
test_destructive (void)
{
  g_autofree char *dir = make_project ("");
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataBackup) backup = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_prefix = NULL;
  g_autofree char *label = NULL;

  /* Creating tables destroys nothing: no backup, not even the folder. */
  g_assert_null (migrate (project, STRATA_DIRECTION_UPGRADE, "head"));
  g_assert_false (g_file_test (g_file_peek_path (strata_project_get_backup_directory (project)),
                               G_FILE_TEST_EXISTS));

  /* Dropping a table is backed up first, named for the revision it held. */
  backup = migrate (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  g_assert_nonnull (backup);
  g_assert_cmpstr (strata_backup_get_database_name (backup), ==, "test");
  g_assert_cmpstr (strata_backup_get_revision (backup), ==, "r2");
  g_assert_true (g_str_has_prefix (strata_backup_get_name (backup), "test-r2-"));
  /* The time, then the tag of the database it belongs to. */
  g_assert_true (g_regex_match_simple ("^test-r2-[0-9T.]+Z-[0-9a-f]{8}\\.db$",
                                       strata_backup_get_name (backup), 0, 0));
  g_assert_cmpint (strata_backup_get_size (backup), >, 0);
  path = g_file_get_path (strata_backup_get_file (backup));
  expected_prefix = g_build_filename (dir, "backups", "test-r2-", NULL);
  g_assert_true (g_str_has_prefix (path, expected_prefix));

  /* The copy holds the rows the downgrade deleted, and is a whole database. */
  label = ct_query (path, "SELECT label FROM bin");
  g_assert_cmpstr (label, ==, "A1");
  g_assert_cmpint (ct_query_int (path, "SELECT count(*) FROM part"), ==, 2);
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'bin'"),
                   ==, 0);

  backups = list (project);
  g_assert_cmpuint (backups->len, ==, 1);
  ct_remove_tree (dir);
}

/* The run backs up exactly when its plan, the preview the app and the CLI
 * show, says it will. */
static void
test_plan_decides (void)
{
  static const struct
  {
    const char      *config;
    const char      *start;      /* NULL: no database yet */
    StrataDirection  direction;
    const char      *target;
    gboolean         backs_up;
  } cases[] = {
    { "", "head", STRATA_DIRECTION_DOWNGRADE, "r1", TRUE },
    { "", "r1", STRATA_DIRECTION_UPGRADE, "r2", FALSE },
    { "backup = always\n", "r1", STRATA_DIRECTION_UPGRADE, "r2", TRUE },
    { "backup = always\n", NULL, STRATA_DIRECTION_UPGRADE, "r1", FALSE },
    { "backup = never\n", "head", STRATA_DIRECTION_DOWNGRADE, "base", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = make_project (cases[i].config);
      g_autoptr(StrataProject) project = ct_open_project (dir);
      g_autoptr(StrataMigrationPlan) plan = NULL;
      g_autoptr(StrataBackup) backup = NULL;
      g_autoptr(GPtrArray) before = NULL;
      g_autoptr(GPtrArray) after = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      if (cases[i].start != NULL)
        ct_migrate (project, STRATA_DIRECTION_UPGRADE, cases[i].start);
      before = list (project);
      plan = strata_migration_plan_new (project, NULL, cases[i].direction, NULL,
                                        cases[i].target, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (strata_migration_plan_get_backs_up (plan), ==, cases[i].backs_up);

      backup = migrate (project, cases[i].direction, cases[i].target);
      after = list (project);
      g_assert_cmpint (backup != NULL, ==, cases[i].backs_up);
      g_assert_cmpuint (after->len, ==, before->len + (cases[i].backs_up ? 1 : 0));
      ct_remove_tree (dir);
    }
}

static void
test_policies (void)
{
  g_autofree char *always = make_project ("backup = always\nbackup_dir = ../saved\n");
  g_autofree char *never = make_project ("backup = never\n");
  g_autoptr(StrataProject) project = ct_open_project (always);
  g_autoptr(StrataProject) unsafe = ct_open_project (never);
  g_autoptr(StrataBackup) first = NULL;
  g_autoptr(StrataBackup) second = NULL;
  g_autofree char *saved = g_build_filename (always, "..", "saved", NULL);

  /* Nothing to back up before the database exists. */
  g_assert_cmpuint (g_strv_length ((GStrv)strata_project_get_warnings (project)), ==, 0);
  g_assert_null (migrate (project, STRATA_DIRECTION_UPGRADE, "r1"));
  first = migrate (project, STRATA_DIRECTION_UPGRADE, "r2");
  g_assert_nonnull (first);
  g_assert_cmpstr (strata_backup_get_revision (first), ==, "r1");
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_DIR));
  second = migrate (project, STRATA_DIRECTION_STAMP, "r1");
  g_assert_nonnull (second);
  g_assert_cmpstr (strata_backup_get_revision (second), ==, "r2");

  g_assert_null (migrate (unsafe, STRATA_DIRECTION_UPGRADE, "head"));
  g_assert_null (migrate (unsafe, STRATA_DIRECTION_DOWNGRADE, "base"));
  {
    g_autoptr(GPtrArray) none = list (unsafe);
    g_assert_cmpuint (none->len, ==, 0);
  }
  ct_remove_tree (saved);
  ct_remove_tree (always);
  ct_remove_tree (never);
}

static void
test_prune (void)
{
  g_autofree char *dir = make_project ("backup = always\nbackup_keep = 2\n");
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *stray = g_build_filename (dir, "backups", "notes.txt", NULL);

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r2");
  g_assert_true (g_file_set_contents (stray, "mine", -1, NULL));
  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r2");
  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "base");

  /* Four backups were taken; the two newest stay, newest first, and files
   * that are not backups are never touched. */
  backups = list (project);
  g_assert_cmpuint (backups->len, ==, 2);
  g_assert_cmpstr (strata_backup_get_revision (g_ptr_array_index (backups, 0)), ==, "r2");
  g_assert_cmpstr (strata_backup_get_revision (g_ptr_array_index (backups, 1)), ==, "r1");
  g_assert_cmpint (g_date_time_compare (
                     strata_backup_get_created (g_ptr_array_index (backups, 0)),
                     strata_backup_get_created (g_ptr_array_index (backups, 1))), >, 0);
  g_assert_true (g_file_test (stray, G_FILE_TEST_EXISTS));
  ct_remove_tree (dir);
}

static void
test_restore (void)
{
  g_autofree char *dir = make_project ("");
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataBackup) backup = NULL;
  g_autoptr(StrataBackup) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *replaced_path = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  before = ct_dump (db);
  backup = migrate (project, STRATA_DIRECTION_DOWNGRADE, "base");
  g_assert_nonnull (backup);

  replaced = strata_backup_restore (project, strata_backup_get_name (backup), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replaced);

  /* Schema, rows and version table are back as they were before the downgrade. */
  after = ct_dump (db);
  g_assert_cmpstr (before, ==, after);
  heads = ct_heads (db);
  g_assert_cmpstr (heads, ==, "r2");
  {
    g_autofree char *integrity = ct_query (db, "PRAGMA integrity_check");
    g_assert_cmpstr (integrity, ==, "ok");
  }

  /* What it replaced (the database at base) was kept. */
  g_assert_cmpstr (strata_backup_get_revision (replaced), ==, "base");
  replaced_path = g_file_get_path (strata_backup_get_file (replaced));
  g_assert_cmpint (ct_query_int (replaced_path, "SELECT count(*) FROM sqlite_schema "
                                                "WHERE name IN ('bin', 'part')"), ==, 0);

  /* The restored database migrates as usual. */
  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "r1");
  g_clear_pointer (&heads, g_free);
  heads = ct_heads (db);
  g_assert_cmpstr (heads, ==, "r1");
  ct_remove_tree (dir);
}

static void
test_restore_refused (void)
{
  g_autofree char *dir = make_project ("");
  g_autofree char *damaged = g_build_filename (dir, "backups", "test-r1-20240101T000000.000000Z.db",
                                               NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataBackup) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_cmpint (g_mkdir_with_parents (g_file_peek_path (
                     strata_project_get_backup_directory (project)), 0755), ==, 0);
  g_assert_true (g_file_set_contents (damaged, "not a database at all, but long enough to "
                                               "pass for one at a glance: 0123456789abcdef",
                                      -1, NULL));
  before = ct_snapshot (dir);

  replaced = strata_backup_restore (project, "test-nothing-20240101T000000Z.db", NULL, &error);
  g_assert_null (replaced);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "strata-cli backups"));
  g_clear_error (&error);

  /* Named as by an older Strata, which did not say whose it is: foreign. */
  replaced = strata_backup_restore (project, "test-r1-20240101T000000.000000Z.db", NULL, &error);
  g_assert_null (replaced);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "is not a backup of test.db"));
  g_assert_nonnull (strstr (error->message, "--foreign"));
  g_clear_error (&error);

  replaced = strata_backup_restore_full (project, "test-r1-20240101T000000.000000Z.db",
                                         STRATA_RESTORE_FLAGS_FOREIGN, NULL, &error);
  g_assert_null (replaced);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "is not a SQLite database"));

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
test_backup_fails (void)
{
  g_autofree char *dir = make_project ("backup_dir = blocker\n");
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  /* A file where the folder should be: the backup cannot be written, so the
   * destructive downgrade must not start. */
  g_assert_true (g_file_set_contents (blocker, "a file", -1, NULL));
  before = ct_dump (db);
  migration = strata_migration_new (project, STRATA_DIRECTION_DOWNGRADE, "base");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nothing was migrated"));
  g_assert_nonnull (strstr (error->message, "backup_dir"));
  after = ct_dump (db);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
expect_config_error (const char *extra,
                     const char *part)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  write_config (dir, extra);
  project = strata_project_new (file, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG);
  if (strstr (error->message, part) == NULL)
    g_error ("“%s” is not in “%s”", part, error->message);
  ct_remove_tree (dir);
}

static void
test_config (void)
{
  g_autofree char *dir = make_project ("backup = ALWAYS\nbackup_keep = 0\nbackup_dir = /tmp/x\n");
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autofree char *plain_dir = make_project ("");
  g_autoptr(StrataProject) plain = ct_open_project (plain_dir);
  g_autofree char *default_dir = g_build_filename (plain_dir, "backups", NULL);

  g_assert_cmpuint (g_strv_length ((GStrv)strata_project_get_warnings (project)), ==, 0);
  g_assert_cmpint (strata_project_get_backup_policy (project), ==, STRATA_BACKUP_POLICY_ALWAYS);
  g_assert_cmpuint (strata_project_get_backup_keep (project), ==, 0);
  g_assert_cmpstr (g_file_peek_path (strata_project_get_backup_directory (project)), ==, "/tmp/x");
  g_assert_cmpint (strata_project_get_backup_policy (plain), ==,
                   STRATA_BACKUP_POLICY_DESTRUCTIVE);
  g_assert_cmpuint (strata_project_get_backup_keep (plain), ==, 10);
  g_assert_cmpstr (g_file_peek_path (strata_project_get_backup_directory (plain)), ==,
                   default_dir);

  expect_config_error ("backup = sometimes\n", "strata.ini:3: “backup = sometimes” is not valid");
  expect_config_error ("backup_keep = -1\n", "“backup_keep = -1” is not valid");
  expect_config_error ("backup_keep = ten\n", "a number of backups to keep");
  ct_remove_tree (dir);
  ct_remove_tree (plain_dir);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  g_autofree char *dir = make_project ("");
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(StrataBackup) backup = NULL;
  g_autoptr(StrataBackup) replaced = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  strata_backup_create_async (project, NULL, done_cb, &created);
  backup = strata_backup_create_finish (wait_for (&created), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_backup_get_revision (backup), ==, "r1");

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r2");
  strata_backup_list_async (project, NULL, done_cb, &listed);
  backups = strata_backup_list_finish (wait_for (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);

  strata_backup_restore_async (project, strata_backup_get_name (backup), NULL, done_cb,
                               &restored);
  replaced = strata_backup_restore_finish (wait_for (&restored), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_backup_get_revision (replaced), ==, "r2");
  {
    g_autofree char *db = g_build_filename (dir, "test.db", NULL);
    g_autofree char *heads = ct_heads (db);
    g_assert_cmpstr (heads, ==, "r1");
  }
  ct_remove_tree (dir);
}

static void
test_names (void)
{
  g_autoptr(GFile) good = g_file_new_for_path ("/b/my-app-a1b2+c3d4-20240102T030405.000006Z.db");
  g_autoptr(GFile) no_time = g_file_new_for_path ("/b/my-app-a1b2.db");
  g_autoptr(GFile) bad_time = g_file_new_for_path ("/b/app-r1-yesterday.db");
  g_autoptr(GFile) other = g_file_new_for_path ("/b/app-r1-20240102T030405Z.sqlite");
  g_autoptr(StrataBackup) backup = strata_backup_new_for_file (good);

  g_assert_nonnull (backup);
  g_assert_cmpstr (strata_backup_get_database_name (backup), ==, "my-app");
  g_assert_cmpstr (strata_backup_get_revision (backup), ==, "a1b2+c3d4");
  g_assert_cmpint (g_date_time_get_microsecond (strata_backup_get_created (backup)), ==, 6);
  g_assert_null (strata_backup_new_for_file (no_time));
  {
    g_autoptr(GFile) tagged_file =
      g_file_new_for_path ("/b/my-app-a1b2-20240102T030405.000006Z-0a1b2c3d.db");
    g_autoptr(StrataBackup) tagged = strata_backup_new_for_file (tagged_file);

    g_assert_nonnull (tagged);
    g_assert_cmpstr (strata_backup_get_database_name (tagged), ==, "my-app");
    g_assert_cmpstr (strata_backup_get_revision (tagged), ==, "a1b2");
    g_assert_cmpint (g_date_time_get_microsecond (strata_backup_get_created (tagged)), ==, 6);
  }
  g_assert_null (strata_backup_new_for_file (bad_time));
  g_assert_null (strata_backup_new_for_file (other));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/backup/names", test_names);
  g_test_add_func ("/core/backup/destructive", test_destructive);
  g_test_add_func ("/core/backup/policies", test_policies);
  g_test_add_func ("/core/backup/plan-decides", test_plan_decides);
  g_test_add_func ("/core/backup/prune", test_prune);
  g_test_add_func ("/core/backup/restore", test_restore);
  g_test_add_func ("/core/backup/restore-refused", test_restore_refused);
  g_test_add_func ("/core/backup/backup-fails", test_backup_fails);
  g_test_add_func ("/core/backup/config", test_config);
  g_test_add_func ("/core/backup/async", test_async);

  return g_test_run ();
}
