// The case's signing keys over time: which key is in force, which key must have signed a
// checkpoint, and `key rotate` (docs/case-format.md "Keys and rotation").
#include <fstream>
#include <sstream>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/key_file.hpp"
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
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    Bytes bytes = st.ColumnBlob(1);
    auto e = ParseLedgerEntry(AsChars(bytes));
    if (!e.ok()) {
      h.problems.push_back("entry " + std::to_string(seq) +
                           " (key.added): malformed: " + e.status().message());
      continue;
    }
    auto epoch =
        ReadKeyAdded(seq, e->data, case_uuid, h.epochs.empty() ? nullptr : &h.epochs.back());
    if (!epoch.ok()) {
      h.problems.push_back(epoch.status().message());
      continue;
    }
    h.epochs.push_back(std::move(epoch).value());
  }
  return h;
}

Result<fs::path> CurrentKeyFile(sql::Database& db, const fs::path& dir, const CaseInfo& info) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st,
                            db.Prepare("SELECT entry FROM entries WHERE action = 'key.added' "
                                       "ORDER BY seq DESC LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  fs::path first = KeyFilePath(dir, info.key_name);
  if (!row) return first;
  Bytes bytes = st.ColumnBlob(0);
  // Which key signs is decided by this entry alone; a forged one must not silently pick another.
  auto e = ParseLedgerEntry(AsChars(bytes));
  if (!e.ok()) return e.status().WithContext("the last key.added entry");
  EVIDENCE_ASSIGN_OR_RETURN(payload::KeyAdded added, payload::ParseAs<payload::KeyAdded>(*e));
  std::error_code ec;
  fs::path rotated = RotatedKeyFilePath(dir, info.key_name, added.fingerprint, ".key");
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

Result<KeyRotation> Case::RotateKey(const std::optional<std::string>& passphrase) {
  if (passphrase && passphrase->empty()) {
    return Status::InvalidArgument("the passphrase for the new key is empty");
  }
  // The current key must unlock first: a wrong passphrase changes nothing.
  EVIDENCE_ASSIGN_OR_RETURN(const SigningKey* old_key, s_->Key());
  const std::string name = s_->info.key_name;
  EVIDENCE_ASSIGN_OR_RETURN(SigningKey fresh, SigningKey::Generate());
  const PublicKey pub = fresh.public_key();
  const std::string fingerprint = pub.Fingerprint();
  const std::string new_vkey = ::evidence::VerifierKey(name, pub);
  const std::string old_vkey = ::evidence::VerifierKey(name, s_->public_key);
  const std::string statement = KeyRotationStatement(s_->info.uuid, new_vkey, old_vkey);
  EVIDENCE_ASSIGN_OR_RETURN(auto endorsement, old_key->Sign(AsBytes(statement)));
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed,
                            SealSigningKey(fresh, name, s_->info.uuid, passphrase));

  KeyRotation out;
  out.key_name = name;
  out.old_fingerprint = s_->info.key_fingerprint;
  out.new_fingerprint = fingerprint;

  // The new key's files are written first and removed again unless the rotation commits.
  const fs::path key_path = RotatedKeyFilePath(s_->dir, name, fingerprint, ".key");
  const fs::path pub_path = RotatedKeyFilePath(s_->dir, name, fingerprint, ".pub.pem");
  struct FilesGuard {
    FileSystem* fs;
    std::vector<fs::path> paths;
    bool keep = false;
    ~FilesGuard() {
      if (keep) return;
      for (const auto& p : paths) (void)fs->Remove(p);
    }
  } guard{s_->fs, {key_path, pub_path}};
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(*s_->fs, key_path, sealed, 0600));
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(*s_->fs, pub_path, pub.ToPem(), 0644));

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  nlohmann::json data = {{"key", name},
                         {"public_key", Base64Encode(pub.raw())},
                         {"fingerprint", fingerprint},
                         {"vkey", new_vkey},
                         {"previous_fingerprint", out.old_fingerprint},
                         {"previous_vkey", old_vkey},
                         {"endorsement", Base64Encode(endorsement)}};
  EVIDENCE_ASSIGN_OR_RETURN(out.entry,
                            s_->AppendEntry("key.added", data, std::nullopt, std::nullopt));

  // From here on the new key signs; the checkpoint that covers its key.added entry is the first.
  std::optional<SigningKey> old_signing = std::move(s_->signing_key);
  const PublicKey old_public = s_->public_key;
  const fs::path old_file = s_->key_file;
  const CaseInfo old_info = s_->info;
  s_->signing_key = std::move(fresh);
  s_->public_key = pub;
  s_->key_file = key_path;
  s_->info.key_fingerprint = fingerprint;
  s_->info.key_encrypted = passphrase.has_value();
  Status done = s_->SealLocked();
  if (done.ok()) done = txn.Commit();
  if (!done.ok()) {
    s_->signing_key = std::move(old_signing);
    s_->public_key = old_public;
    s_->key_file = old_file;
    s_->info = old_info;
    return done;
  }
  guard.keep = true;
  // A retired private key has nothing left to sign; leaving it would only let whoever learns its
  // passphrase sign in the owner's name. Its public key stays, beside the ledger that names it.
  (void)s_->fs->Remove(old_file);
  (void)s_->fs->SyncDir(s_->dir / "keys");
  return out;
}

}  // namespace evidence
