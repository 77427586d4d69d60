#include "memory_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "fd_io.hpp"
#include "status_macros.hpp"

namespace evidence {

Result<MemoryFile> MemoryFile::Create(std::uint64_t limit, std::uint64_t keep_head) {
  UniqueFd fd(::memfd_create("evidence-plaintext", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return ErrnoStatus(errno, "memfd", "cannot create an anonymous file");
  return MemoryFile(std::move(fd), limit, std::min(keep_head, limit));
}

Status MemoryFile::Append(ByteView bytes) {
  if (!fd_ || truncated_) return Status::Ok();
  if (size_ + bytes.size() <= limit_) {
    size_ += bytes.size();
    return WriteAll(fd_.get(), bytes, "memfd");
  }
  if (keep_head_ == 0) {
    fd_.reset();
    return Status::Ok();
  }
  // Cutting the file back frees the pages past the head at once; the rest of the stream is not
  // kept, so the memory held stays at the head whatever the file's size.
  if (size_ < keep_head_) {
    std::uint64_t room = keep_head_ - size_;
    EVIDENCE_RETURN_IF_ERROR(
        WriteAll(fd_.get(), bytes.first(static_cast<std::size_t>(room)), "memfd"));
  } else if (::ftruncate(fd_.get(), static_cast<off_t>(keep_head_)) != 0) {
    return ErrnoStatus(errno, "memfd", "cannot cut back");
  }
  size_ = keep_head_;
  truncated_ = true;
  return Status::Ok();
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
