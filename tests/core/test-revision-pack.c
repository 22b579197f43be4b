/* test-revision-pack.c: the cache of revision files is never believed over
 * the files themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem() */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core-test.h"
#include "strata-revision-pack-private.h"

/* Files count as settled 50 ms after their last change instead of two
 * seconds; the tests wait twice that before a load that should pack them. */
#define SETTLE_MS "50"
#define SETTLED_US (100 * 1000)

typedef struct
{
  char          *dir;
  char          *versions;
  StrataProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_setenv ("STRATA_CACHE_SETTLE_MS", SETTLE_MS, TRUE);
  g_unsetenv ("STRATA_NO_CACHE");
  fixture->dir = ct_make_tmp ();
  ct_write_config (fixture->dir);
  ct_write_revision (fixture->dir, "aaaa00000001", NULL, "one",
                     "CREATE TABLE one (id INTEGER);", "DROP TABLE one;");
  ct_write_revision (fixture->dir, "aaaa00000002", "aaaa00000001", "two",
                     "CREATE TABLE two (id INTEGER);", "DROP TABLE two;");
  ct_write_revision (fixture->dir, "aaaa00000003", "aaaa00000002", "three",
                     "CREATE TABLE three (id INTEGER);", "DROP TABLE three;");
  fixture->versions = g_build_filename (fixture->dir, "versions", NULL);
  fixture->project = ct_open_project (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->project);
  ct_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->versions);
}

static StrataRevisionGraph *
load (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  StrataRevisionGraph *graph = strata_project_load_graph (fixture->project, NULL, &error);

  g_assert_no_error (error);
  return graph;
}

static guint
pack_size (Fixture *fixture)
{
  g_autoptr(StrataRevisionPack) pack = _strata_revision_pack_open (fixture->versions);

  return _strata_revision_pack_get_size (pack);
}

static char *
upgrade_sql (StrataRevisionGraph *graph,
             const char          *id)
{
  StrataRevision *revision = strata_revision_graph_lookup (graph, id);

  g_assert_nonnull (revision);
  return g_strdup (strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE));
}

static char *
pack_file (Fixture *fixture)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                           fixture->versions, -1);
  g_autofree char *name = g_strconcat (digest, ".pack", NULL);

  return g_build_filename (g_get_user_cache_dir (), "strata", "revisions", name, NULL);
}

/* What comes out of the pack is what the files say, to the line number. */
static void
test_same_graph (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) packed = NULL;
  g_autoptr(StrataRevisionGraph) unpacked = NULL;
  const char *ids[] = { "aaaa00000001", "aaaa00000002", "aaaa00000003" };

  g_usleep (SETTLED_US);
  first = load (fixture);
  g_assert_cmpuint (pack_size (fixture), ==, 3);
  packed = load (fixture);
  g_setenv ("STRATA_NO_CACHE", "1", TRUE);
  unpacked = load (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      StrataRevision *a = strata_revision_graph_lookup (packed, ids[i]);
      StrataRevision *b = strata_revision_graph_lookup (unpacked, ids[i]);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpstr (strata_revision_get_message (a), ==, strata_revision_get_message (b));
      for (StrataDirection d = STRATA_DIRECTION_UPGRADE; d <= STRATA_DIRECTION_DOWNGRADE; d++)
        {
          g_assert_cmpstr (strata_revision_get_sql (a, d), ==, strata_revision_get_sql (b, d));
          g_assert_cmpuint (strata_revision_get_sql_line (a, d), ==,
                            strata_revision_get_sql_line (b, d));
        }
      g_assert_cmpstr (strata_revision_get_display_path (a), ==,
                       strata_revision_get_display_path (b));
    }
}

/* The edit git's "racy clean" problem is about: same size, and the mtime put
 * back as it was. The ctime still moves, and the pack is not believed. */
