/* strata-file-private.h: reading files that may not be what they seem
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

typedef enum
{
  STRATA_READ_FOLLOW_SYMLINKS = 0,
  STRATA_READ_NO_SYMLINKS     = 1 << 0,
} StrataReadFlags;

/* The whole of @name (relative to the folder @dir_fd, or AT_FDCWD), NUL-
 * terminated, with what fstat() said of it in @info. Only a regular file is
 * read: a FIFO, a socket, a device or a folder gives NULL with errno EINVAL
 * (EISDIR for a folder), and is never waited on. A file that shrinks while
 * it is read gives NULL with errno EIO. */
char       *_strata_file_read_regular (int               dir_fd,
                                       const char       *name,
                                       StrataReadFlags   flags,
                                       struct stat      *info,
                                       gsize            *length);

/* @name opened for reading, when it is a regular file (see above); -1 with
 * errno set. */
int         _strata_file_open_regular (int               dir_fd,
                                       const char       *name,
                                       StrataReadFlags   flags,
                                       struct stat      *info);
/* The whole of the file open as @fd, of which fstat() said @info. */
char       *_strata_file_read_opened  (int                fd,
                                       const struct stat *info,
                                       gsize             *length);

G_END_DECLS
