// `key rotate`: a new key endorsed by the old one (docs/case-format.md "Keys and rotation"). Which
// key is in force and which must have signed a checkpoint is store/keyring.hpp's.
#include <fstream>
#include <sstream>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/key_file.hpp"
#include "keyring.hpp"
#include "ledger_payloads.hpp"
#include "signing_key_file.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// The new key's file. In an encrypted case it is sealed under the KEK the case key opened with,
// so that one passphrase and one derivation still open both; a passphrase of its own, or none,
// would break that.
Result<std::string> SealRotatedKey(CaseState& s, const SigningKey& fresh,
                                   const std::optional<std::string>& passphrase) {
  if (!s.info.encrypted) return SealSigningKey(fresh, s.info.key_name, s.info.uuid, passphrase);
  if (!passphrase) {
    return Status::InvalidArgument(
        "the case is encrypted: its signing key is always sealed with the case's passphrase");
  }
  if (s.unlock.kek == nullptr) return Status::InvalidArgument("the case is locked");
  return SealSigningKeyWith(fresh, s.info.key_name, s.info.uuid, s.unlock.kek);
}

}  // namespace

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
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed, SealRotatedKey(*s_, fresh, passphrase));

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
