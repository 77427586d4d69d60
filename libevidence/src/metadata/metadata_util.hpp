// Small tools shared by the metadata extractors: text cleaning and capping, a budget for raw tag
// sets, exact decimal formatting of rationals, RFC 3339 time building, big-endian reads and a
// random-access file reader. Everything here treats its input as hostile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence::metadata_internal {

// Longest text value kept from a file (bytes of UTF-8), and longest key of a raw tag.
inline constexpr std::size_t kMaxValueBytes = 256;
inline constexpr std::size_t kMaxKeyBytes = 128;
// Budget shared by all raw tag sets (EXIF, XMP, IPTC, PNG text, audio tags) of one file: enough
// for every standard tag of a phone photo, small enough that a hostile file cannot bloat the
// ledger entry that records it.
inline constexpr std::size_t kMaxRawEntries = 600;
inline constexpr std::size_t kMaxRawBytes = 96 * 1024;

// Valid UTF-8 from bytes found in a file: ill-formed sequences and NUL bytes become U+FFFD,
// trailing NULs and white space are dropped (EXIF pads with both), and text longer than
// `max_bytes` is cut at a character boundary and marked with "...[+N bytes]".
std::string CleanText(std::string_view raw, std::size_t max_bytes = kMaxValueBytes);

// ASCII lower case, for matching names and keywords.
std::string AsciiLower(std::string_view s);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

// Collects raw key/value tags into JSON objects under one shared budget. A key seen again turns
// its value into an array of strings. Not thread-safe.
class RawTagSink {
 public:
  RawTagSink(std::size_t max_entries = kMaxRawEntries, std::size_t max_bytes = kMaxRawBytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // Adds `key` = `value` (both cleaned and capped) to the object `target`. Returns false, and
  // counts the tag as dropped, once the budget is spent.
  bool Add(nlohmann::json& target, std::string_view key, std::string_view value);

  std::size_t dropped() const { return dropped_; }

 private:
  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::size_t entries_ = 0;
  std::size_t bytes_ = 0;
  std::size_t dropped_ = 0;
};

// 128-bit unsigned integers, enough to add three EXIF rationals exactly.
__extension__ typedef unsigned __int128 Uint128;

// Exact decimal spelling of num/den with `decimals` fraction digits, rounded half away from
// zero, with a leading '-' when `negative` and the rounded value is not zero.
// Requires den != 0, den < 2^120 and 0 <= decimals <= 18.
std::string FormatDecimal(Uint128 num, Uint128 den, int decimals, bool negative);

// Seconds with millisecond precision from milliseconds: 3654 -> "3.654".
std::string FormatSecondsFromMs(std::uint64_t ms);

// RFC 3339 from the EXIF "YYYY:MM:DD HH:MM:SS" form, with optional EXIF SubSecTime digits and
// OffsetTime ("+hh:mm"). Sub-seconds are written with at least three digits ("12" -> ".120").
// nullopt when `date_time` is blank, zero or out of range; a malformed `subsec` or `offset` is
// left out and explained in `*problem` (when not null).
std::optional<std::string> ExifTimeToRfc3339(std::string_view date_time, std::string_view subsec,
                                             std::string_view offset, std::string* problem);

// RFC 3339 from an ISO 8601 date-time as XMP and tags write it ("2015-07-16T15:38:54.00",
// "2009-06-03T17:02:22+02:00", "2019-05-01 12:34:56Z"). Requires seconds; nullopt otherwise.
std::optional<std::string> IsoTimeToRfc3339(std::string_view text);

// "1970-01-01T00:00:00Z" form for a count of seconds since the Unix epoch.
std::string UnixSecondsToRfc3339Utc(std::int64_t seconds);

inline std::uint16_t Be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t Be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
inline std::uint64_t Be64(const std::uint8_t* p) {
  return (std::uint64_t{Be32(p)} << 32) | Be32(p + 4);
}
inline std::uint16_t Le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t Le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
inline std::uint64_t Le64(const std::uint8_t* p) {
  return std::uint64_t{Le32(p)} | (std::uint64_t{Le32(p + 4)} << 32);
}

// Read-only random access to a file (pread). Owns its descriptor. Never throws.
class RandomAccessFile {
 public:
  static Result<RandomAccessFile> Open(const std::filesystem::path& path);
  // Reads a duplicate of `fd`, which the caller keeps: a memory file handed to a sandboxed child,
  // which never opens a path. kInvalidArgument when it is not a regular file.
  static Result<RandomAccessFile> FromDescriptor(int fd);

  RandomAccessFile(RandomAccessFile&& other) noexcept;
  RandomAccessFile& operator=(RandomAccessFile&& other) noexcept;
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;
  ~RandomAccessFile();

  std::uint64_t size() const { return size_; }
  // Fills buf[0, n) from `offset`; false when the file ends first or the read fails.
  bool ReadAt(std::uint64_t offset, void* buf, std::size_t n) const;
  // Up to `n` bytes from `offset` (fewer at the end of the file).
  Bytes ReadUpTo(std::uint64_t offset, std::size_t n) const;
  // The descriptor, for the libraries that read from one themselves (libmagic, libarchive,
  // TagLib). They move its file offset, which ReadAt does not use.
  int fd() const { return fd_; }

 private:
  RandomAccessFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  // Takes `fd` (closing it on failure) once it is known to be a regular file.
  static Result<RandomAccessFile> Adopt(int fd);
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace evidence::metadata_internal
