#include "fault_injection.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>

namespace evidence::testing {

namespace {

FaultInjector* g_active = nullptr;  // the injector the VFS shim reports to

// The injector stands for the disk: what a crash keeps is decided by its bookkeeping
// (DropUnsyncedData), never by what the kernel flushed, so a sync is counted, can fail, and is
// noted, but does not reach the real disk, where it would only cost time.
constexpr bool kRealSync = false;

fs::path Norm(const fs::path& p) { return p.lexically_normal(); }

// ---------------------------------------------------------------------------------------------
// The FileSystem seam.

// A file being written: a new one (its unsynced tail is cut on a crash) or, `overwrite`, an
// existing one rewritten from its start (its pre-image comes back on a crash until it is synced).
class FaultFile : public WritableFile {
 public:
  FaultFile(FaultInjector& inj, std::unique_ptr<WritableFile> base, fs::path path,
            bool overwrite = false)
      : inj_(inj), base_(std::move(base)), path_(std::move(path)), overwrite_(overwrite) {}
  Status Append(ByteView data) override {
    if (int err = inj_.Check("append " + path_.string())) return ErrnoStatus(err, path_, "write");
    Status s = base_->Append(data);
    if (s.ok() && !overwrite_) inj_.NoteAppend(path_, data.size());
    return s;
  }
  Status Sync() override {
    if (int err = inj_.Check("fsync " + path_.string())) return ErrnoStatus(err, path_, "fsync");
    Status s = kRealSync ? base_->Sync() : Status::Ok();
    if (s.ok()) overwrite_ ? inj_.NoteOverwriteSync(path_) : inj_.NoteSync(path_);
    return s;
  }
  Status Close() override {
    if (int err = inj_.Check("close " + path_.string())) {
      (void)base_->Close();  // the descriptor is gone either way, as with close(2)
      return ErrnoStatus(err, path_, "close");
    }
    return base_->Close();
  }

