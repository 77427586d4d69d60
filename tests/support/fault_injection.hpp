// Fault injection for crash-safety tests (docs/reliability.md): one counter over every operation
// that changes a case on disk — the library's FileSystem seam (create, append, fsync, close,
// rename, folder fsync, syncfs, mkdir, remove, open to overwrite) and SQLite's own writes (xWrite,
// xSync, xTruncate through a VFS shim) — so a test can fail the Nth of them, or "crash" there and
// drop what was not synced, the way LevelDB's fault_injection_test and SQLite's crash tests do.
#pragma once

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "file_system.hpp"
#include "file_system_override.hpp"

namespace evidence::testing {

enum class FaultMode {
  kOnce,        // only operation N fails; later ones succeed
  kFromThenOn,  // operation N and every later one fails (a disk that stays full or broken)
  kCrash,       // operation N and everything after it fails, then DropUnsyncedData() simulates
                // the power loss: what was never fsynced is gone
};

struct FaultPlan {
  std::uint64_t at = 0;  // 1-based number of the operation to fail; 0 = count only
  FaultMode mode = FaultMode::kOnce;
  int error = EIO;  // EIO or ENOSPC (SQLite sees SQLITE_IOERR_* or SQLITE_FULL)
};

const char* FaultModeName(FaultMode mode);

// While alive, every case created or opened writes through the injector: FileSystem::Default() is
// overridden and a SQLite VFS wrapping "unix" is the default VFS. One at a time per process; every
// Case opened under it must be closed before it is destroyed.
class FaultInjector {
 public:
  explicit FaultInjector(FaultPlan plan = {});
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Operations counted so far; faults injected so far.
  std::uint64_t operations() const;
  std::uint64_t injected() const;
  // What the Nth operation was ("append .../tmp/ingest-..."), for failure messages.
  std::string injected_operation() const;
  // Every counted operation so far, in order ("sqlite write .../ledger.sqlite-wal", ...).
  std::vector<std::string> trace() const;

  // For kCrash, once every Case is closed: truncates files written through the seam to their last
  // fsynced length, undoes creations and renames whose folder was not fsynced since, and undoes
  // SQLite writes not followed by an xSync of their file.
  void DropUnsyncedData();

  // Used by the seam and the VFS shim: counts one operation and returns 0, or the errno to fail it
  // with. `counted` false: not counted, but refused after a crash (removal of files).
  int Check(const std::string& what, bool counted = true);

  // Bookkeeping for DropUnsyncedData (called by the seam and the shim after a successful op).
  void NoteCreate(const std::filesystem::path& path);
  void NoteAppend(const std::filesystem::path& path, std::uint64_t n);
  void NoteSync(const std::filesystem::path& path);
  void NoteRename(const std::filesystem::path& from, const std::filesystem::path& to);
  void NoteSyncDir(const std::filesystem::path& dir);
  void NoteSyncFileSystem();
  void NoteRemove(const std::filesystem::path& path);
  // An existing file opened to be overwritten in place (FileSystem::OpenForOverwrite): its bytes
  // are kept until it is synced, and written back by DropUnsyncedData.
  void NoteOverwriteOpen(const std::filesystem::path& path);
  void NoteOverwriteSync(const std::filesystem::path& path);
  struct SqlUndo {
    std::int64_t offset = 0;
    std::int64_t old_size = 0;
    std::string old_bytes;
  };
  void NoteSqlWrite(const std::string& path, SqlUndo undo);
  void NoteSqlSync(const std::string& path);

 private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  struct DirEvent {
    bool rename = false;
    std::filesystem::path from, to;  // for a creation, `to` is the file
    std::filesystem::path dir;       // the folder whose fsync makes it durable
  };

  FaultPlan plan_;
  mutable std::mutex mu_;
  std::uint64_t count_ = 0;
  std::uint64_t injected_ = 0;
  bool crashed_ = false;
  std::string injected_what_;
  std::vector<std::string> trace_;
  std::map<std::filesystem::path, FileState> files_;
  std::vector<DirEvent> dir_events_;
  std::map<std::string, std::vector<SqlUndo>> sql_undo_;
  std::map<std::filesystem::path, std::string> overwritten_;  // path -> pre-image
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<ScopedFileSystemOverride> override_;
};

}  // namespace evidence::testing
