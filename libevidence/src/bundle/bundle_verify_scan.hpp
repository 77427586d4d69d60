// The first half of VerifyBundle: one streaming pass over a bundle archive with libarchive that
// refuses unsafe members, hashes the payload in fixed-size blocks and keeps the small tag files in
// memory. Nothing is ever written to disk. The checks on what was read live in bundle_verify.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "evidence/bundle.hpp"
#include "evidence/status.hpp"

namespace evidence::bundle_internal {

// The bounds that keep a hostile archive from taking unbounded time or memory. docs/bundle.md
// ("What verify-bundle checks", 1) and docs/verify-bundle.md give the reasons.
struct ScanLimits {
  std::uint64_t max_members = 100'000;
  std::uint64_t max_tag_file = 64ull << 20;    // one tag file or file under evidence/
  std::uint64_t max_tag_total = 256ull << 20;  // all of them together (they are kept in memory)
  std::uint64_t max_member = 1ull << 40;       // any payload member
  // A bomb: more than max_expansion * compressed bytes read + expansion_slack produced. Deflate
  // and gzip top out near 1030:1, so a 1000:1 rule would only trip after ~2 GiB of zeros; 100:1
  // trips after ~70 MiB while legitimate evidence (mostly compressed media) stays far below it.
  std::uint64_t max_expansion = 100;
  std::uint64_t expansion_slack = 64ull << 20;
  // A payload total may exceed bag-info's Payload-Oxum by this much before reading stops (the
  // check itself is exact; this only bounds the work done on a bundle that is already wrong).
  std::uint64_t oxum_slack = 64ull << 20;
  std::uint64_t max_path = 4096;               // bytes in one member name
  std::uint64_t max_path_total = 64ull << 20;  // bytes in all member names (kept for duplicates)
  std::size_t block = 1 << 20;                 // read and hash in blocks of this size
};

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

// Reads `file` once. kNotFound when it does not exist; kInvalidArgument when it is a folder,
// cannot be opened, or is not a zip, tar or gzip-compressed tar archive at all. Anything wrong
// inside a readable archive (including truncation) is a `refusal`, not an error.
Result<ScanResult> ScanArchive(const std::filesystem::path& file, const ScanLimits& limits = {});

}  // namespace evidence::bundle_internal