static void
test_edit_with_mtime_restored (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->versions, "aaaa00000002.sql", NULL);
  g_autoptr(StrataRevisionGraph) before = NULL;
  g_autoptr(StrataRevisionGraph) after = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sql = NULL;
  char *table;
  struct stat info;
  struct timespec times[2];

  g_usleep (SETTLED_US);
  before = load (fixture);
  g_assert_cmpuint (pack_size (fixture), ==, 3);

  g_assert_no_errno (stat (path, &info));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull ((table = strstr (contents, "CREATE TABLE two")));
  memcpy (table, "CREATE TABLE owt", strlen ("CREATE TABLE owt"));
  g_usleep (20 * 1000);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  times[0] = info.st_atim;
  times[1] = info.st_mtim;
  g_assert_no_errno (utimensat (AT_FDCWD, path, times, 0));

  after = load (fixture);
  sql = upgrade_sql (after, "aaaa00000002");
  g_assert_cmpstr (sql, ==, "CREATE TABLE owt (id INTEGER);\n");
}

/* A file changed a moment ago might change again within the same tick of
 * the file system's clock, unseen: it stays out of the pack until settled. */
static void
test_fresh_files_stay_out (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) second = NULL;

  g_usleep (SETTLED_US);
  ct_write_revision (fixture->dir, "aaaa00000004", "aaaa00000003", "four",
                     "CREATE TABLE four (id INTEGER);", "DROP TABLE four;");
  first = load (fixture);
  g_assert_cmpuint (strata_revision_graph_get_n_revisions (first), ==, 4);
  g_assert_cmpuint (pack_size (fixture), ==, 3);

  g_usleep (SETTLED_US);
  second = load (fixture);
  g_assert_cmpuint (pack_size (fixture), ==, 4);
}

static void
test_removed_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->versions, "aaaa00000003.sql", NULL);
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) second = NULL;

  g_usleep (SETTLED_US);
  first = load (fixture);
  g_assert_no_errno (g_unlink (path));
  second = load (fixture);
  g_assert_null (strata_revision_graph_lookup (second, "aaaa00000003"));
  g_assert_cmpuint (strata_revision_graph_get_n_revisions (second), ==, 2);
  g_assert_cmpuint (pack_size (fixture), ==, 2);
}

/* Whatever is wrong with the pack, the files are read and a good pack
 * written in its place. */
static void
test_damaged_pack (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *pack = pack_file (fixture);
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autofree char *good = NULL;
  gsize length = 0;
  /* After the 40 bytes of header and the folder's path; a stamp is 56 bytes. */
  gsize first_entry = (40 + strlen (fixture->versions) + 1 + 7) & ~(gsize)7;

  g_usleep (SETTLED_US);
  first = load (fixture);
  g_assert_true (g_file_get_contents (pack, &good, &length, NULL));

  for (guint damage = 0; damage < 5; damage++)
    {
      g_autoptr(StrataRevisionGraph) graph = NULL;
      g_autofree char *bad = g_memdup2 (good, length);
      gsize bad_length = length;
      g_autofree char *sql = NULL;

      switch (damage)
        {
        case 0: bad_length = length / 2; break;                  /* cut short */
        case 1: bad[0] ^= 1; break;                              /* not a pack */
        case 2: memset (bad + first_entry + 56, 0xff, 4); break; /* a name past the end */
        case 3: bad_length = 0; break;                           /* empty */
        default: memset (bad + length - 64, 'x', 64); break;     /* tail overwritten */
        }
      g_assert_true (g_file_set_contents (pack, bad, bad_length, NULL));
      graph = load (fixture);
      sql = upgrade_sql (graph, "aaaa00000003");
      g_assert_cmpstr (sql, ==, "CREATE TABLE three (id INTEGER);\n");
      g_assert_cmpuint (strata_revision_graph_get_n_revisions (graph), ==, 3);
      g_assert_cmpuint (pack_size (fixture), ==, 3);
    }
}

