// `key passphrase`: the key files re-wrapped under a new passphrase, all together or not at all
// (docs/key-file.md, "Changing the passphrase"). No ledger entry is appended: see there for why.
#include <algorithm>

#include "case_key.hpp"
#include "case_paths.hpp"
#include "case_state.hpp"
#include "evidence/small_file.hpp"
#include "key_file_journal.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

// The key files a change re-wraps, by bare name: the key in force first (so that a wrong
// passphrase is reported against it), then any other signing key still in keys/ (a retired key
// whose removal a crash interrupted), then the case key file when the case has one.
struct KeyFileSet {
  std::vector<std::string> signing;
  bool case_key = false;
};

KeyFileSet ListKeyFiles(const fs::path& dir, const fs::path& current) {
  KeyFileSet set;
  set.signing.push_back(current.filename().string());
  std::vector<std::string> others;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir / "keys", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(".key") && name != set.signing.front()) others.push_back(name);
  }
  std::sort(others.begin(), others.end());
  set.signing.insert(set.signing.end(), others.begin(), others.end());
  set.case_key = fs::exists(fs::symlink_status(CaseKeyPath(dir), ec));
  return set;
}

Result<std::string> ReadKeyFile(const fs::path& path) {
  auto text = ReadSmallFile(path, kMaxKeyFileSize);
  if (!text.ok() && text.status().code() == StatusCode::kInvalidArgument) {
    return Status::Corruption(text.status().message());
  }
  return text;
}

Result<KeyFileTexts> ReadKeyFiles(const fs::path& dir, const KeyFileSet& set) {
  KeyFileTexts texts;
  for (const std::string& name : set.signing) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadKeyFile(dir / "keys" / name));
    texts.signing_keys.push_back(std::move(text));
  }
  if (set.case_key) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadKeyFile(CaseKeyPath(dir)));
    texts.case_key = std::move(text);
  }
  return texts;
}

// RewrapKeyFiles names a signing key file by its place in the list ("signing key file 2: wrong
// passphrase"); a user needs its path.
// A wrong passphrase is about the old one; the new one can only be refused as empty.
Status NameTheFile(const Status& s, const fs::path& dir, const KeyFileSet& set) {
  const std::string& m = s.message();
  if (m.starts_with("new passphrase")) return s.AboutArgument("new_passphrase");
  Status named = s;
  for (std::size_t i = 0; i < set.signing.size(); ++i) {
    const std::string prefix = "signing key file " + std::to_string(i + 1) + ": ";
    if (m.starts_with(prefix)) {
      named = Status(s.code(),
                     (dir / "keys" / set.signing[i]).string() + ": " + m.substr(prefix.size()));
    }
  }
  if (m.starts_with("case key file"))
    named = Status(s.code(), CaseKeyPath(dir).string() + ": " + m);
  if (m.ends_with("wrong passphrase")) return named.AboutArgument("old_passphrase");
  return named;
}

}  // namespace

Status Case::ChangePassphrase(const std::string& old_passphrase, const std::string& new_passphrase,
                              const ScryptParams& params) {
  if (!s_->info.key_encrypted) {
    return Status::InvalidArgument(
        "the case's key is stored without a passphrase, so there is no passphrase to change");
  }
  if (new_passphrase.empty()) {
    return Status::InvalidArgument("the new passphrase is empty").AboutArgument("new_passphrase");
  }
  const KeyFileSet set = ListKeyFiles(s_->dir, s_->key_file);
  EVIDENCE_ASSIGN_OR_RETURN(KeyFileTexts old_texts, ReadKeyFiles(s_->dir, set));
  // The slow part (two scrypt derivations) runs before the lock is taken, so other writers are
  // not held up by it; the files are read again under the lock to make sure they are the ones
  // re-wrapped.
  auto rewrapped = RewrapKeyFiles(old_texts, s_->info.uuid, old_passphrase, new_passphrase, params);
  if (!rewrapped.ok()) return NameTheFile(rewrapped.status(), s_->dir, set);

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  EVIDENCE_ASSIGN_OR_RETURN(KeyFileTexts now,
                            ReadKeyFiles(s_->dir, ListKeyFiles(s_->dir, s_->key_file)));
  if (now.signing_keys != old_texts.signing_keys || now.case_key != old_texts.case_key) {
    return Status::Busy("the case's key files changed while the passphrase was being changed");
  }
  std::vector<KeyFileReplacement> files;
  for (std::size_t i = 0; i < set.signing.size(); ++i) {
    files.push_back({set.signing[i], std::move(rewrapped->signing_keys[i])});
  }
  if (rewrapped->case_key) {
    files.push_back({CaseKeyPath(s_->dir).filename().string(), std::move(*rewrapped->case_key)});
  }
  return ReplaceKeyFilesLocked(*s_->fs, s_->dir, files);
}

}  // namespace evidence