 private:
  FaultInjector& inj_;
  std::unique_ptr<WritableFile> base_;
  fs::path path_;
  bool overwrite_;
};

class FaultFileSystem : public FileSystem {
 public:
  FaultFileSystem(FaultInjector& inj, FileSystem& base) : inj_(inj), base_(base) {}
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const fs::path& path,
                                                        unsigned mode) override {
    if (int err = inj_.Check("create " + path.string())) return ErrnoStatus(err, path, "create");
    auto f = base_.NewWritableFile(path, mode);
    if (!f.ok()) return f.status();
    inj_.NoteCreate(path);
    return std::unique_ptr<WritableFile>(new FaultFile(inj_, std::move(f).value(), path));
  }
  Status Rename(const fs::path& from, const fs::path& to) override {
    if (int err = inj_.Check("rename " + to.string())) return ErrnoStatus(err, to, "rename");
    Status s = base_.Rename(from, to);
    if (s.ok()) inj_.NoteRename(from, to);
    return s;
  }
  Status SyncDir(const fs::path& dir) override {
    if (int err = inj_.Check("fsync folder " + dir.string())) {
      return ErrnoStatus(err, dir, "fsync folder");
    }
    Status s = kRealSync ? base_.SyncDir(dir) : Status::Ok();
    if (s.ok()) inj_.NoteSyncDir(dir);
    return s;
  }
  Status SyncFileSystem(const fs::path& path) override {
    if (int err = inj_.Check("syncfs " + path.string())) {
      return ErrnoStatus(err, path, "sync the file system of");
    }
    Status s = kRealSync ? base_.SyncFileSystem(path) : Status::Ok();
    if (s.ok()) inj_.NoteSyncFileSystem();
    return s;
  }
  Result<std::unique_ptr<WritableFile>> OpenForOverwrite(const fs::path& path) override {
    if (int err = inj_.Check("open to overwrite " + path.string())) {
      return ErrnoStatus(err, path, "open");
    }
    inj_.NoteOverwriteOpen(path);
    auto f = base_.OpenForOverwrite(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<WritableFile>(new FaultFile(inj_, std::move(f).value(), path, true));
  }
  Status Remove(const fs::path& path) override {
    if (int err = inj_.Check("remove " + path.string())) return ErrnoStatus(err, path, "remove");
    Status s = base_.Remove(path);
    if (s.ok()) inj_.NoteRemove(path);
    return s;
  }
  Status CreateDir(const fs::path& dir, unsigned mode) override {
    if (int err = inj_.Check("mkdir " + dir.string()))
      return ErrnoStatus(err, dir, "create folder");
    return base_.CreateDir(dir, mode);
  }

 private:
  FaultInjector& inj_;
  FileSystem& base_;
};

// ---------------------------------------------------------------------------------------------
// The SQLite VFS shim: a file is our header followed by the real VFS's file.

sqlite3_vfs* RealVfs() {
  static sqlite3_vfs* real = sqlite3_vfs_find("unix");
  return real;
}

struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* path;
};

int SqlError(int err, int io_code) { return err == ENOSPC ? SQLITE_FULL : io_code; }

int ShimClose(sqlite3_file* f) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  int rc = s->real->pMethods ? s->real->pMethods->xClose(s->real) : SQLITE_OK;
  delete s->path;
  s->path = nullptr;
  return rc;
}
int ShimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xRead(s->real, buf, n, off);
}
int ShimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  FaultInjector::SqlUndo undo;
  if (g_active) {
    if (int err = g_active->Check("sqlite write " + *s->path)) {
      return SqlError(err, SQLITE_IOERR_WRITE);
    }
    sqlite3_int64 size = 0;
    if (s->real->pMethods->xFileSize(s->real, &size) == SQLITE_OK) {
      undo.offset = off;
      undo.old_size = size;
      if (off < size) {
        undo.old_bytes.resize(static_cast<size_t>(std::min<sqlite3_int64>(n, size - off)));
        (void)s->real->pMethods->xRead(s->real, undo.old_bytes.data(),
                                       static_cast<int>(undo.old_bytes.size()), off);
      }
    }
  }
  int rc = s->real->pMethods->xWrite(s->real, buf, n, off);
  if (rc == SQLITE_OK && g_active) g_active->NoteSqlWrite(*s->path, std::move(undo));
  return rc;
}
int ShimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  FaultInjector::SqlUndo undo;
  if (g_active) {
    if (int err = g_active->Check("sqlite truncate " + *s->path)) {
      return SqlError(err, SQLITE_IOERR_TRUNCATE);
    }
    sqlite3_int64 old = 0;
    if (s->real->pMethods->xFileSize(s->real, &old) == SQLITE_OK) {
      undo.offset = size;
      undo.old_size = old;
      if (size < old) {
        undo.old_bytes.resize(static_cast<size_t>(old - size));
        (void)s->real->pMethods->xRead(s->real, undo.old_bytes.data(),
                                       static_cast<int>(undo.old_bytes.size()), size);
      }
    }
  }
  int rc = s->real->pMethods->xTruncate(s->real, size);
  if (rc == SQLITE_OK && g_active) g_active->NoteSqlWrite(*s->path, std::move(undo));
  return rc;
}
int ShimSync(sqlite3_file* f, int flags) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  if (g_active) {
    if (int err = g_active->Check("sqlite fsync " + *s->path)) {
      return SqlError(err, SQLITE_IOERR_FSYNC);
    }
  }
  int rc = kRealSync ? s->real->pMethods->xSync(s->real, flags) : SQLITE_OK;
  if (rc == SQLITE_OK && g_active) g_active->NoteSqlSync(*s->path);
  return rc;
}
int ShimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xFileSize(s->real, size);
}
int ShimLock(sqlite3_file* f, int l) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xLock(s->real, l);
}
int ShimUnlock(sqlite3_file* f, int l) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xUnlock(s->real, l);
}
int ShimCheckReserved(sqlite3_file* f, int* out) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xCheckReservedLock(s->real, out);
}
int ShimFileControl(sqlite3_file* f, int op, void* arg) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xFileControl(s->real, op, arg);
}
int ShimSectorSize(sqlite3_file* f) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xSectorSize(s->real);
}
int ShimDeviceCharacteristics(sqlite3_file* f) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xDeviceCharacteristics(s->real);
}
int ShimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** p) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xShmMap(s->real, region, size, extend, p);
}
int ShimShmLock(sqlite3_file* f, int offset, int n, int flags) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xShmLock(s->real, offset, n, flags);
}
void ShimShmBarrier(sqlite3_file* f) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  s->real->pMethods->xShmBarrier(s->real);
}
int ShimShmUnmap(sqlite3_file* f, int del) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xShmUnmap(s->real, del);
}
int ShimFetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xFetch(s->real, off, amt, pp);
}
int ShimUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  return s->real->pMethods->xUnfetch(s->real, off, p);
}

