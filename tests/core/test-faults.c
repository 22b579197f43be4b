/* test-faults.c: processes racing, a full disk, read-only places: clear
 * errors and nothing lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core-test.h"

#define N_REVISIONS 12
#define N_SEED      50
#define N_ROWS      200

/* Revision fNN creates table tNN with rows and adds one to every seed row, so
 * schema, data and version table all say how many revisions landed. */
static char *
make_project (void)
{
  char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  sqlite3 *handle = NULL;

  ct_write_config (dir);
  for (guint i = 1; i <= N_REVISIONS; i++)
    {
      g_autofree char *id = g_strdup_printf ("f%02u", i);
      g_autofree char *down = i > 1 ? g_strdup_printf ("f%02u", i - 1) : NULL;
      g_autofree char *up =
        g_strdup_printf ("CREATE TABLE t%02u (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
                         "INSERT INTO t%02u (v) WITH RECURSIVE c(x) AS "
                         "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT %d) "
                         "SELECT hex(randomblob(32)) FROM c;\n"
                         "UPDATE seed SET n = n + 1;\n", i, i, N_ROWS);
      g_autofree char *downgrade = g_strdup_printf ("UPDATE seed SET n = n - 1;\n"
                                                    "DROP TABLE t%02u;\n", i);
      ct_write_revision (dir, id, down, id, up, downgrade);
    }
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "CREATE TABLE seed (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                                 "INSERT INTO seed (n) WITH RECURSIVE c(x) AS "
                                 "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50) "
                                 "SELECT 0 FROM c;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  return dir;
}

static guint
landed_from_heads (const char *heads)
{
  return heads[0] != '\0' ? (guint)g_ascii_strtoull (heads + 1, NULL, 10) : 0;
}

/* The schema, the rows and the version table agree; returns how many
 * revisions landed. */
static guint
check_consistent (const char *db)
{
  g_autofree char *integrity = ct_query (db, "PRAGMA integrity_check");
  g_autofree char *heads = NULL;
  guint landed = 0;

  g_assert_cmpstr (integrity, ==, "ok");
  if (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'alembic_version'") > 0)
    landed = landed_from_heads (heads = ct_heads (db));
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                                     "AND name GLOB 't[0-9][0-9]'"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM seed"), ==, N_SEED);
  g_assert_cmpint (ct_query_int (db, "SELECT min(n) FROM seed"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT max(n) FROM seed"), ==, landed);
  for (guint i = 1; i <= landed; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM t%02u", i);
      g_assert_cmpint (ct_query_int (db, sql), ==, N_ROWS);
    }
  return landed;
}

/* Concurrency ----------------------------------------------------------------- */

static char *
helper_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self);

  return g_build_filename (dir, "strata-fault-helper", NULL);
}

typedef struct
{
  GPid   pid;
  int    err_fd;
  char  *command;
} Child;

static void
spawn_child (Child      *child,
             const char *dir)
{
  g_autofree char *helper = helper_path ();
  g_autofree char *target = NULL;
  const char *direction;
  const char *argv[5];
  g_autoptr(GError) error = NULL;

  switch (g_test_rand_int_range (0, 3))
    {
    case 0:
      direction = "upgrade", target = g_strdup ("head");
      break;
    case 1:
      direction = "upgrade",
      target = g_strdup_printf ("f%02d", g_test_rand_int_range (1, N_REVISIONS + 1));
      break;
    default:
      direction = "downgrade", target = g_strdup ("base");
      break;
    }
  argv[0] = helper, argv[1] = dir, argv[2] = direction, argv[3] = target, argv[4] = NULL;
  child->command = g_strdup_printf ("%s %s", direction, target);
  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &child->pid, NULL, NULL, &child->err_fd, &error);
  g_assert_no_error (error);
}

static char *
read_all (int fd)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[512];
  gssize n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  close (fd);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Replays the successful rows of strata_history: every step starts from the
 * rows the one before it left, so none ran twice or on a stale state. */
