/* strata-revision-pack-private.h: the revision files of a folder, cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/* What the file system says about a file's identity and last change. A file
 * whose stamp is unchanged has the contents it had, provided the change was
 * not within one tick of the file system's clock of the moment the stamp was
 * taken (see _strata_file_stamp_is_settled()). */
typedef struct
{
  guint64 device;
  guint64 inode;
  gint64  size;
  gint64  mtime_sec;
  gint64  mtime_nsec;
  gint64  ctime_sec;
  gint64  ctime_nsec;
} StrataFileStamp;

void      _strata_file_stamp_init        (StrataFileStamp       *stamp,
                                          const struct stat     *info);
gboolean  _strata_file_stamp_equal       (const StrataFileStamp *a,
                                          const StrataFileStamp *b);
/* With @since_us a time taken before the files were looked at. */
gint64    _strata_file_stamp_settled_before (gint64                 since_us);
gboolean  _strata_file_stamp_is_settled  (const StrataFileStamp *stamp,
                                          gint64                 settled_before_us);

/* The contents of a versions folder's revision files as they were when last
 * read, each under its name and stamp: one file in the user's cache folder,
 * read in one go, instead of a thousand files opened and read. */
typedef struct _StrataRevisionPack StrataRevisionPack;

/* NULL when the folder has no pack, when caching is switched off, or when
 * the pack is damaged in any way; then every file is read. */
StrataRevisionPack *_strata_revision_pack_open      (const char          *folder_path);
/* The pack in @bytes, if it is whole and of @folder_path. */
StrataRevisionPack *_strata_revision_pack_new_for_bytes (GBytes          *bytes,
                                                     const char      *folder_path);
/* Writes into the header of the pack in @data the checksum of its bytes as
 * they are: for the fuzzer, whose inputs would otherwise never get past it. */
void                _strata_revision_pack_seal      (guint8              *data,
                                                     gsize                size);
void                _strata_revision_pack_free      (StrataRevisionPack  *pack);
guint               _strata_revision_pack_get_size  (StrataRevisionPack  *pack);
/* The name of entry @index, and its stamp. */
const char         *_strata_revision_pack_get_entry (StrataRevisionPack  *pack,
                                                     guint                index,
                                                     StrataFileStamp     *stamp);

/* The contents of @name, if the pack has them under exactly @stamp; else
 * NULL. They stay valid after the pack is freed. */
GBytes             *_strata_revision_pack_lookup    (StrataRevisionPack    *pack,
                                                     const char            *name,
                                                     const StrataFileStamp *stamp);

/* Replaces the folder's pack with these files (sorted by name, which must
 * not repeat). Nothing is reported: a cache that cannot be written is only
 * a cache that is not there. */
void                _strata_revision_pack_write     (const char             *folder_path,
                                                     guint                   n_files,
                                                     const char * const     *names,
                                                     const StrataFileStamp  *stamps,
                                                     GBytes * const         *contents);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRevisionPack, _strata_revision_pack_free)

G_END_DECLS
