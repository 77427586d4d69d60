// The signed custody records of one case inside a bundle (ledger.jsonl, proofs.json, checkpoint,
// signer.pub.pem): the exporter's under evidence/, each earlier custodian's under
// evidence/custody/<k>/. Checks 4 and 5 of docs/bundle.md, shared by both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/bundle.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/ledger.hpp"
#include "evidence/signing.hpp"

namespace evidence::bundle_internal {

// Appends report lines. Every archive-derived string is made printable once, when the report is
// finished (bundle_verify.cpp), not here.
class Checks {
 public:
  explicit Checks(std::vector<BundleCheck>* out) : out_(out) {}
  void Ok(std::string check, std::string subject, std::string detail) {
    out_->push_back({std::move(check), std::move(subject), true, std::move(detail)});
  }
  void Fail(std::string check, std::string subject, std::string detail) {
    out_->push_back({std::move(check), std::move(subject), false, std::move(detail)});
  }
  // Number of lines so far, and whether any line since `mark` failed.
  std::size_t Mark() const { return out_->size(); }
  bool FailedSince(std::size_t mark) const {
    for (std::size_t i = mark; i < out_->size(); ++i) {
      if (!(*out_)[i].ok) return true;
    }
    return false;
  }

 private:
  std::vector<BundleCheck>* out_;
};

struct DisclosedEntry {
  LedgerEntry entry;
  std::string bytes;    // the exact canonical line, the Merkle leaf
  bool proven = false;  // its inclusion proof leads to the verified checkpoint
};

struct Records {
  std::string prefix;  // "evidence/" or "evidence/custody/<k>/"
  std::string label;   // "" or "custody <k> ": prefixed to subjects such as "entry 5"
  std::optional<PublicKey> key;
  std::string fingerprint;
  std::string key_name;                        // from the checkpoint signature line (or key.added)
  std::string case_uuid;                       // from the disclosed case.created entry
  std::string checkpoint_sha256;               // of the exact checkpoint note
  std::optional<SignedCheckpoint> checkpoint;  // parsed; see checkpoint_verified
  bool checkpoint_verified = false;
  std::map<std::uint64_t, DisclosedEntry> entries;
};

// Checks the records under `prefix` in `tag_files` and reports one line per check and per entry.
// `label` distinguishes a custody folder's lines from the exporter's.
Records CheckRecords(const std::map<std::string, std::string>& tag_files, const std::string& prefix,
                     const std::string& label, Checks& checks);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace evidence::bundle_internal