static void
test_switched_off (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *pack = pack_file (fixture);
  g_autoptr(StrataRevisionGraph) graph = NULL;

  g_setenv ("STRATA_NO_CACHE", "1", TRUE);
  g_usleep (SETTLED_US);
  graph = load (fixture);
  g_assert_cmpuint (strata_revision_graph_get_n_revisions (graph), ==, 3);
  g_assert_false (g_file_test (pack, G_FILE_TEST_EXISTS));
}

static const char *table_names[] = { "one", "two", "three" };

static char *
table_sql (const char *table)
{
  return g_strdup_printf ("CREATE TABLE %s (id INTEGER);\n", table);
}

/* Upgrades the fixture's database to head with @graph (NULL: loaded by the
 * run) and asserts what a user would look at: every table exists, and
 * strata_history records the SQL and checksum of the files, byte for byte. */
static void
upgrade_and_check (Fixture             *fixture,
                   StrataRevisionGraph *graph)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (fixture->project,
                                                               STRATA_DIRECTION_UPGRADE, "head");
  g_autofree char *db = g_build_filename (fixture->dir, "test.db", NULL);
  g_autoptr(GError) error = NULL;

  if (graph != NULL)
    strata_migration_set_graph (migration, graph);
  g_assert_true (strata_migration_run (migration, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (table_names); i++)
    {
      g_autofree char *expected_sql = table_sql (table_names[i]);
      g_autofree char *expected_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                                     expected_sql, -1);
      g_autofree char *query = g_strdup_printf ("SELECT count(*) FROM sqlite_master "
                                                "WHERE type = 'table' AND name = '%s'",
                                                table_names[i]);
      g_autofree char *sum_query = g_strdup_printf ("SELECT checksum FROM strata_history "
                                                    "WHERE revision = 'aaaa0000000%u'", i + 1);
      g_autofree char *sql_query = g_strdup_printf ("SELECT upgrade_sql FROM strata_history "
                                                    "WHERE revision = 'aaaa0000000%u'", i + 1);
      g_autofree char *sum = ct_query (db, sum_query);
      g_autofree char *sql = ct_query (db, sql_query);

      g_assert_cmpint (ct_query_int (db, query), ==, 1);
      g_assert_cmpstr (sum, ==, expected_sum);
      g_assert_cmpstr (sql, ==, expected_sql);
    }
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'evil'"),
                   ==, 0);
}

/* A pack that is whole and consistent but says something else than the
 * files, under their very stamps: the run still runs the files. */
static void
test_run_reads_files (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *names[] = { "aaaa00000001.sql", "aaaa00000002.sql", "aaaa00000003.sql" };
  StrataFileStamp stamps[3];
  GBytes *contents[3];

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (fixture->versions, names[i], NULL);
      g_autofree char *text = NULL;
      g_autofree char *lie = NULL;
      char *table;
      struct stat info;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_nonnull ((table = strstr (text, "CREATE TABLE ")));
      /* Same length, so that the stamp's size still fits. */
      lie = g_strdup (text);
      memcpy (lie + (table - text), "CREATE TABLE evil (i INTEGER);",
              strlen ("CREATE TABLE evil (i INTEGER);"));
      g_assert_no_errno (stat (path, &info));
      _strata_file_stamp_init (&stamps[i], &info);
      g_assert_cmpint (strlen (lie), ==, info.st_size);
      contents[i] = g_bytes_new (lie, strlen (lie));
    }
  g_usleep (SETTLED_US);
  _strata_revision_pack_write (fixture->versions, 3, names, stamps, contents);
  for (guint i = 0; i < 3; i++)
    g_bytes_unref (contents[i]);

  upgrade_and_check (fixture, NULL);
}

typedef enum
{
  DAMAGE_ZERO,
  DAMAGE_TRUNCATE,
  DAMAGE_FLIP,
} Damage;

/* Damages the pack in place, as another process could while a run reads
 * it: the same inode, rewritten or cut. */
