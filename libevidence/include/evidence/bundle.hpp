// Bundles (docs/bundle.md): a BagIt bag that carries originals with their
// signed custody records out of a case, and the offline check an officer runs on one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/age.hpp"
#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
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
  // An older checkpoint file of this case: the bundle also carries the consistency proof from it
  // (the export fails, recording nothing, if the ledger does not extend it).
  std::optional<std::filesystem::path> since_checkpoint;
  // Encrypts the bundle for these age recipients while it is written (docs/age.md): `out` must
  // then end in .zip.age, .tar.age or .tar.gz.age, and no plaintext archive is written anywhere.
  std::vector<AgeRecipient> encrypt_to;
};

struct ExportOutcome {
  std::filesystem::path file;
  std::string top_folder;
  std::uint64_t items = 0;
  std::uint64_t incidents = 0;
  std::uint64_t entries = 0;  // disclosed ledger entries
  std::uint64_t payload_bytes = 0;
  std::string manifest_sha256;
  std::uint64_t export_entry = 0;        // seq of the export.created entry
  std::uint64_t tree_size = 0;           // of the checkpoint the proofs lead to
  std::uint64_t consistency_proofs = 0;  // carried in evidence/consistency.json
};

// One line of the verification report.
struct BundleCheck {
  std::string check;    // "archive", "bagit", "payload", "signature", "checkpoint", "ledger",
                        // "proof", "item", "incident", "export", "custody", "timestamp", "trust",
                        // "consistency", "key"
  std::string subject;  // what was checked: a file, an exhibit, "entry 12", "custody 1"...
  bool ok = false;
  std::string detail;  // what was found; for a failure, what is wrong
};

struct BundleSigner {
  std::string role;  // "exporter" or "custodian <k>"
  std::string key_name;
  std::string fingerprint;  // SHA256:<hex>
  std::string case_uuid;
  std::uint64_t tree_size = 0;
};

// An RFC 3161 token found in the bundle and what it proves (also reported as a "timestamp"
// check line).
struct BundleTimestamp {
  std::string file;                   // path in the bundle, e.g. evidence/timestamps/5.tsr
  std::uint64_t checkpoint_size = 0;  // of the checkpoint it covers
  std::string gen_time;               // RFC 3339 UTC: the checkpoint existed at this time
  std::string tsa;                    // the TSA certificate's subject
  std::string serial;                 // hex
  std::string policy;                 // OID
  bool chain_checked = false;         // the TSA certificate chains to options.tsa_ca
  bool consistent = false;            // a consistency proof ties it to the bundle's checkpoint
  bool ok = false;
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
  std::vector<BundleTimestamp> timestamps;
  // The small files of the bundle (every tag file and everything under evidence/), by path
  // relative to the top folder, for callers that go on to use them (receive).
  std::map<std::string, std::string> tag_files;
  // The exporter's key is the one options.trust or .fingerprint named (or one it endorsed). False
  // without either option: the bundle may be intact and still come from a look-alike case, so
  // the fingerprint must be compared with the sender by another channel (docs/verify-bundle.md).
  bool signer_confirmed = false;
  bool ok() const {
    for (const auto& c : checks) {
      if (!c.ok) return false;
    }
    return !checks.empty();
  }
};

struct ReceiveOutcome {
  BundleReport report;                // the verification that came first
  std::vector<std::string> imported;  // exhibit ids stored in this case
  std::vector<std::string> already;   // exhibits whose bytes this case already held
  std::uint64_t custody = 0;          // CASE/custody/<k> holding the sender's records
  std::uint64_t entry = 0;            // seq of the bundle.received entry
};

struct VerifyBundleOptions {
  // A PEM file path, or "SHA256:<hex>": the exporter must be this key.
  std::optional<std::string> trust;
  // "SHA256:<hex>": the exporter must be exactly this key (no endorsement chain); a different key
  // is a "trust" failure that says the fingerprints do not match. Not together with `trust`.
  std::optional<std::string> fingerprint;
  // Without trust or fingerprint, an unconfirmed signer is a "trust" failure instead of a
  // passing line with signer_confirmed false.
  bool require_trust = false;
  // PEM file with the TSA's CA certificate(s): makes timestamp chain checks mandatory.
  std::optional<std::filesystem::path> tsa_ca;
  // An older checkpoint file from the same case: the bundle's ledger must extend it.
  std::optional<std::filesystem::path> since_checkpoint;
  // For an age-encrypted bundle (docs/age.md): it is decrypted as a stream while it is read, with
  // these identities; none given and the file is age: kInvalidArgument about "age_identities".
  // A chunk that fails its tag stops the read like a truncated archive: an "archive" check fails
  // and names the chunk.
  std::vector<AgeIdentity> age_identities;
};

// Reads the archive once as a stream, never writing members to disk, and checks everything
// docs/bundle.md lists (docs/verify-bundle.md describes the checks, the limits and the report).
// A non-OK Status means the file could not be read or is not a bundle at all (kNotFound,
// kInvalidArgument, kUnsupported), or an option is unusable (a trust, tsa_ca or since_checkpoint
// file that is missing or malformed, a malformed fingerprint, both trust and fingerprint; the
// Status's argument() is then that field of `options`); everything else, including hostile or
// malformed archives, is reported as failing checks in the report. A check's detail that refers
// to an option names it "options.<field>" (e.g. "options.tsa_ca"), never a command-line flag.
// Subjects and details are printable UTF-8 (control characters from hostile member names are
// shown as \xNN). Memory stays bounded: payload is hashed in 1 MiB blocks; tag files are kept (at
// most 64 MiB each, 256 MiB together).
Result<BundleReport> VerifyBundle(const std::filesystem::path& file,
                                  const VerifyBundleOptions& options);

// The report as the `verify-bundle --json` object, which validates against
// schemas/verification-report.schema.json: {"file", "top_folder", "case_uuid", "exported",
// "verdict": "verified" | "not verified", "ok", "signer_confirmed", "items", "payload_bytes",
// "signers": [{"role", "key_name", "fingerprint", "case_uuid", "tree_size"}], "timestamps":
// [{"file", "checkpoint_size", "gen_time", "tsa", "serial", "policy", "chain_checked",
// "consistent", "ok"}], "checks": [{"check", "subject", "ok", "detail"}]}. Strings are made valid
// UTF-8, so dump() never throws.
// tag_files is not included.
nlohmann::json BundleReportJson(const BundleReport& report);

}  // namespace evidence
EVIDENCE_PUBLIC_END