static void
check_history (const char *db)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *state = g_strdup ("");
  g_autofree char *heads = ct_heads (db);

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT direction, revision, from_heads, to_heads "
                                               "FROM strata_history WHERE outcome = 'success' "
                                               "ORDER BY id", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *direction = (const char *)sqlite3_column_text (stmt, 0);
      const char *revision = (const char *)sqlite3_column_text (stmt, 1);
      const char *from = (const char *)sqlite3_column_text (stmt, 2);
      const char *to = (const char *)sqlite3_column_text (stmt, 3);
      guint n = landed_from_heads (revision);

      g_assert_cmpstr (from, ==, state);
      if (g_str_equal (direction, "upgrade"))
        g_assert_cmpuint (landed_from_heads (to), ==, n);
      else
        g_assert_cmpuint (landed_from_heads (to), ==, n - 1);
      g_free (state);
      state = g_strdup (to);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  g_assert_cmpstr (state, ==, heads);
}

static void
test_concurrent (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  guint counts[5] = { 0 };
  const guint rounds = 8, width = 6;

  /* Short enough that some runs give up, long enough that most wait. */
  g_setenv ("STRATA_BUSY_TIMEOUT_MS", "30", TRUE);
  for (guint round = 0; round < rounds; round++)
    {
      Child children[6] = { { 0 } };

      for (guint i = 0; i < width; i++)
        spawn_child (&children[i], dir);
      for (guint i = 0; i < width; i++)
        {
          g_autofree char *err = read_all (children[i].err_fd);
          int status = 0;
          int code;

          g_assert_cmpint (waitpid (children[i].pid, &status, 0), ==, children[i].pid);
          g_assert_true (WIFEXITED (status));
          code = WEXITSTATUS (status);
          if (code == 3)
            g_assert_true (g_str_has_prefix (err, "database is busy: "));
          else if (code == 4)
            g_assert_true (g_str_has_prefix (err, "another process migrated "));
          else if (code != 0)
            g_error ("%s: exit %d: %s", children[i].command, code, err);
          counts[code]++;
          g_free (children[i].command);
        }
      check_consistent (db);
    }
  g_unsetenv ("STRATA_BUSY_TIMEOUT_MS");
  check_history (db);
  g_test_message ("%u runs: %u succeeded, %u busy, %u found the version table moved",
                  rounds * width, counts[0], counts[3], counts[4]);
  g_assert_cmpuint (counts[0], >, 0);
  ct_remove_tree (dir);
}

/* A full disk ------------------------------------------------------------------ */

/* A VFS over the default one that fails every write past a budget of bytes
 * with SQLITE_FULL, as a full filesystem does; loop mounts and small tmpfs
 * need privileges a CI machine may not have. */
typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} FullFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs full_vfs;
static sqlite3_io_methods full_methods;
static gint64 write_budget = -1;  /* bytes left; -1: no limit */
static gint64 bytes_written;

static int
full_write (sqlite3_file *file,
            const void   *data,
            int           amount,
            sqlite3_int64 offset)
{
  FullFile *self = (FullFile *)file;

  if (write_budget >= 0 && amount > write_budget)
    {
      write_budget = 0;
      return SQLITE_FULL;
    }
  if (write_budget >= 0)
    write_budget -= amount;
  bytes_written += amount;
  return self->real->pMethods->xWrite (self->real, data, amount, offset);
}

static int
full_close (sqlite3_file *file)
{
  FullFile *self = (FullFile *)file;
  int rc = self->real->pMethods->xClose (self->real);

  g_free (self->real);
  return rc;
}