static void
damage_in_place (Fixture *fixture,
                 Damage   damage)
{
  g_autofree char *pack = pack_file (fixture);
  g_autofree char *contents = NULL;
  gsize length = 0;
  char *sql;
  int fd;

  g_assert_true (g_file_get_contents (pack, &contents, &length, NULL));
  fd = open (pack, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  switch (damage)
    {
    case DAMAGE_ZERO:
      memset (contents, 0, length);
      break;
    case DAMAGE_TRUNCATE:
      g_assert_no_errno (ftruncate (fd, 0));
      length = 0;
      break;
    case DAMAGE_FLIP:
      /* One bit of the SQL, the pack's structure intact: "two" to "twn". */
      g_assert_nonnull ((sql = memmem (contents, length, "TABLE two", 9)));
      sql[8] ^= 0x01;
      break;
    }
  g_assert_cmpint (pwrite (fd, contents, length, 0), ==, (gssize)length);
  g_assert_no_errno (close (fd));
}

/* The pack damaged after the graph was loaded from it, before the steps run. */
static void
test_damaged_during_run (Fixture       *fixture,
                         gconstpointer  data)
{
  Damage damage = GPOINTER_TO_INT (data);
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;

  g_usleep (SETTLED_US);
  first = load (fixture);
  g_assert_cmpuint (pack_size (fixture), ==, 3);
  graph = load (fixture);
  damage_in_place (fixture, damage);
  upgrade_and_check (fixture, graph);
}

/* The pack damaged before anything reads it: nothing of it is believed, even
 * for listing, and the next load writes a good one. */
static void
test_damaged_before_run (Fixture       *fixture,
                         gconstpointer  data)
{
  Damage damage = GPOINTER_TO_INT (data);
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autofree char *sql = NULL;

  g_usleep (SETTLED_US);
  first = load (fixture);
  damage_in_place (fixture, damage);
  graph = load (fixture);
  sql = upgrade_sql (graph, "aaaa00000002");
  g_assert_cmpstr (sql, ==, "CREATE TABLE two (id INTEGER);\n");
  g_assert_cmpuint (pack_size (fixture), ==, 3);
  upgrade_and_check (fixture, NULL);
}

typedef enum
{
  ODD_FIFO,
  ODD_FOLDER,
  ODD_SYMLINK,
} Odd;

/* Whatever sits where the pack should be is not read as one, never blocks
 * a load, and is replaced by a good pack; a symbolic link's target is left
 * as it was. */
static void
test_odd_pack (Fixture       *fixture,
               gconstpointer  data)
{
  Odd odd = GPOINTER_TO_INT (data);
  g_autofree char *pack = pack_file (fixture);
  g_autofree char *elsewhere = g_build_filename (fixture->dir, "elsewhere.pack", NULL);
  g_autoptr(StrataRevisionGraph) first = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevisionGraph) again = NULL;
  g_autofree char *good = NULL;
  g_autofree char *target_before = NULL;
  g_autofree char *target_after = NULL;
  g_autofree char *sql = NULL;
  gsize length = 0;

  g_usleep (SETTLED_US);
  first = load (fixture);
  g_assert_true (g_file_get_contents (pack, &good, &length, NULL));
  g_assert_no_errno (g_unlink (pack));
  switch (odd)
    {
    case ODD_FIFO:
      g_assert_no_errno (mkfifo (pack, 0600));
      break;
    case ODD_FOLDER:
      g_assert_no_errno (g_mkdir (pack, 0700));
      break;
    case ODD_SYMLINK:
      /* A pack that lies, kept elsewhere: not followed. */
      g_assert_nonnull (memmem (good, length, "TABLE two", 9));
      memcpy (memmem (good, length, "TABLE two", 9), "TABLE owt", 9);
      g_assert_true (g_file_set_contents (elsewhere, good, length, NULL));
      g_assert_no_errno (symlink (elsewhere, pack));
      break;
    }
  target_before = ct_file_checksum (elsewhere);

  /* A hang would be a failure too, not a test that never ends. */
  alarm (20);
  graph = load (fixture);
  sql = upgrade_sql (graph, "aaaa00000002");
  g_assert_cmpstr (sql, ==, "CREATE TABLE two (id INTEGER);\n");
  again = load (fixture);
  alarm (0);
  g_assert_true (g_file_test (pack, G_FILE_TEST_IS_REGULAR) &&
                 !g_file_test (pack, G_FILE_TEST_IS_SYMLINK));
  g_assert_cmpuint (pack_size (fixture), ==, 3);
  target_after = ct_file_checksum (elsewhere);
  g_assert_cmpstr (target_before, ==, target_after);
  upgrade_and_check (fixture, NULL);
}

