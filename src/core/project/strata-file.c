/* strata-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "strata-file-private.h"

static gboolean
read_all (int    fd,
          char  *buffer,
          gsize  size)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = read (fd, buffer + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          errno = EIO;
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

int
_strata_file_open_regular (int              dir_fd,
                           const char      *name,
                           StrataReadFlags  flags,
                           struct stat     *info)
{
  /* O_NONBLOCK: opening a FIFO for reading would wait for a writer. It
   * changes nothing for a regular file. */
  int open_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int saved_errno = 0;
  int fd;

  if (flags & STRATA_READ_NO_SYMLINKS)
    open_flags |= O_NOFOLLOW;
  if ((fd = openat (dir_fd, name, open_flags)) < 0)
    return -1;
  if (fstat (fd, info) != 0)
    saved_errno = errno;
  else if (!S_ISREG (info->st_mode))
    saved_errno = S_ISDIR (info->st_mode) ? EISDIR : EINVAL;
  else
    return fd;
  close (fd);
  errno = saved_errno;
  return -1;
}

char *
_strata_file_read_opened (int                fd,
                          const struct stat *info,
                          gsize             *length)
{
  g_autofree char *contents = g_malloc (info->st_size + 1);

  if (!read_all (fd, contents, info->st_size))
    return NULL;
  contents[info->st_size] = '\0';
  *length = info->st_size;
  return g_steal_pointer (&contents);
}

char *
_strata_file_read_regular (int              dir_fd,
                           const char      *name,
                           StrataReadFlags  flags,
                           struct stat     *info,
                           gsize           *length)
{
  char *contents;
  int saved_errno;
  int fd;

  if ((fd = _strata_file_open_regular (dir_fd, name, flags, info)) < 0)
    return NULL;
  contents = _strata_file_read_opened (fd, info, length);
  saved_errno = errno;
  close (fd);
  if (contents == NULL)
    errno = saved_errno != 0 ? saved_errno : EIO;
  return contents;
}
