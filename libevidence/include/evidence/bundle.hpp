// Bundles (DESIGN.md section 5, docs/bundle.md): a BagIt bag that carries originals with their
// signed custody records out of a case, and the offline check an officer runs on one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/status.hpp"

namespace evidence {

// What to export. No items, incidents or window: the whole case.
struct ExportOptions {
  std::filesystem::path out;  // .zip, .tar or .tar.gz
  std::vector<std::string> items;
  std::vector<std::string> incidents;
  std::optional<std::string> since;  // RFC 3339 UTC bounds, inclusive
  std::optional<std::string> until;
  std::string recipient;
  bool force = false;  // replace an existing `out`
};

struct ExportOutcome {
  std::filesystem::path file;
  std::string top_folder;
  std::uint64_t items = 0;
  std::uint64_t incidents = 0;
  std::uint64_t entries = 0;  // disclosed ledger entries
  std::uint64_t payload_bytes = 0;
  std::string manifest_sha256;
  std::uint64_t export_entry = 0;  // seq of the export.created entry
  std::uint64_t tree_size = 0;     // of the checkpoint the proofs lead to
};

// One line of the verification report.
struct BundleCheck {
  std::string check;    // "archive", "bagit", "payload", "signature", "checkpoint", "proof",
                        // "item", "export", "custody", "timestamp", "trust", "consistency"
  std::string subject;  // what was checked: a file, an exhibit, "entry 12", "custody 1"...
  bool ok = false;
  std::string detail;   // what was found; for a failure, what is wrong
};

struct BundleSigner {
  std::string role;         // "exporter" or "custodian <k>"
  std::string key_name;
  std::string fingerprint;  // SHA256:<hex>
  std::string case_uuid;
  std::uint64_t tree_size = 0;
};

struct BundleReport {
  std::string file;
  std::string top_folder;
  std::string case_uuid;
  std::string exported;  // time of the export.created entry
  std::vector<BundleSigner> signers;
  std::vector<BundleCheck> checks;
  std::uint64_t items = 0;
  std::uint64_t payload_bytes = 0;
  // The small files of the bundle (every tag file and everything under evidence/), by path
  // relative to the top folder, for callers that go on to use them (receive).
  std::map<std::string, std::string> tag_files;
  bool ok() const {
    for (const auto& c : checks) {
      if (!c.ok) return false;
    }
    return !checks.empty();
  }
};

struct VerifyBundleOptions {
  // A PEM file path, or "SHA256:<hex>": the exporter must be this key.
  std::optional<std::string> trust;
  // PEM file with the TSA's CA certificate(s): makes timestamp chain checks mandatory.
  std::optional<std::filesystem::path> tsa_ca;
  // An older checkpoint file from the same case: the bundle's ledger must extend it.
  std::optional<std::filesystem::path> since_checkpoint;
};

// Reads the archive once as a stream, never writing members to disk, and checks everything
// docs/bundle.md lists. A non-OK Status means the file could not be read or is not a bundle at all
// (kNotFound, kInvalidArgument, kUnsupported); everything else, including hostile or malformed
// archives, is reported as failing checks in the report.
Result<BundleReport> VerifyBundle(const std::filesystem::path& file,
                                  const VerifyBundleOptions& options);

}  // namespace evidence
