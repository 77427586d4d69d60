// RFC 3161 tokens kept in a case (docs/case-format.md "Time-stamps"): CASE/timestamps/<size>.tsr
// (the TSA's TimeStampResp, DER, as received), <size>.tsq (the request it answers) and
// <size>.checkpoint (the signed checkpoint it covers), each recorded by a timestamp.attached entry;
// requests not yet answered wait in CASE/timestamps/pending/. Shared by timestamps.cpp,
// verify.cpp and export.cpp. Not part of the public API.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/status.hpp"
#include "sqlite_util.hpp"

namespace evidence::timestamp_store {

namespace fs = std::filesystem;

inline fs::path Dir(const fs::path& case_dir) { return case_dir / "timestamps"; }
inline fs::path PendingDir(const fs::path& case_dir) { return Dir(case_dir) / "pending"; }
inline fs::path TokenPath(const fs::path& case_dir, std::uint64_t size) {
  return Dir(case_dir) / (std::to_string(size) + ".tsr");
}
inline fs::path RequestPath(const fs::path& case_dir, std::uint64_t size) {
  return Dir(case_dir) / (std::to_string(size) + ".tsq");
}
inline fs::path CheckpointPath(const fs::path& case_dir, std::uint64_t size) {
  return Dir(case_dir) / (std::to_string(size) + ".checkpoint");
}

// What one timestamp.attached entry records.
struct Attached {
  std::uint64_t seq = 0;
  std::uint64_t size = 0;    // checkpoint_size
  Sha256Digest imprint{};    // SHA-256 of the checkpoint's signed body (what the TSA stamped)
  std::string token_sha256;  // of the stored .tsr
};

// Every timestamp.attached entry of the ledger, in order. kCorruption for an entry without the
// fields above.
Result<std::vector<Attached>> AttachedTokens(sql::Database& db);

// Case::Verify's part: every recorded token is stored, unchanged, and still proves its checkpoint
// (signature against the certificate inside it; the chain is not checked here). Appends failures.
Status CheckStoredTokens(sql::Database& db, const fs::path& case_dir,
                         std::vector<std::string>* failures);

// The files a bundle carries for the case's tokens: evidence/timestamps/<size>.tsr and
// evidence/timestamps/<size>.checkpoint, in order of size.
Result<std::vector<std::pair<std::string, std::string>>> BundleFiles(sql::Database& db,
                                                                     const fs::path& case_dir);

}  // namespace evidence::timestamp_store
