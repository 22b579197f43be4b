/* strata-project-loader.c: the revision files of a versions folder, read on
 * several threads, through the revision cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-error.h"
#include "strata-file-private.h"
#include "strata-project-settings-private.h"
#include "strata-revision-private.h"
#include "strata-revision-pack-private.h"
#include "strata-revision-graph.h"

/* The versions folder is read with plain POSIX calls, each file opened
 * relative to the folder: for a thousand small files, GIO's objects per entry
 * and per stream, and a path walked from the root for every open, cost more
 * than all the parsing. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The whole of @name in @dir, NUL-terminated, and its stamp as it was just
 * before the reading; NULL with errno set. Never waits on a FIFO put in the
 * file's place since the listing. A file too big to hold is left open for
 * reading a piece at a time instead: NULL with @big_fd set. */
static char *
read_file_at (DIR             *dir,
              const char      *name,
              StrataFileStamp *stamp,
              gsize           *length,
              int             *big_fd)
{
  struct stat info;
  char *contents;
  int saved_errno;
  int fd;

  if ((fd = _strata_file_open_regular (dirfd (dir), name, STRATA_READ_FOLLOW_SYMLINKS,
                                       &info)) < 0)
    return NULL;
  _strata_file_stamp_init (stamp, &info);
  if ((gsize)info.st_size > _strata_revision_stream_above ())
    {
      *big_fd = fd;
      return NULL;
    }
  contents = _strata_file_read_opened (fd, &info, length);
  saved_errno = errno;
  close (fd);
  errno = saved_errno;
  return contents;
}

/* The open versions folder, and what each of its files is called in messages. */
typedef struct
{
  DIR          *dir;
  char         *path;
  /* "versions/": strata_project_get_display_path() without a GFile per file;
   * NULL for a folder outside the project, whose files are asked about. */
  char         *display_prefix;
  GStringChunk *names;  /* the files' names */
} Folder;