#define FORWARD(name, signature, args) \
  static int full_##name signature \
  { FullFile *self = (FullFile *)file; return self->real->pMethods->x##name args; }

FORWARD (Read, (sqlite3_file *file, void *b, int n, sqlite3_int64 o), (self->real, b, n, o))
FORWARD (Truncate, (sqlite3_file *file, sqlite3_int64 size), (self->real, size))
FORWARD (Sync, (sqlite3_file *file, int flags), (self->real, flags))
FORWARD (FileSize, (sqlite3_file *file, sqlite3_int64 *size), (self->real, size))
FORWARD (Lock, (sqlite3_file *file, int level), (self->real, level))
FORWARD (Unlock, (sqlite3_file *file, int level), (self->real, level))
FORWARD (CheckReservedLock, (sqlite3_file *file, int *out), (self->real, out))
FORWARD (FileControl, (sqlite3_file *file, int op, void *arg), (self->real, op, arg))
FORWARD (SectorSize, (sqlite3_file *file), (self->real))
FORWARD (DeviceCharacteristics, (sqlite3_file *file), (self->real))
FORWARD (ShmMap, (sqlite3_file *file, int i, int size, int extend, void volatile **p),
         (self->real, i, size, extend, p))
FORWARD (ShmLock, (sqlite3_file *file, int offset, int n, int flags),
         (self->real, offset, n, flags))
FORWARD (ShmUnmap, (sqlite3_file *file, int delete_flag), (self->real, delete_flag))
FORWARD (Fetch, (sqlite3_file *file, sqlite3_int64 o, int n, void **p), (self->real, o, n, p))
FORWARD (Unfetch, (sqlite3_file *file, sqlite3_int64 o, void *p), (self->real, o, p))

static void
full_ShmBarrier (sqlite3_file *file)
{
  FullFile *self = (FullFile *)file;
  self->real->pMethods->xShmBarrier (self->real);
}

static int
full_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  FullFile *self = (FullFile *)file;
  int rc;

  self->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, self->real, flags, out_flags);
  if (rc != SQLITE_OK || self->real->pMethods == NULL)
    {
      g_clear_pointer (&self->real, g_free);
      self->base.pMethods = NULL;
      return rc;
    }
  self->base.pMethods = &full_methods;
  return SQLITE_OK;
}

static void
register_full_vfs (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  full_vfs = *real_vfs;
  full_vfs.zName = "strata-full";
  full_vfs.szOsFile = sizeof (FullFile);
  full_vfs.xOpen = full_open;
  full_methods = (sqlite3_io_methods) {
    3, full_close, full_Read, full_write, full_Truncate, full_Sync, full_FileSize, full_Lock,
    full_Unlock, full_CheckReservedLock, full_FileControl, full_SectorSize,
    full_DeviceCharacteristics, full_ShmMap, full_ShmLock, full_ShmBarrier, full_ShmUnmap,
    full_Fetch, full_Unfetch,
  };
  /* The default from now on, so the core opens its files through it. */
  g_assert_cmpint (sqlite3_vfs_register (&full_vfs, 1), ==, SQLITE_OK);
}

static gboolean
upgrade (const char  *dir,
         GError     **error)
{
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigration) migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE,
                                                               "head");
  return strata_migration_run (migration, NULL, error);
}

