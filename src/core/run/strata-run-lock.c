/* strata-run-lock.c: who holds the database, and the lock of a transaction:false section
 *
 * A run that holds SQLite's write lock leaves a note beside the database
 * naming itself, so that a second process that finds the database busy can
 * say who has it. A transaction:false section runs under a flock() of its
 * own (see _strata_run_lock_section()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-run-private.h"

void
_strata_run_write_lock_note (StrataRun *run)
{
  _StrataRunRequest *request = run->request;
  g_autoptr(GKeyFile) note = g_key_file_new ();
  g_autofree char *command = NULL;
  g_autofree char *started = _strata_run_now_iso8601 ();
  g_autofree char *data = NULL;

  if (run->lock_written)
    return;

  /* Only a hint for a second process that finds the database busy, so a
   * failure to write it changes nothing. */
  command = g_strdup_printf ("%s %s %s", g_get_prgname () ? g_get_prgname () : "strata",
                             strata_direction_to_string (request->direction), request->target);
  g_key_file_set_int64 (note, "lock", "pid", getpid ());
  g_key_file_set_string (note, "lock", "host", g_get_host_name ());
  g_key_file_set_string (note, "lock", "command", command);
  g_key_file_set_string (note, "lock", "started", started);
  data = g_key_file_to_data (note, NULL, NULL);
  run->lock_written = g_file_set_contents (run->lock_path, data, -1, NULL);
}

void
_strata_run_remove_lock_note (StrataRun *run)
{
  g_autoptr(GKeyFile) note = g_key_file_new ();

  if (!run->lock_written)
    return;
  /* Another run may have replaced ours since; its note stays. */
  if (g_key_file_load_from_file (note, run->lock_path, G_KEY_FILE_NONE, NULL) &&
      g_key_file_get_int64 (note, "lock", "pid", NULL) == getpid ())
    g_unlink (run->lock_path);
  run->lock_written = FALSE;
}

/* "strata-cli upgrade head (pid 1234, since …)", or NULL when no live strata
 * process left a note. */
static char *
read_lock_holder (StrataRun *run)
{
  g_autoptr(GKeyFile) note = g_key_file_new ();
  g_autofree char *host = NULL;
  g_autofree char *command = NULL;
  g_autofree char *started = NULL;
  gint64 pid;

  if (!g_key_file_load_from_file (note, run->lock_path, G_KEY_FILE_NONE, NULL))
    return NULL;
  pid = g_key_file_get_int64 (note, "lock", "pid", NULL);
  host = g_key_file_get_string (note, "lock", "host", NULL);
  command = g_key_file_get_string (note, "lock", "command", NULL);
  started = g_key_file_get_string (note, "lock", "started", NULL);

  /* Our own note says nothing about who else holds the database: a run
   * that holds the write lock and still finds it busy waits for readers. */
  if (run->lock_written && pid == getpid ())
    return NULL;
  /* A note from a process that died (kill -9) or from another machine is stale. */
  if (pid <= 0 || g_strcmp0 (host, g_get_host_name ()) != 0 ||
      (kill ((pid_t)pid, 0) != 0 && errno == ESRCH))
    return NULL;
  /* %lld rather than G_GINT64_FORMAT: xgettext cannot see through the macro. */
  return g_strdup_printf (_("“%s” (pid %lld, since %s)"),
                          command != NULL ? command : "strata", (long long)pid,
                          started != NULL ? started : "?");
}

void
_strata_run_set_busy_error (StrataRun  *run,
                            GError    **error)
{
  g_autofree char *holder = read_lock_holder (run);
  g_autofree char *name = g_file_get_parse_name (run->request->database_file);
  double seconds = _strata_database_get_busy_timeout () / 1000.0;

  if (holder != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: %s is being migrated by %s; wait for it to finish"),
                 name, holder);
  else if (run->lock_written)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: another program has been reading %s for more than "
                   "%.1f s, and a revision cannot be committed while it reads; nothing was "
                   "changed; close that program (or its open query) and try again"),
                 name, seconds);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: another connection has held the write lock on %s for "
                   "more than %.1f s; close the program that has it open for writing and try "
                   "again"),
                 name, seconds);
}

/* SQLite's write lock cannot be held across a section that runs outside a
 * transaction (VACUUM, PRAGMA journal_mode), so the version check, the
 * section and its bookkeeping happen under a lock of their own: flock() on
 * "<database>-strata-run.lock", which every process about to run such a
 * section takes. Otherwise each of several processes started at once passes
 * the version check before any has run the section, and all run it. The
 * kernel drops the lock when its process dies, even by kill -9; the file
 * stays, so that two processes never lock two different files of that name.
 * Returns the locked descriptor, or -1 with @error set. */
int
_strata_run_lock_section (StrataRun  *run,
                          GError    **error)
{
  g_autofree char *db_path = g_file_get_path (run->request->database_file);
  g_autofree char *path = g_strconcat (db_path != NULL ? db_path : "", "-strata-run.lock", NULL);
  gint64 deadline = g_get_monotonic_time () +
                    (gint64)_strata_database_get_busy_timeout () * 1000;
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("cannot open %s to run a “transaction:false” section alone: %s; nothing of "
                   "the section was run"), path, g_strerror (saved_errno));
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      if (saved_errno == EWOULDBLOCK && g_get_monotonic_time () < deadline &&
          !g_cancellable_is_cancelled (run->cancellable))
        {
          g_usleep (10 * 1000);
          continue;
        }
      close (fd);
      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return -1;
      if (saved_errno == EWOULDBLOCK)
        _strata_run_set_busy_error (run, error);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                     _("cannot lock %s to run a “transaction:false” section alone: %s; nothing "
                       "of the section was run"), path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}