const sqlite3_io_methods kShimMethods = {3,
                                         ShimClose,
                                         ShimRead,
                                         ShimWrite,
                                         ShimTruncate,
                                         ShimSync,
                                         ShimFileSize,
                                         ShimLock,
                                         ShimUnlock,
                                         ShimCheckReserved,
                                         ShimFileControl,
                                         ShimSectorSize,
                                         ShimDeviceCharacteristics,
                                         ShimShmMap,
                                         ShimShmLock,
                                         ShimShmBarrier,
                                         ShimShmUnmap,
                                         ShimFetch,
                                         ShimUnfetch};

int ShimOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* s = reinterpret_cast<ShimFile*>(f);
  s->base.pMethods = nullptr;
  s->real = reinterpret_cast<sqlite3_file*>(s + 1);
  int rc = RealVfs()->xOpen(RealVfs(), name, s->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  s->path = new std::string(name ? name : "");
  s->base.pMethods = &kShimMethods;
  return SQLITE_OK;
}
int ShimDelete(sqlite3_vfs*, const char* name, int sync_dir) {
  // A crashed process deletes nothing (SQLite removes its WAL on a clean close).
  if (g_active && g_active->Check(std::string("sqlite delete ") + name, false)) {
    return SQLITE_IOERR_DELETE;
  }
  return RealVfs()->xDelete(RealVfs(), name, sync_dir);
}
int ShimAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return RealVfs()->xAccess(RealVfs(), name, flags, out);
}
int ShimFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return RealVfs()->xFullPathname(RealVfs(), name, n, out);
}
void* ShimDlOpen(sqlite3_vfs*, const char* name) { return RealVfs()->xDlOpen(RealVfs(), name); }
void ShimDlError(sqlite3_vfs*, int n, char* msg) { RealVfs()->xDlError(RealVfs(), n, msg); }
void (*ShimDlSym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return RealVfs()->xDlSym(RealVfs(), h, sym);
}
void ShimDlClose(sqlite3_vfs*, void* h) { RealVfs()->xDlClose(RealVfs(), h); }
int ShimRandomness(sqlite3_vfs*, int n, char* out) {
  return RealVfs()->xRandomness(RealVfs(), n, out);
}
int ShimSleep(sqlite3_vfs*, int us) { return RealVfs()->xSleep(RealVfs(), us); }
int ShimCurrentTime(sqlite3_vfs*, double* t) { return RealVfs()->xCurrentTime(RealVfs(), t); }
int ShimGetLastError(sqlite3_vfs*, int n, char* out) {
  return RealVfs()->xGetLastError(RealVfs(), n, out);
}
int ShimCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* t) {
  return RealVfs()->xCurrentTimeInt64(RealVfs(), t);
}

