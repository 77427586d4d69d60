// Reading an age file: a buffered byte source over the caller's input, and the ASCII armor
// decoder that sits between the two when the file is armored (docs/age.md "Armor").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "evidence/age.hpp"
#include "evidence/status.hpp"

namespace evidence::age_internal {

class BufferedSource {
 public:
  explicit BufferedSource(AgeDecryptor::Input input);
  // Up to `n` bytes into `out`; fewer only at the end of the input.
  Result<std::size_t> Read(std::uint8_t* out, std::size_t n);
  // The next line with its '\n' (without one only at the end of the input), or an empty string
  // at the end. A line longer than `max` bytes stops with *too_long set.
  Result<std::string> ReadLine(std::size_t max, bool* too_long);
  // The next bytes without consuming them: at least min(n, what is left), at most n.
  Result<ByteView> Peek(std::size_t n);

 private:
  Status Fill(std::size_t want);
  AgeDecryptor::Input input_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
};

// Decodes "-----BEGIN AGE ENCRYPTED FILE-----" armor line by line, as strictly as the reference
// implementation: 64-column lines of canonical padded base64, LF or CRLF endings, a short (or
// empty) last line followed by the END line, and at most 1 KiB of whitespace around. Errors are
// kCorruption "armor: line N: ..." and set failed().
class ArmorDecoder {
 public:
  explicit ArmorDecoder(BufferedSource* raw) : raw_(raw) {}
  Result<std::size_t> Read(std::span<std::uint8_t> out);
  bool failed() const { return failed_; }

 private:
  Status Fail(const std::string& what);
  Result<std::string> Line();
  Status NextLine();
  Status DrainTrailing();
  BufferedSource* raw_;
  std::uint64_t line_ = 0;
  bool started_ = false;
  bool done_ = false;
  bool failed_ = false;
  Bytes unread_;
  std::size_t unread_pos_ = 0;
};

}  // namespace evidence::age_internal