static void
folder_clear (Folder *folder)
{
  g_clear_pointer (&folder->dir, closedir);
  g_clear_pointer (&folder->path, g_free);
  g_clear_pointer (&folder->display_prefix, g_free);
  g_clear_pointer (&folder->names, g_string_chunk_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Folder, folder_clear)

static char *
display_path_in (const StrataProjectSettings *self,
                 Folder                      *folder,
                 const char                  *path)
{
  g_autoptr(GFile) file = NULL;

  if (folder->display_prefix != NULL)
    return g_strconcat (folder->display_prefix, path + strlen (folder->path) + 1, NULL);
  file = g_file_new_for_path (path);
  return _strata_project_settings_display_path (self, file);
}

/* TRUE when the real path @path lies in the folder @root. */
static gboolean
is_inside (const char *path,
           const char *root)
{
  gsize length = strlen (root);

  return root[0] != '\0' && strncmp (path, root, length) == 0 &&
         (path[length] == G_DIR_SEPARATOR || g_str_equal (root, G_DIR_SEPARATOR_S));
}

static const char *
describe_kind (mode_t mode)
{
  if (S_ISFIFO (mode))
    return _("a FIFO");
  if (S_ISSOCK (mode))
    return _("a socket");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("a device");
  if (S_ISDIR (mode))
    return _("a folder");
  return _("not a file");
}

/* NULL when @name (not a plain regular file by its directory entry) is a
 * revision file all the same: a symbolic link to a regular file of the
 * project. Else what is wrong with it, for a message. A file gone since the
 * listing is left out (@gone). */
static char *
odd_file_problem (DIR         *dir,
                  const char  *folder_path,
                  const char  *roots[2],
                  const char  *name,
                  gboolean    *gone)
{
  g_autofree char *path = NULL;
  char real[PATH_MAX];
  struct stat info;

  *gone = FALSE;
  if (fstatat (dirfd (dir), name, &info, AT_SYMLINK_NOFOLLOW) != 0)
    {
      *gone = errno == ENOENT;
      return *gone ? NULL : g_strdup (g_strerror (errno));
    }
  if (S_ISREG (info.st_mode))
    return NULL;
  if (!S_ISLNK (info.st_mode))
    return g_strdup_printf (_("not a regular file but %s; remove it, or put the revision file "
                              "in its place"), describe_kind (info.st_mode));

  path = g_build_filename (folder_path, name, NULL);
  if (fstatat (dirfd (dir), name, &info, 0) != 0 || realpath (path, real) == NULL)
    return g_strdup_printf (_("a symbolic link that leads nowhere (%s); remove it, or point it "
                              "at the revision file"), g_strerror (errno));
  if (!is_inside (real, roots[0]) && !is_inside (real, roots[1]))
    return g_strdup_printf (_("a symbolic link to %s, outside the project; copy the revision "
                              "file into the versions folder instead"), real);
  if (!S_ISREG (info.st_mode))
    return g_strdup_printf (_("a symbolic link to %s, which is not a regular file but %s; "
                              "remove it"), real, describe_kind (info.st_mode));
  return NULL;
}

/* The *.sql file names of @dir, sorted, so that ties in the graph's order
 * are the same on every machine. The names are kept in @chunk: a thousand
 * names, a few allocations. Anything so named that is not a regular file of
 * the project (a FIFO, a socket, a folder, a dangling link or a link out of
 * the project) is an error: never skipped unsaid, never waited on. */
static GPtrArray *
list_revision_files (const StrataProjectSettings  *self,
                     Folder                       *folder,
                     GError                      **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *project_path = g_file_get_path (self->directory);
  char project_real[PATH_MAX] = "";
  char folder_real[PATH_MAX] = "";
  const char *roots[2] = { project_real, folder_real };
  struct dirent *entry;

  if (project_path == NULL || realpath (project_path, project_real) == NULL)
    project_real[0] = '\0';
  if (realpath (folder->path, folder_real) == NULL)
    folder_real[0] = '\0';

  while ((entry = readdir (folder->dir)) != NULL)
    {
      g_autofree char *problem = NULL;
      gboolean gone = FALSE;

      if (entry->d_name[0] == '.' || !g_str_has_suffix (entry->d_name, ".sql"))
        continue;
      if (entry->d_type != DT_REG &&
          (problem = odd_file_problem (folder->dir, folder->path, roots, entry->d_name, &gone)))
        {
          g_autofree char *path = g_build_filename (folder->path, entry->d_name, NULL);
          g_autofree char *display = display_path_in (self, folder, path);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, "%s: %s", display, problem);
          return NULL;
        }
      if (!gone)
        g_ptr_array_add (names, g_string_chunk_insert (folder->names, entry->d_name));
    }

  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

static gboolean
open_versions_directory (const StrataProjectSettings  *self,
                         Folder                       *folder,
                         GError                      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *relative = NULL;
  int saved_errno;

  folder->path = g_file_get_path (self->versions_directory);
  if (folder->path != NULL && (folder->dir = opendir (folder->path)) != NULL)
    {
      if (g_file_equal (self->versions_directory, self->directory))
        folder->display_prefix = g_strdup ("");
      else if ((relative = g_file_get_relative_path (self->directory, self->versions_directory)))
        folder->display_prefix = g_strconcat (relative, G_DIR_SEPARATOR_S, NULL);
      return TRUE;
    }

  saved_errno = folder->path != NULL ? errno : ENOTSUP;
  name = g_file_get_parse_name (self->versions_directory);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
               _("the versions folder %s cannot be read (%s); create it, or fix "
                 "“versions” in strata.ini"), name, g_strerror (saved_errno));
  return FALSE;
}

/* One load of the versions folder, shared by the threads that read it. Each
 * takes the next file by index, so the revisions keep the names' order, and
 * the error reported is that of the first bad file, as with one thread. */
