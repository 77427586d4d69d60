// The thin seam between the case and the operating system for everything that WRITES into a case.
// Production code uses FileSystem::Default(); fault-injection tests substitute an implementation
// that fails the Nth write, fsync or rename, or drops unsynced data (STYLE.md, point 7).
#pragma once

#include <filesystem>
#include <memory>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "fd_io.hpp"

namespace evidence {

namespace fs = std::filesystem;

// A file being written. Close() must be called for the data to count; the destructor only frees.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(ByteView data) = 0;
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide POSIX implementation (thread-safe), or the test's substitute while a
  // ScopedFileSystemOverride (file_system_override.hpp) is alive.
  static FileSystem& Default();

  // Creates `path` for writing with mode `mode`; fails with kAlreadyExists if it exists.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const fs::path& path,
                                                                unsigned mode) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status Rename(const fs::path& from, const fs::path& to) = 0;
  // Makes a directory's entries (a rename, a new file) durable.
  virtual Status SyncDir(const fs::path& dir) = 0;
  // Makes everything written so far to the file system holding `path` durable: file contents,
  // new files, renames (syncfs(2); Linux reports writeback errors through it since 5.8). One
  // call stands for an fsync of every file and folder a batch of hundreds of files touched.
  virtual Status SyncFileSystem(const fs::path& path) = 0;
  // Opens the existing regular file `path` for writing from its first byte, without truncating
  // it or following a symbolic link, after making it writable by its owner (objects are
  // read-only): what overwriting a file in place needs. Appends then replace its bytes in order.
  virtual Result<std::unique_ptr<WritableFile>> OpenForOverwrite(const fs::path& path) = 0;
  virtual Status Remove(const fs::path& path) = 0;
  virtual Status CreateDir(const fs::path& dir, unsigned mode) = 0;
};

// Writes `content` to `path` atomically: a temp file beside it, fsync, rename, fsync of the folder.
Status WriteFileAtomically(FileSystem& fs, const fs::path& path, std::string_view content,
                           unsigned mode);

}  // namespace evidence
