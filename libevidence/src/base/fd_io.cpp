#include "fd_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace evidence {

Status ErrnoStatus(int err, const std::filesystem::path& path, std::string_view what) {
  std::string msg = path.string() + ": " + std::string(what) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(msg);
    case EEXIST:
      return Status::AlreadyExists(msg);
    case ENOSPC:
    case EDQUOT:
      // The words of strerror(ENOSPC), which users search for, whatever the libc's locale.
      return Status::IoError(path.string() + ": " + std::string(what) +
                             ": no space left on device (disk full)");
    default:
      return Status::IoError(msg);
  }
}

Status WriteAll(int fd, ByteView data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, path, "cannot write");
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

}  // namespace evidence
