#include "age_source.hpp"

#include <algorithm>
#include <cstring>

#include "age_encoding.hpp"
#include "status_macros.hpp"

namespace evidence::age_internal {
namespace {

constexpr std::size_t kBufferSize = 64 * 1024;
constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----";
constexpr std::size_t kArmorColumns = 64;
constexpr std::size_t kArmorBytesPerLine = 48;
// Whitespace allowed before and after the armor, as the reference reader allows.
constexpr std::size_t kMaxArmorWhitespace = 1024;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool AllSpace(std::string_view s) { return std::all_of(s.begin(), s.end(), IsSpace); }

}  // namespace

BufferedSource::BufferedSource(AgeDecryptor::Input input)
    : input_(std::move(input)), buf_(kBufferSize) {}

Status BufferedSource::Fill(std::size_t want) {
  if (pos_ > 0 && end_ - pos_ < want) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  while (!eof_ && end_ - pos_ < want && end_ < buf_.size()) {
    EVIDENCE_ASSIGN_OR_RETURN(
        std::size_t n, input_(std::span<std::uint8_t>(buf_.data() + end_, buf_.size() - end_)));
    if (n == 0) eof_ = true;
    end_ += n;
  }
  return Status::Ok();
}

Result<std::size_t> BufferedSource::Read(std::uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    if (pos_ == end_) {
      if (eof_) break;
      pos_ = end_ = 0;
      EVIDENCE_RETURN_IF_ERROR(Fill(1));
      if (pos_ == end_) break;
    }
    std::size_t take = std::min(n - got, end_ - pos_);
    std::memcpy(out + got, buf_.data() + pos_, take);
    pos_ += take;
    got += take;
  }
  return got;
}

Result<std::string> BufferedSource::ReadLine(std::size_t max, bool* too_long) {
  *too_long = false;
  std::string line;
  while (true) {
    if (pos_ == end_) {
      if (eof_) return line;
      pos_ = end_ = 0;
      EVIDENCE_RETURN_IF_ERROR(Fill(1));
      if (pos_ == end_) return line;
    }
    const std::uint8_t* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', end_ - pos_);
    std::size_t take =
        nl ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - start) + 1
           : end_ - pos_;
    if (line.size() + take > max) {
      *too_long = true;
      return line;
    }
    line.append(reinterpret_cast<const char*>(start), take);
    pos_ += take;
    if (nl) return line;
  }
}

Result<ByteView> BufferedSource::Peek(std::size_t n) {
  EVIDENCE_RETURN_IF_ERROR(Fill(std::min(n, buf_.size())));
  return ByteView(buf_.data() + pos_, std::min(n, end_ - pos_));
}

Status ArmorDecoder::Fail(const std::string& what) {
  failed_ = true;
  return Status::Corruption("armor: line " + std::to_string(line_) + ": " + what);
}

// One line without its LF or CRLF; the end of input is an error (the END line is missing).
Result<std::string> ArmorDecoder::Line() {
  bool too_long = false;
  EVIDENCE_ASSIGN_OR_RETURN(std::string line, raw_->ReadLine(kMaxArmorWhitespace + 2, &too_long));
  ++line_;
  if (too_long) return Fail("line too long");
  if (line.empty()) return Fail("the file ends before the END line");
  if (line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Status ArmorDecoder::DrainTrailing() {
  done_ = true;
  std::uint8_t rest[kMaxArmorWhitespace + 1];
  EVIDENCE_ASSIGN_OR_RETURN(std::size_t n, raw_->Read(rest, sizeof rest));
  std::string_view text(reinterpret_cast<const char*>(rest), n);
  if (!AllSpace(text)) return Fail("data after the END line");
  if (n > kMaxArmorWhitespace) return Fail("more than 1 KiB of whitespace after the END line");
  return Status::Ok();
}

// Decodes the next base64 line into unread_, or reaches the END line.
Status ArmorDecoder::NextLine() {
  std::size_t whitespace = 0;
  while (!started_) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string line, Line());
    if (AllSpace(line)) {
      whitespace += line.size() + 1;
      if (whitespace > kMaxArmorWhitespace) return Fail("more than 1 KiB of leading whitespace");
      continue;
    }
    if (line != kArmorBegin) {
      return Fail("not an age file: expected \"age-encryption.org/v1\" or \"" +
                  std::string(kArmorBegin) + "\"");
    }
    started_ = true;
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::string line, Line());
  if (line == kArmorEnd) return DrainTrailing();
  if (line.empty()) return Fail("empty line inside the armor");
  if (line.size() > kArmorColumns) return Fail("longer than 64 columns");
  auto bytes = Base64DecodePadded(line);
  if (!bytes) return Fail("not canonical padded base64");
  unread_ = std::move(*bytes);
  unread_pos_ = 0;
  if (unread_.size() < kArmorBytesPerLine) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string end, Line());
    if (end != kArmorEnd) return Fail("a short line must be the last before the END line");
    return DrainTrailing();
  }
  return Status::Ok();
}

Result<std::size_t> ArmorDecoder::Read(std::span<std::uint8_t> out) {
  if (failed_) return Status::Corruption("armor: reading after an error");
  while (unread_pos_ == unread_.size()) {
    if (done_) return std::size_t{0};
    EVIDENCE_RETURN_IF_ERROR(NextLine());
  }
  std::size_t take = std::min(out.size(), unread_.size() - unread_pos_);
  std::memcpy(out.data(), unread_.data() + unread_pos_, take);
  unread_pos_ += take;
  return take;
}

}  // namespace evidence::age_internal
