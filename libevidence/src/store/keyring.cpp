// The case's signing keys over time, read from its key.added entries (docs/case-format.md "Keys
// and rotation").
#include "keyring.hpp"

#include "entry_rows.hpp"

#include "evidence/canonical_json.hpp"
#include "ledger_payloads.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

std::string FingerprintStem(std::string_view fingerprint) {
  std::string_view hex = fingerprint.substr(fingerprint.find(':') + 1);
  return std::string(hex.substr(0, 16));
}

}  // namespace

fs::path RotatedKeyFilePath(const fs::path& dir, std::string_view key_name,
                            std::string_view fingerprint, std::string_view extension) {
  return dir / "keys" /
         (std::string(key_name) + "." + FingerprintStem(fingerprint) + std::string(extension));
}

Result<KeyHistory> LoadKeyHistory(sql::Database& db, const std::string& case_uuid) {
  KeyHistory h;
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st,
      db.Prepare("SELECT seq, entry FROM entries WHERE action = 'key.added' ORDER BY seq"));
  EVIDENCE_RETURN_IF_ERROR(
      ForEachEntryRow(st, [&](std::uint64_t seq, ByteView, const Result<LedgerEntry>& e) {
        if (!e.ok()) {
          h.problems.push_back("entry " + std::to_string(seq) +
                               " (key.added): malformed: " + e.status().message());
          return Status::Ok();
        }
        auto epoch =
            ReadKeyAdded(seq, e->data, case_uuid, h.epochs.empty() ? nullptr : &h.epochs.back());
        if (!epoch.ok()) {
          h.problems.push_back(epoch.status().message());
          return Status::Ok();
        }
        h.epochs.push_back(std::move(epoch).value());
        return Status::Ok();
      }));
  return h;
}

Result<fs::path> CurrentKeyFile(sql::Database& db, const fs::path& dir, std::string_view key_name) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st,
                            db.Prepare("SELECT entry FROM entries WHERE action = 'key.added' "
                                       "ORDER BY seq DESC LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  fs::path first = KeyFilePath(dir, key_name);
  if (!row) return first;
  Bytes bytes = st.ColumnBlob(0);
  // Which key signs is decided by this entry alone; a forged one must not silently pick another.
  auto e = ParseLedgerEntry(AsChars(bytes));
  if (!e.ok()) return e.status().WithContext("the last key.added entry");
  EVIDENCE_ASSIGN_OR_RETURN(payload::KeyAdded added, payload::ParseAs<payload::KeyAdded>(*e));
  std::error_code ec;
  fs::path rotated = RotatedKeyFilePath(dir, key_name, added.fingerprint, ".key");
  if (fs::exists(rotated, ec)) return rotated;
  return first;
}

Result<SignedCheckpoint> VerifyCaseCheckpoint(const KeyHistory& keys, std::string_view note) {
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint parsed, ParseCheckpointNote(note));
  const std::uint64_t size = parsed.checkpoint.size;
  const KeyEpoch* due = KeyForSize(keys.epochs, size);
  if (due == nullptr) {
    return Status::VerificationFailed("no key.added entry comes before entry " +
                                      std::to_string(size) + ", so no key could sign it");
  }
  auto verified = VerifyCheckpointNote(note, due->name, due->key);
  if (verified.ok()) return verified;
  // Say which of the case's keys did sign it: a retired key signing after its rotation is the
  // forgery a stolen old key makes possible.
  for (const auto& other : keys.epochs) {
    if (&other == due || !VerifyCheckpointNote(note, other.name, other.key).ok()) continue;
    if (other.seq > due->seq) {
      return Status::VerificationFailed("signed by key " + other.fingerprint +
                                        ", which only entry " + std::to_string(other.seq) +
                                        " introduced; a checkpoint of " + std::to_string(size) +
                                        " entries must be signed by " + due->fingerprint);
    }
    return Status::VerificationFailed(
        "signed by key " + other.fingerprint + ", which entry " + std::to_string(due->seq) +
        " (key.added) had replaced by " + due->fingerprint +
        ": a checkpoint after a rotation must be signed by the new key");
  }
  return Status::VerificationFailed(verified.status().message() + " (the key in force at " +
                                    std::to_string(size) + " entries is " + due->fingerprint + ")");
}

}  // namespace evidence