static void
test_disk_full (void)
{
  gint64 total;
  guint failures = 0;
  const guint trials = 40;

  register_full_vfs ();
  /* How much a whole run writes, to spread the failures over it. */
  {
    g_autofree char *dir = make_project ();
    g_autoptr(GError) error = NULL;

    bytes_written = 0;
    g_assert_true (upgrade (dir, &error));
    total = bytes_written;
    ct_remove_tree (dir);
  }

  for (guint i = 0; i < trials; i++)
    {
      g_autofree char *dir = make_project ();
      g_autofree char *db = g_build_filename (dir, "test.db", NULL);
      g_autoptr(GError) error = NULL;
      guint landed;

      write_budget = total * i / trials + g_test_rand_int_range (0, 4096);
      if (!upgrade (dir, &error))
        {
          failures++;
          /* One clear sentence with SQLite's words in it. */
          g_assert_nonnull (error);
          g_assert_true (strstr (error->message, "database or disk is full") != NULL);
        }
      write_budget = -1;
      g_clear_error (&error);

      /* Room again: the file is whole, nothing is lost, and the job finishes. */
      landed = check_consistent (db);
      g_test_message ("budget %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ": stopped at %u",
                      total * i / trials, total, landed);
      g_assert_true (upgrade (dir, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (check_consistent (db), ==, N_REVISIONS);
      ct_remove_tree (dir);
    }
  sqlite3_vfs_unregister (&full_vfs);
  g_assert_cmpuint (failures, >=, trials / 2);
}

/* Read-only places --------------------------------------------------------------- */

static void
drop_privileges (void)
{
  if (getuid () == 0)
    {
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
}

/* Runs as nobody: a rehearsal only reads, so it works on a read-only file;
 * a backup or a restore into a place that cannot be written says so. */
static void
read_only_child (void)
{
  const char *dir = g_getenv ("CT_FAULTS_DIR");
  const char *what = g_getenv ("CT_FAULTS_WHAT");
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs inside /core/faults/read-only");
      return;
    }
  drop_privileges ();
  project = ct_open_project (dir);
  if (g_str_equal (what, "rehearse"))
    {
      g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, "head");
      g_assert_true (strata_rehearsal_run (rehearsal, NULL, &error));
      g_assert_no_error (error);
      g_print ("rehearsed %u\n", strata_rehearsal_get_n_checked (rehearsal));
    }
  else if (g_str_equal (what, "downgrade"))
    {
      g_autoptr(StrataMigration) migration =
        strata_migration_new (project, STRATA_DIRECTION_DOWNGRADE, "base");
      g_assert_false (strata_migration_run (migration, NULL, &error));
      g_print ("%s\n", error->message);
    }
  else
    {
      g_autoptr(StrataBackup) replaced = strata_backup_restore (project, what, NULL, &error);
      g_assert_null (replaced);
      g_assert_nonnull (error);
      g_print ("%s\n", error->message);
    }
}

static void
expect_child (const char *dir,
              const char *what,
              const char *pattern)
{
  g_autofree char *before = ct_snapshot (dir);
  g_autofree char *after = NULL;

  g_setenv ("CT_FAULTS_DIR", dir, TRUE);
  g_setenv ("CT_FAULTS_WHAT", what, TRUE);
  g_test_trap_subprocess ("/core/faults/read-only/child", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (pattern);
  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_read_only (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *backups = g_build_filename (dir, "backups", NULL);
  g_autofree char *name = NULL;
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(GPtrArray) list = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "f06");
  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "f05");
  list = strata_backup_list (project, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  name = g_strdup (strata_backup_get_name (g_ptr_array_index (list, 0)));

  /* A read-only database in a read-only folder: the rehearsal reads it;
   * restoring into it is refused with a clear sentence. */
  g_assert_cmpint (g_chmod (db, 0444), ==, 0);
  g_assert_cmpint (g_chmod (backups, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  expect_child (dir, "rehearse", "rehearsed 7*");
  expect_child (dir, name, "*test.db is read-only; make it writable*");

  /* A writable database whose backup folder is read-only: the destructive
   * downgrade does not start without its backup. */
  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (db, 0666), ==, 0);
  g_assert_cmpint (g_chmod (backups, 0555), ==, 0);
  expect_child (dir, "downgrade", "*cannot write a backup*nothing was migrated*");
  g_assert_cmpuint (check_consistent (db), ==, 5);
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/faults/concurrent", test_concurrent);
  g_test_add_func ("/core/faults/disk-full", test_disk_full);
  g_test_add_func ("/core/faults/read-only", test_read_only);
  g_test_add_func ("/core/faults/read-only/child", read_only_child);

  return g_test_run ();
}