typedef struct
{
  const StrataProjectSettings *self;
  Folder              *folder;
  GPtrArray           *names;
  GCancellable        *cancellable;
  StrataRevisionPack  *pack;
  gint64               started_us;
  StrataRevision     **revisions;
  GError             **errors;
  /* What each file held and its stamp then, for the next pack. */
  StrataFileStamp     *stamps;
  GBytes             **contents;
  gboolean            *packed;
  guint                next;
} Load;

static void
load_clear (Load *load)
{
  guint n = load->names != NULL ? load->names->len : 0;

  for (guint i = 0; load->errors != NULL && i < n; i++)
    {
      g_clear_error (&load->errors[i]);
      g_clear_pointer (&load->contents[i], g_bytes_unref);
    }
  g_clear_pointer (&load->pack, _strata_revision_pack_free);
  g_clear_pointer (&load->revisions, g_free);
  g_clear_pointer (&load->errors, g_free);
  g_clear_pointer (&load->stamps, g_free);
  g_clear_pointer (&load->contents, g_free);
  g_clear_pointer (&load->packed, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Load, load_clear)

/* The contents of file @i: from the pack when the file's stamp is the one
 * packed (one stat instead of an open, a read and a close), else read; or
 * @big_fd for a file too big to hold, which the pack never holds. */
static GBytes *
contents_of (Load  *load,
             guint  i,
             int   *big_fd)
{
  const char *name = g_ptr_array_index (load->names, i);
  struct stat info;
  GBytes *packed;
  char *data;
  gsize length = 0;

  if (load->pack != NULL && fstatat (dirfd (load->folder->dir), name, &info, 0) == 0 &&
      (gsize)info.st_size <= _strata_revision_stream_above ())
    {
      _strata_file_stamp_init (&load->stamps[i], &info);
      if ((packed = _strata_revision_pack_lookup (load->pack, name, &load->stamps[i])))
        {
          load->packed[i] = TRUE;
          return packed;
        }
    }
  errno = 0;
  if (!(data = read_file_at (load->folder->dir, name, &load->stamps[i], &length, big_fd)))
    return NULL;
  return g_bytes_new_take (data, length);
}

static StrataRevision *
load_revision (Load     *load,
               guint     i,
               GError  **error)
{
  const char *name = g_ptr_array_index (load->names, i);
  /* Not g_build_filename(): its GString is two allocations more per file. */
  char *path = g_strconcat (load->folder->path,
                            g_str_has_suffix (load->folder->path, G_DIR_SEPARATOR_S)
                              ? "" : G_DIR_SEPARATOR_S,
                            name, NULL);
  char *display = display_path_in (load->self, load->folder, path);
  StrataRevision *revision;
  int big_fd = -1;

  if (!(load->contents[i] = contents_of (load, i, &big_fd)) && big_fd >= 0)
    {
      revision = _strata_revision_new_from_fd (path, display, big_fd, error);
      close (big_fd);
      return revision;
    }
  if (load->contents[i] == NULL)
    {
      int saved_errno = errno != 0 ? errno : EIO;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                   _("%s: cannot read the revision file: %s"), display, g_strerror (saved_errno));
      g_free (path);
      g_free (display);
      return NULL;
    }
  return _strata_revision_new_from_bytes (path, display, load->contents[i], error);
}

static gpointer
load_files (gpointer data)
{
  Load *load = data;
  guint i;

  while ((i = g_atomic_int_add (&load->next, 1)) < load->names->len)
    if (!g_cancellable_set_error_if_cancelled (load->cancellable, &load->errors[i]))
      load->revisions[i] = load_revision (load, i, &load->errors[i]);
  return NULL;
}

/* Writes a new pack when this load read files the pack should hold, or the
 * pack holds files the folder no longer has. Files changed in the last
 * moments stay out until a later load finds them settled. */