sqlite3_vfs* ShimVfs() {
  static sqlite3_vfs vfs = [] {
    sqlite3_vfs v{};
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(ShimFile)) + RealVfs()->szOsFile;
    v.mxPathname = RealVfs()->mxPathname;
    v.zName = "evidence-faults";
    v.xOpen = ShimOpen;
    v.xDelete = ShimDelete;
    v.xAccess = ShimAccess;
    v.xFullPathname = ShimFullPathname;
    v.xDlOpen = ShimDlOpen;
    v.xDlError = ShimDlError;
    v.xDlSym = ShimDlSym;
    v.xDlClose = ShimDlClose;
    v.xRandomness = ShimRandomness;
    v.xSleep = ShimSleep;
    v.xCurrentTime = ShimCurrentTime;
    v.xGetLastError = ShimGetLastError;
    v.xCurrentTimeInt64 = ShimCurrentTimeInt64;
    return v;
  }();
  return &vfs;
}

// A file the caller may have made read-only (objects are 0444): write it anyway, then restore.
void WithWritable(const fs::path& p, const std::function<void(int fd)>& fn) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return;
  ::chmod(p.c_str(), st.st_mode | S_IWUSR);
  int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    fn(fd);
    ::fsync(fd);
    ::close(fd);
  }
  ::chmod(p.c_str(), st.st_mode & 07777);
}

}  // namespace

const char* FaultModeName(FaultMode mode) {
  switch (mode) {
    case FaultMode::kOnce:
      return "once";
    case FaultMode::kFromThenOn:
      return "from then on";
    case FaultMode::kCrash:
      return "crash";
  }
  return "?";
}

FaultInjector::FaultInjector(FaultPlan plan) : plan_(plan) {
  if (g_active != nullptr) throw std::logic_error("FaultInjector: one at a time");
  fs_ = std::make_unique<FaultFileSystem>(*this, FileSystem::Default());
  override_ = std::make_unique<ScopedFileSystemOverride>(*fs_);
  if (sqlite3_vfs_register(ShimVfs(), 1) != SQLITE_OK) {
    throw std::runtime_error("FaultInjector: cannot register the SQLite VFS shim");
  }
  g_active = this;
}

FaultInjector::~FaultInjector() {
  g_active = nullptr;
  sqlite3_vfs_unregister(ShimVfs());
  sqlite3_vfs_register(RealVfs(), 1);
  override_.reset();
}

std::uint64_t FaultInjector::operations() const {
  std::lock_guard<std::mutex> l(mu_);
  return count_;
}
std::uint64_t FaultInjector::injected() const {
  std::lock_guard<std::mutex> l(mu_);
  return injected_;
}
std::string FaultInjector::injected_operation() const {
  std::lock_guard<std::mutex> l(mu_);
  return injected_what_;
}

std::vector<std::string> FaultInjector::trace() const {
  std::lock_guard<std::mutex> l(mu_);
  return trace_;
}

int FaultInjector::Check(const std::string& what, bool counted) {
  std::lock_guard<std::mutex> l(mu_);
  if (crashed_) return EIO;  // the process is "dead": nothing more reaches the disk
  if (!counted) return 0;
  ++count_;
  trace_.push_back(what);
  if (plan_.at == 0 || count_ < plan_.at) return 0;
  if (count_ == plan_.at) {
    ++injected_;
    injected_what_ = what;
    if (plan_.mode == FaultMode::kCrash) crashed_ = true;
    return plan_.error;
  }
  if (plan_.mode == FaultMode::kFromThenOn) {
    ++injected_;
    return plan_.error;
  }
  return 0;
}

