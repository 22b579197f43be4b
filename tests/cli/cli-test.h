/* cli-test.h: running the real strata-cli on a copy of the example project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *root;     /* a temporary folder, removed afterwards */
  char *project;  /* root/project: a copy of migrations/ without databases */
  char *database; /* project/maker_hub.db, absent at first */
  char *versions; /* project/versions */
} CliFixture;

typedef struct
{
  int    status; /* the exit status */
  char  *out;
  char  *err;
  GStrv  lines;  /* stdout split into lines, without the empty last one */
} CliResult;

/* Call first, with main's arguments: the binary's path is the first argument
 * that is not a GTest option. */
void       cli_test_init          (int          *argc,
                                   char       ***argv);
const char *cli_test_get_binary   (void);

void       cli_fixture_setup      (CliFixture   *fixture,
                                   gconstpointer data);
void       cli_fixture_teardown   (CliFixture   *fixture,
                                   gconstpointer data);

/* Runs strata-cli with "-C project" and the NULL-terminated arguments. */
CliResult *cli_run                (CliFixture   *fixture,
                                   const char   *first_arg,
                                   ...) G_GNUC_NULL_TERMINATED;
/* Runs @argv (strata-cli's path prepended) in @cwd, with @env_overrides
 * ("NAME=value", or "NAME" to unset) applied to the environment. */
CliResult *cli_run_full           (const char         *cwd,
                                   const char * const *env_overrides,
                                   const char * const *argv);
/* Runs any program (the Alembic interop test). */
CliResult *cli_run_program        (const char         *cwd,
                                   const char * const *argv);
void       cli_result_free        (CliResult    *result);

/* Asserts the exit status, printing stdout and stderr when it differs. */
#define cli_assert_status(result, expected) \
  cli_assert_status_impl (result, expected, G_STRLOC)
void       cli_assert_status_impl (CliResult    *result,
                                   int           expected,
                                   const char   *location);
gboolean   cli_result_has_line    (CliResult    *result,
                                   const char   *line);

/* SHA-256 of a file's bytes, or "absent". */
char      *cli_file_digest        (const char   *path);
/* The rows of @sql in the database at @path, "|" between columns and "\n"
 * after each row, or NULL when the database cannot be opened. */
char      *cli_db_query           (const char   *path,
                                   const char   *sql);
/* Runs @sql on the database at @path, failing the test on error. */
void       cli_db_exec            (const char   *path,
                                   const char   *sql);
/* Writes @contents to @name in the versions folder. */
char      *cli_write_revision     (CliFixture   *fixture,
                                   const char   *name,
                                   const char   *contents);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

G_END_DECLS