/* The fuzzer's seeds are packs of the current format: sealed with their
 * checksum, as the fuzzer does, they read; one bit changed after the sealing
 * and they do not. */
static void
test_seed_corpus (void)
{
  const char *seeds[] = { "two-entries", "empty-pack" };
  const guint expected[] = { 2, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("STRATA_SOURCE_ROOT"), "tests", "fuzz",
                                                "corpus", "pack", seeds[i], NULL);
      g_autofree char *data = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) flipped = NULL;
      g_autoptr(StrataRevisionPack) pack = NULL;
      g_autoptr(StrataRevisionPack) damaged = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      _strata_revision_pack_seal ((guint8 *)data, length);
      bytes = g_bytes_new (data, length);
      pack = _strata_revision_pack_new_for_bytes (bytes, "/fuzz/versions");
      g_assert_nonnull (pack);
      g_assert_cmpuint (_strata_revision_pack_get_size (pack), ==, expected[i]);

      data[length - 1] ^= 0x10;
      flipped = g_bytes_new (data, length);
      damaged = _strata_revision_pack_new_for_bytes (flipped, "/fuzz/versions");
      g_assert_null (damaged);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* A cache folder of the tests' own, set before GLib first reads it; each
   * test's project is a new folder, so its pack is a new file. (Not
   * G_TEST_OPTION_ISOLATE_DIRS: GLib 2.74 leaks the folders it replaces.) */
  g_autofree char *cache = g_dir_make_tmp ("strata-pack-test-XXXXXX", NULL);
  int status;

  g_assert_nonnull (cache);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/core/revision-pack/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("same-graph", test_same_graph);
  ADD ("edit-with-mtime-restored", test_edit_with_mtime_restored);
  ADD ("fresh-files-stay-out", test_fresh_files_stay_out);
  ADD ("removed-file", test_removed_file);
  ADD ("damaged-pack", test_damaged_pack);
  ADD ("switched-off", test_switched_off);
  ADD ("run-reads-files", test_run_reads_files);
#undef ADD
  g_test_add_func ("/core/revision-pack/seed-corpus", test_seed_corpus);
#define ADD_WITH(path, data, fn) \
  g_test_add ("/core/revision-pack/" path, Fixture, GINT_TO_POINTER (data), fixture_set_up, fn, \
              fixture_tear_down)
  ADD_WITH ("zeroed-during-run", DAMAGE_ZERO, test_damaged_during_run);
  ADD_WITH ("truncated-during-run", DAMAGE_TRUNCATE, test_damaged_during_run);
  ADD_WITH ("bit-flipped-during-run", DAMAGE_FLIP, test_damaged_during_run);
  ADD_WITH ("zeroed-before-run", DAMAGE_ZERO, test_damaged_before_run);
  ADD_WITH ("truncated-before-run", DAMAGE_TRUNCATE, test_damaged_before_run);
  ADD_WITH ("bit-flipped-before-run", DAMAGE_FLIP, test_damaged_before_run);
  ADD_WITH ("fifo-pack", ODD_FIFO, test_odd_pack);
  ADD_WITH ("folder-pack", ODD_FOLDER, test_odd_pack);
  ADD_WITH ("symlink-pack", ODD_SYMLINK, test_odd_pack);
#undef ADD_WITH

  status = g_test_run ();
  ct_remove_tree (cache);
  return status;
}
