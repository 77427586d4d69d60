#include "small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "unique_fd.hpp"

namespace evidence {

namespace {

Status CannotRead(const std::filesystem::path& path, int err) {
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(path.string() + ": no such file");
  return Status::IoError(path.string() + ": cannot read: " + std::strerror(err));
}

}  // namespace

std::string SizeLimitText(std::size_t limit) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  if (limit >= kMiB && limit % kMiB == 0) return std::to_string(limit / kMiB) + " MiB";
  return std::to_string(limit) + " bytes";
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t limit) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) return CannotRead(path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return CannotRead(path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path.string() + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > limit) {
    return Status::InvalidArgument(path.string() + ": larger than " + SizeLimitText(limit));
  }
  // One byte more than the size is asked for: a file that grew since fstat is not read on.
  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return CannotRead(path, errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > static_cast<std::size_t>(st.st_size)) {
    return Status::InvalidArgument(path.string() + ": changed while it was read");
  }
  text.resize(got);
  return text;
}

}  // namespace evidence
