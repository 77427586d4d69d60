// An anonymous memory file (memfd_create) that receives an object's plaintext for the parsers and
// the metadata sandbox, so that no plaintext copy is ever written to disk. Its pages live in
// memory, outside the process's resident set unless mapped, and may reach swap like any other
// memory; they are freed when the last descriptor closes (docs/architecture.md, "Plaintext for
// the parsers").
#pragma once

#include <cstdint>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "unique_fd.hpp"

namespace evidence {

class MemoryFile {
 public:
  // A new, empty memory file that takes at most `limit` bytes. Append past the limit drops what
  // was written (its memory is freed) and the file ends up empty-handed (Seal gives no
  // descriptor), unless `keep_head` is given: the file is then cut to its first `keep_head` bytes
  // (at most `limit`), keeps only those and says so in truncated(). kIoError if the kernel cannot
  // make one.
  static Result<MemoryFile> Create(std::uint64_t limit = UINT64_MAX, std::uint64_t keep_head = 0);

  Status Append(ByteView bytes);

  // Whether the limit was passed while a head is kept: the file holds only the first bytes.
  bool truncated() const { return truncated_; }

  // Seals the file against any change (F_SEAL_WRITE, _GROW, _SHRINK, _SEAL), so that what a
  // parser reads is what was appended, and rewinds it. An empty descriptor when the limit was
  // passed. kIoError if sealing fails.
  Result<UniqueFd> Seal();

 private:
  MemoryFile(UniqueFd fd, std::uint64_t limit, std::uint64_t keep_head)
      : fd_(std::move(fd)), limit_(limit), keep_head_(keep_head) {}
  UniqueFd fd_;
  std::uint64_t limit_;
  std::uint64_t keep_head_;
  std::uint64_t size_ = 0;
  bool truncated_ = false;
};

}  // namespace evidence