static void
update_pack (Load *load)
{
  guint n = load->names->len;
  g_autofree const char **names = g_new (const char *, n);
  g_autofree StrataFileStamp *stamps = g_new (StrataFileStamp, n);
  g_autofree GBytes **contents = g_new (GBytes *, n);
  gint64 settled_before = _strata_file_stamp_settled_before (load->started_us);
  gboolean changed = FALSE;
  guint kept = 0;

  for (guint i = 0; i < n; i++)
    {
      if (load->contents[i] == NULL ||
          !_strata_file_stamp_is_settled (&load->stamps[i], settled_before))
        continue;
      changed |= !load->packed[i];
      names[kept] = g_ptr_array_index (load->names, i);
      stamps[kept] = load->stamps[i];
      contents[kept] = load->contents[i];
      kept++;
    }
  if (changed || kept != _strata_revision_pack_get_size (load->pack))
    _strata_revision_pack_write (load->folder->path, kept, names, stamps, contents);
}

/* Opening a file costs the kernel more than parsing it costs us, so helper
 * threads read too: a quarter less time for 10,000 files on two cores. Below
 * a few hundred files a thread's start is not worth it. There are as many
 * helpers as processors, one more thread than processors with the caller:
 * on a virtual machine a new thread can wait a millisecond for a vCPU that
 * was asleep, and with one to spare the files do not wait for the slowest
 * to start (`heads` of 1000 revisions, 2 vCPUs: 1.53x the floor to 1.39x). */
#define FILES_PER_THREAD 250
#define MAX_HELPERS 4

static GPtrArray *
load_revisions (Load    *load,
                GError **error)
{
  guint n = load->names->len;
  GThread *helpers[MAX_HELPERS] = { NULL };
  guint n_helpers = 0;
  guint worth;
  GPtrArray *revisions = g_ptr_array_new_full (n, g_object_unref);
  GError *first = NULL;

  load->started_us = g_get_real_time ();
  load->pack = _strata_revision_pack_open (load->folder->path);
  load->revisions = g_new0 (StrataRevision *, n);
  load->errors = g_new0 (GError *, n);
  load->stamps = g_new0 (StrataFileStamp, n);
  load->contents = g_new0 (GBytes *, n);
  load->packed = g_new0 (gboolean, n);
  /* The threads the files are worth, the caller's included. */
  worth = n / FILES_PER_THREAD;
  if (g_get_num_processors () > 1 && worth > 1)
    n_helpers = MIN (MIN (worth - 1, g_get_num_processors ()), MAX_HELPERS);
  for (guint k = 0; k < n_helpers; k++)
    helpers[k] = g_thread_new ("strata-load", load_files, load);
  load_files (load);
  for (guint k = 0; k < n_helpers; k++)
    g_thread_join (helpers[k]);

  for (guint i = 0; i < n; i++)
    {
      if (load->revisions[i] != NULL)
        g_ptr_array_add (revisions, load->revisions[i]);
      if (first == NULL)
        first = g_steal_pointer (&load->errors[i]);
    }
  if (first == NULL)
    {
      update_pack (load);
      return revisions;
    }
  g_propagate_error (error, first);
  g_ptr_array_unref (revisions);
  return NULL;
}

StrataRevisionGraph *
_strata_project_settings_load_graph (const StrataProjectSettings  *self,
                                     GCancellable                 *cancellable,
                                     GError                      **error)
{
  g_auto(Folder) folder = { NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_auto(Load) load = { self, &folder };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (self->alembic != NULL)
    {
      if (!(revisions = strata_alembic_project_load_revisions (self->alembic, cancellable,
                                                               error)))
        return NULL;
      return strata_revision_graph_new (revisions, error);
    }
  if (!open_versions_directory (self, &folder, error))
    return NULL;
  folder.names = g_string_chunk_new (4096);
  if (!(load.names = names = list_revision_files (self, &folder, error)))
    return NULL;
  load.cancellable = cancellable;
  if (!(revisions = load_revisions (&load, error)))
    return NULL;

  return strata_revision_graph_new (revisions, error);
}
