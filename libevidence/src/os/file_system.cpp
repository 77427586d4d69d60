#include "file_system.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "file_system_override.hpp"

namespace evidence {

namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(ByteView data) override {
    const std::uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, path_, "write");
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::Ok();
  }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus(errno, path_, "fsync");
    return Status::Ok();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoStatus(errno, path_, "close");
    return Status::Ok();
  }

 private:
  int fd_;
  fs::path path_;
};

// Opens the folder `dir` and calls `sync` (fsync or syncfs) on it.
Status SyncThrough(const fs::path& dir, int (*sync)(int), std::string_view what) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, dir, "open folder");
  int rc = sync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, dir, what);
  return Status::Ok();
}

class PosixFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const fs::path& path,
                                                        unsigned mode) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return ErrnoStatus(errno, path, "create");
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }
  Status Rename(const fs::path& from, const fs::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus(errno, to, "rename");
    return Status::Ok();
  }
  Status SyncDir(const fs::path& dir) override { return SyncThrough(dir, ::fsync, "fsync folder"); }
  Status SyncFileSystem(const fs::path& path) override {
    return SyncThrough(path, ::syncfs, "sync the file system of");
  }
  Result<std::unique_ptr<WritableFile>> OpenForOverwrite(const fs::path& path) override {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path, "stat");
    // chmod follows a symbolic link; only a regular file of the case is made writable.
    if (!S_ISREG(st.st_mode))
      return Status::InvalidArgument(path.string() + ": not a regular file");
    if (::chmod(path.c_str(), 0600) != 0) return ErrnoStatus(errno, path, "make writable");
    int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, path, "open");
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }
  Status Remove(const fs::path& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, path, "remove");
    return Status::Ok();
  }
  Status CreateDir(const fs::path& dir, unsigned mode) override {
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, dir, "create folder");
    }
    return Status::Ok();
  }
};

}  // namespace

namespace {
// Set only by ScopedFileSystemOverride (tests): cases opened while it is set write through it.
std::atomic<FileSystem*> g_override{nullptr};
}  // namespace

FileSystem& FileSystem::Default() {
  static PosixFileSystem instance;
  if (FileSystem* o = g_override.load(std::memory_order_acquire)) return *o;
  return instance;
}

ScopedFileSystemOverride::ScopedFileSystemOverride(FileSystem& fs)
    : previous_(g_override.exchange(&fs, std::memory_order_acq_rel)) {}

ScopedFileSystemOverride::~ScopedFileSystemOverride() {
  g_override.store(previous_, std::memory_order_release);
}

Status WriteFileAtomically(FileSystem& fs, const fs::path& path, std::string_view content,
                           unsigned mode) {
  std::random_device rd;
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(rd());
  auto file = fs.NewWritableFile(tmp, mode);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(AsBytes(content));
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  if (s.ok()) s = fs.Rename(tmp, path);
  if (!s.ok()) {
    (void)fs.Remove(tmp);
    return s;
  }
  return fs.SyncDir(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

}  // namespace evidence
