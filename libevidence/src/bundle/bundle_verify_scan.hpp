// The first half of VerifyBundle: one streaming pass over a bundle archive with libarchive that
// refuses unsafe members, hashes the payload in fixed-size blocks and keeps the small tag files in
// memory. Nothing is ever written to disk. The checks on what was read live in bundle_verify.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "bundle_format.hpp"
#include "evidence/age.hpp"
#include "evidence/bundle.hpp"
#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence::bundle_internal {

// The bounds are the format's (bundle_format.hpp); tests narrow them.
using ScanLimits = bundle_format::Limits;

struct PayloadFile {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

struct ScanResult {
  std::string format;  // "zip", "tar" or "tar.gz"
  std::uint64_t members = 0;
  std::uint64_t unpacked_bytes = 0;  // uncompressed bytes read from members
  std::uint64_t packed_bytes = 0;    // bytes read from the file
  std::string top_folder;
  // Every member outside data/, by path relative to the top folder, with its exact bytes.
  std::map<std::string, std::string> tag_files;
  // Every member under data/, by path relative to the top folder.
  std::map<std::string, PayloadFile> payload;
  // Set when reading stopped at an unsafe, oversized or unreadable member: the bundle is refused
  // and the rest of the archive was not read.
  std::optional<BundleCheck> refusal;
};

// Takes each payload member's bytes as the scan reads and hashes them, so that a caller that keeps
// what it verifies (receive) stores exactly the bytes that were checked, from the one read of the
// archive. Calls come in order: Begin, Append..., then End when the member was read to its end,
// or Abandon when reading stopped inside it. A non-OK Status from Begin, Append or End stops the
// scan and becomes ScanArchive's error.
class PayloadSink {
 public:
  virtual ~PayloadSink() = default;
  virtual Status Begin(const std::string& rel) = 0;
  virtual Status Append(ByteView block) = 0;
  // The member was read to its end. Its hash is not passed: a sink that keeps the bytes checks
  // them by its own hash of what it kept (receive compares that with the verified item's).
  virtual Status End(const std::string& rel) = 0;
  virtual void Abandon() = 0;
};

// Reads `file` once. kNotFound when it does not exist; kInvalidArgument when it is a folder,
// cannot be opened, or is not a zip, tar or gzip-compressed tar archive at all. Anything wrong
// inside a readable archive (including truncation) is a `refusal`, not an error. With a `sink`,
// every payload member also goes to it; its errors are returned as they are.
// An age-encrypted file (docs/age.md) is decrypted as it is read, with `age_identities`: errors
// opening it are returned (kInvalidArgument about "age_identities" when no identity matches or
// none was given), and a chunk that fails its tag or a truncated stream is a `refusal`.
Result<ScanResult> ScanArchive(const std::filesystem::path& file, const ScanLimits& limits = {},
                               PayloadSink* sink = nullptr,
                               const std::vector<AgeIdentity>& age_identities = {});

}  // namespace evidence::bundle_internal
