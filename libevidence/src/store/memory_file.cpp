#include "memory_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "fd_io.hpp"
#include "status_macros.hpp"

namespace evidence {

Result<MemoryFile> MemoryFile::Create(std::uint64_t limit) {
  UniqueFd fd(::memfd_create("evidence-plaintext", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return ErrnoStatus(errno, "memfd", "cannot create an anonymous file");
  return MemoryFile(std::move(fd), limit);
}

Status MemoryFile::Append(ByteView bytes) {
  if (!fd_) return Status::Ok();
  size_ += bytes.size();
  if (size_ > limit_) {
    fd_.reset();
    return Status::Ok();
  }
  return WriteAll(fd_.get(), bytes, "memfd");
}

Result<UniqueFd> MemoryFile::Seal() {
  if (!fd_) return UniqueFd();
  if (::fcntl(fd_.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) !=
          0 ||
      ::lseek(fd_.get(), 0, SEEK_SET) != 0) {
    return ErrnoStatus(errno, "memfd", "cannot seal");
  }
  return std::move(fd_);
}

}  // namespace evidence