void FaultInjector::NoteCreate(const fs::path& path) {
  std::lock_guard<std::mutex> l(mu_);
  files_[Norm(path)] = {};
  dir_events_.push_back({false, {}, Norm(path), Norm(path).parent_path()});
}
void FaultInjector::NoteAppend(const fs::path& path, std::uint64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  files_[Norm(path)].size += n;
}
void FaultInjector::NoteSync(const fs::path& path) {
  std::lock_guard<std::mutex> l(mu_);
  auto& f = files_[Norm(path)];
  f.synced = f.size;
}
void FaultInjector::NoteRename(const fs::path& from, const fs::path& to) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(Norm(from));
  if (it != files_.end()) {
    files_[Norm(to)] = it->second;
    files_.erase(Norm(from));
  }
  dir_events_.push_back({true, Norm(from), Norm(to), Norm(to).parent_path()});
  // The file replaced is gone; undoing the rename brings back the one moved, not it.
  overwritten_.erase(Norm(to));
}
void FaultInjector::NoteOverwriteOpen(const fs::path& path) {
  std::lock_guard<std::mutex> l(mu_);
  // The bytes last made durable: an earlier unsynced overwrite of the same file keeps its own.
  if (overwritten_.count(Norm(path))) return;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) return;
  std::ifstream in(path, std::ios::binary);
  overwritten_[Norm(path)] =
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
void FaultInjector::NoteOverwriteSync(const fs::path& path) {
  std::lock_guard<std::mutex> l(mu_);
  overwritten_.erase(Norm(path));
}
void FaultInjector::NoteSyncDir(const fs::path& dir) {
  std::lock_guard<std::mutex> l(mu_);
  fs::path d = Norm(dir);
  std::erase_if(dir_events_, [&](const DirEvent& e) { return e.dir == d; });
}
void FaultInjector::NoteSyncFileSystem() {
  // The tests keep everything on one file system, so syncfs makes everything durable.
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [path, f] : files_) f.synced = f.size;
  dir_events_.clear();
  sql_undo_.clear();
  overwritten_.clear();
}
void FaultInjector::NoteRemove(const fs::path& path) {
  std::lock_guard<std::mutex> l(mu_);
  files_.erase(Norm(path));
  overwritten_.erase(Norm(path));
}
void FaultInjector::NoteSqlWrite(const std::string& path, SqlUndo undo) {
  std::lock_guard<std::mutex> l(mu_);
  sql_undo_[path].push_back(std::move(undo));
}
void FaultInjector::NoteSqlSync(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  sql_undo_[path].clear();
}

void FaultInjector::DropUnsyncedData() {
  std::lock_guard<std::mutex> l(mu_);
  std::error_code ec;
  for (const auto& [path, st] : files_) {
    if (!fs::exists(path, ec)) continue;
    if (fs::file_size(path, ec) > st.synced) {
      // clang 14 cannot capture structured bindings in a lambda (make test-asan builds with it).
      const auto synced = st.synced;
      WithWritable(path, [&](int fd) { (void)::ftruncate(fd, static_cast<off_t>(synced)); });
    }
  }
  for (auto it = dir_events_.rbegin(); it != dir_events_.rend(); ++it) {
    if (it->rename) {
      if (fs::exists(it->to, ec)) {
        fs::create_directories(it->from.parent_path(), ec);
        fs::rename(it->to, it->from, ec);
      }
    } else {
      fs::remove(it->to, ec);
    }
  }
  for (auto& [path, undo_list] : sql_undo_) {
    if (undo_list.empty() || !fs::exists(path, ec)) continue;
    auto& undos = undo_list;  // a plain reference: clang 14 cannot capture structured bindings
    WithWritable(path, [&](int fd) {
      for (auto u = undos.rbegin(); u != undos.rend(); ++u) {
        if (!u->old_bytes.empty()) {
          (void)::pwrite(fd, u->old_bytes.data(), u->old_bytes.size(), u->offset);
        }
        (void)::ftruncate(fd, u->old_size);
      }
    });
  }
  for (const auto& [path, pre_image] : overwritten_) {
    if (!fs::exists(path, ec)) continue;
    const std::string& bytes = pre_image;  // clang 14 cannot capture structured bindings
    WithWritable(path, [&](int fd) {
      (void)::pwrite(fd, bytes.data(), bytes.size(), 0);
      (void)::ftruncate(fd, static_cast<off_t>(bytes.size()));
    });
  }
  files_.clear();
  dir_events_.clear();
  sql_undo_.clear();
  overwritten_.clear();
}

}  // namespace evidence::testing
