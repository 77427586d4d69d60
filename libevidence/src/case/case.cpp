#include "evidence/case.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "case_encrypt.hpp"
#include "case_state.hpp"
#include "core_dumps.hpp"
#include "entry_rows.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/key_file.hpp"
#include "evidence/merkle.hpp"
#include "item_fold.hpp"
#include "key_file_journal.hpp"
#include "ledger_check.hpp"
#include "ledger_payloads.hpp"
#include "ledger_schema.hpp"
#include "ledger_source.hpp"
#include "ledger_views.hpp"
#include "ledger_writer.hpp"
#include "signing_key_file.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "unique_fd.hpp"

namespace evidence {

namespace {

constexpr int kCaseFormat = 1;

std::string NewUuid() {
  std::array<std::uint8_t, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) std::abort();
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// Limits of case.json (docs/case-format.md): a key name is part of file names in keys/, and
// the name and owner are printed and signed.
constexpr std::size_t kMaxKeyName = 64;
constexpr std::size_t kMaxCaseText = 1024;
constexpr std::size_t kMaxCaseJson = 64 * 1024;

// A signed-note key name may not hold spaces or '+'; derive a readable one from the owner, in
// the form CheckKeyName accepts.
std::string KeyNameFor(std::string_view owner) {
  std::string out;
  for (unsigned char c : owner) {
    if (out.size() >= kMaxKeyName) break;
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if ((c == '-' || c == '_' || c == '.' || c == ' ') && !out.empty() &&
               out.back() != '-' && out.back() != '.') {
      out.push_back(c == ' ' ? '-' : static_cast<char>(c));
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "owner" : out;
}

// The key name names files in keys/ (NAME.key, NAME.pub.pem), so beyond the signed-note rules it
// holds only what KeyNameFor makes: lower-case letters, digits, '-', '_' and '.', starting with a
// letter or digit, without "..", at most kMaxKeyName characters. No '/' and no leading '.' means
// the files stay inside keys/.
Status CheckKeyName(std::string_view name) {
  EVIDENCE_RETURN_IF_ERROR(ValidKeyName(name));
  if (name.size() > kMaxKeyName) {
    return Status::InvalidArgument("longer than " + std::to_string(kMaxKeyName) + " characters");
  }
  for (unsigned char c : name) {
    if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '_' && c != '.') {
      return Status::InvalidArgument("may hold only a-z, 0-9, '-', '_' and '.'");
    }
  }
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) {
    return Status::InvalidArgument("must start with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) return Status::InvalidArgument("holds \"..\"");
  return Status::Ok();
}

// A UUID as NewUuid writes it: version 4, RFC 4122 variant, lower-case hex.
bool IsCanonicalUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

Status ValidPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 16) {
    return Status::InvalidArgument("exhibit prefix must be 1 to 16 characters");
  }
  for (unsigned char c : prefix) {
    if (!std::isupper(c) && !std::isdigit(c)) {
      return Status::InvalidArgument("exhibit prefix may hold only A-Z and 0-9: \"" +
                                     std::string(prefix) + "\"");
    }
  }
  return Status::Ok();
}

// Every identity field of a case, as init writes it and open requires it. kInvalidArgument
// "field: what is wrong".
Status CheckCaseInfo(const CaseInfo& info) {
  if (!IsCanonicalUuid(info.uuid)) {
    return Status::InvalidArgument("uuid: not a lower-case version 4 UUID");
  }
  if (info.origin != "evidence.case/" + info.uuid) {
    return Status::InvalidArgument("origin: not \"evidence.case/\" followed by the uuid");
  }
  if (Status s = ValidPrefix(info.exhibit_prefix); !s.ok()) {
    return s.WithContext("exhibit_prefix");
  }
  if (Status s = CheckKeyName(info.key_name); !s.ok()) {
    return Status::InvalidArgument("key_name: " + s.message());
  }
  for (const auto& [field, value] :
       {std::pair{"name", &info.name}, {"owner", &info.owner}, {"created", &info.created}}) {
    if (!IsValidUtf8(*value)) return Status::InvalidArgument(std::string(field) + ": not UTF-8");
    if (value->size() > kMaxCaseText) {
      return Status::InvalidArgument(std::string(field) + ": longer than " +
                                     std::to_string(kMaxCaseText) + " bytes");
    }
  }
  return Status::Ok();
}

// Reads a small file of the case (case.json, a key file). What is there may have been put there by
// someone else; a file the case cannot hold (a FIFO, a link to /dev/zero, too large) is a damaged
// case, so those errors are kCorruption.
Result<std::string> ReadCaseFile(const fs::path& path, std::size_t limit = kMaxCaseJson) {
  auto text = ReadSmallFile(path, limit);
  if (!text.ok() && text.status().code() == StatusCode::kInvalidArgument) {
    return Status::Corruption(text.status().message());
  }
  return text;
}

Result<CaseInfo> ParseCaseJson(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound(dir.string() +
                            ": no such case folder (create one with `evidence init`)");
  }
  if (!fs::exists(CaseJsonPath(dir), ec)) {
    return Status::InvalidArgument(dir.string() + ": not an evidence case (no case.json)");
  }
  const std::string where = CaseJsonPath(dir).string();
  EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadCaseFile(CaseJsonPath(dir)));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(where + ": malformed: not a JSON object");
  }
  CaseInfo info;
  auto format = j.find("format");
  if (format == j.end() || !format->is_number_integer()) {
    return Status::Corruption(where + ": format: missing or not an integer");
  }
  if (format->get<std::int64_t>() != kCaseFormat) {
    return Status::Unsupported(where + ": case format " + format->dump() + " is not supported");
  }
  info.format = kCaseFormat;
  for (const auto& [field, value] : {std::pair{"uuid", &info.uuid},
                                     {"name", &info.name},
                                     {"owner", &info.owner},
                                     {"created", &info.created},
                                     {"origin", &info.origin},
                                     {"exhibit_prefix", &info.exhibit_prefix},
                                     {"key_name", &info.key_name}}) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string()) {
      return Status::Corruption(where + ": " + field + ": missing or not a string");
    }
    *value = it->get<std::string>();
  }
  // Absent in a case made before encryption at rest: such a case is plaintext.
  if (auto enc = j.find("encrypted"); enc != j.end()) {
    if (!enc->is_boolean()) return Status::Corruption(where + ": encrypted: not true or false");
    info.encrypted = enc->get<bool>();
  }
  // Exhibit ids and key file paths are built from these fields: an edited case.json must not
  // lead them out of their folders (docs/case-format.md, "case.json").
  if (Status s = CheckCaseInfo(info); !s.ok()) {
    return Status::Corruption(where + ": " + s.message());
  }
  return info;
}

std::string CaseJsonText(const CaseInfo& info) {
  nlohmann::json j = {{"format", info.format},
                      {"uuid", info.uuid},
                      {"name", info.name},
                      {"owner", info.owner},
                      {"created", info.created},
                      {"origin", info.origin},
                      {"exhibit_prefix", info.exhibit_prefix},
                      {"key_name", info.key_name},
                      {"encrypted", info.encrypted}};
  return j.dump(2) + "\n";
}

// Removes what Create made, so that a failed init leaves nothing behind.
class CreateRollback {
 public:
  explicit CreateRollback(fs::path dir, bool remove_dir)
      : dir_(std::move(dir)), remove_dir_(remove_dir) {}
  ~CreateRollback() {
    if (armed_) {
      std::error_code ec;
      if (remove_dir_) {
        fs::remove_all(dir_, ec);
      } else {
        for (auto& e : fs::directory_iterator(dir_, ec)) fs::remove_all(e.path(), ec);
      }
    }
  }
  void Disarm() { armed_ = false; }

 private:
  fs::path dir_;
  bool remove_dir_;
  bool armed_ = true;
};

// A case made before the ledger kept its Merkle nodes (or whose nodes table was dropped) gets them
// now, from its entries, so that proofs are O(log n) reads from here on. Best effort: a case that
// cannot be written (read-only media, another writer holding the lock) is used without the cache,
// which only makes proofs slower.
Status EnsureNodeCache(sql::Database& db) {
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t size, LedgerSize(db));
  EVIDENCE_ASSIGN_OR_RETURN(bool complete, NodeCacheLooksComplete(db, size));
  if (complete) return Status::Ok();
  if (!db.Exec(internal::kLedgerSchemaSql).ok()) return Status::Ok();
  auto txn = sql::Transaction::Begin(db);
  if (!txn.ok()) return Status::Ok();
  if (RebuildNodeCache(db).ok()) (void)txn->Commit();
  return Status::Ok();
}

}  // namespace

Case::Case(std::unique_ptr<State> state) : s_(std::move(state)) {}
Case::Case(Case&&) noexcept = default;
Case& Case::operator=(Case&&) noexcept = default;
Case::~Case() = default;

const CaseInfo& Case::info() const { return s_->info; }
const fs::path& Case::dir() const { return s_->dir; }

namespace {

// Where a new case may go: a new folder, or an empty one. Returns whether the folder existed.
Result<bool> CheckNewCaseFolder(const fs::path& dir) {
  std::error_code ec;
  bool existed = fs::exists(dir, ec);
  if (existed) {
    if (fs::exists(CaseJsonPath(dir), ec)) {
      return Status::AlreadyExists(dir.string() + ": a case already exists here");
    }
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
      return Status::AlreadyExists(dir.string() + ": exists and is not an empty folder");
    }
  }
  return existed;
}

// The case.json of a new case, refused now if open would refuse it later.
Result<CaseInfo> NewCaseInfo(const CaseOptions& options) {
  CaseInfo info;
  info.format = kCaseFormat;
  info.uuid = NewUuid();
  info.name = options.name;
  info.owner = options.owner;
  info.created = NowRfc3339();
  info.origin = "evidence.case/" + info.uuid;
  info.exhibit_prefix = options.exhibit_prefix;
  info.key_name = KeyNameFor(options.owner);
  info.key_encrypted = options.passphrase.has_value();
  info.encrypted = options.passphrase.has_value();
  EVIDENCE_RETURN_IF_ERROR(CheckCaseInfo(info));
  return info;
}

// The first entries of every ledger, case.created and key.added, and the first checkpoint, in
// one transaction.
Status RecordCaseCreated(CaseState& state, const PublicKey& pub) {
  const CaseInfo& info = state.info;
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(state.db));
  EVIDENCE_ASSIGN_OR_RETURN(LedgerWriter writer, LedgerWriter::BeginEmpty(state.db));
  state.writer.emplace(std::move(writer));
  state.writer_transaction = state.db.transactions_begun();
  EVIDENCE_ASSIGN_OR_RETURN(auto meta,
                            state.db.Prepare("INSERT INTO meta(key, value) VALUES (?, ?)"));
  EVIDENCE_RETURN_IF_ERROR(meta.Bind(1, "format").Bind(2, std::to_string(kCaseFormat)).Run());
  EVIDENCE_RETURN_IF_ERROR(meta.Bind(1, "uuid").Bind(2, info.uuid).Run());
  nlohmann::json created = {{"case", info.uuid},
                            {"name", info.name},
                            {"owner", info.owner},
                            {"origin", info.origin},
                            {"exhibit_prefix", info.exhibit_prefix},
                            {"format", kCaseFormat}};
  EVIDENCE_RETURN_IF_ERROR(
      state.AppendEntry("case.created", created, std::nullopt, std::nullopt).status());
  nlohmann::json key_added = {{"key", info.key_name},
                              {"public_key", Base64Encode(pub.raw())},
                              {"fingerprint", info.key_fingerprint},
                              {"vkey", ::evidence::VerifierKey(info.key_name, pub)}};
  EVIDENCE_RETURN_IF_ERROR(
      state.AppendEntry("key.added", key_added, std::nullopt, std::nullopt).status());
  EVIDENCE_RETURN_IF_ERROR(state.SealLocked());
  return txn.Commit();
}

// The sealed key files of a new case, written into keys/: the signing key, and for a case with
// a passphrase the case key, both sealed under one KEK so that one derivation opens both.
struct NewKeys {
  std::shared_ptr<const CaseKey> case_key;  // null: a plaintext case
  CaseUnlock unlock;
};
Result<NewKeys> SealNewKeys(FileSystem& fsys, const fs::path& dir, const CaseInfo& info,
                            const SigningKey& key, const CaseOptions& options) {
  const std::optional<std::string>& passphrase = options.passphrase;
  NewKeys out;
  if (!passphrase) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string sealed,
                              SealSigningKey(key, info.key_name, info.uuid, std::nullopt));
    EVIDENCE_RETURN_IF_ERROR(
        WriteFileAtomically(fsys, KeyFilePath(dir, info.key_name), sealed, 0600));
    return out;
  }
  if (passphrase->empty()) return Status::InvalidArgument("the passphrase is empty");
  // The unlocker keeps the KEK it seals with, so that a `key rotate` in this process seals with
  // it too, and init costs one scrypt derivation.
  out.unlock.unlocker = std::make_unique<seal::Unlocker>(*passphrase);
  EVIDENCE_ASSIGN_OR_RETURN(out.unlock.kek, out.unlock.unlocker->KekForSealing(options.scrypt));
  EVIDENCE_ASSIGN_OR_RETURN(CaseKey case_key, CaseKey::Generate());
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed_case_key,
                            SealCaseKey(case_key, info.uuid, *out.unlock.kek));
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed,
                            SealSigningKeyWith(key, info.key_name, info.uuid, out.unlock.kek));
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, CaseKeyPath(dir), sealed_case_key, 0600));
  EVIDENCE_RETURN_IF_ERROR(
      WriteFileAtomically(fsys, KeyFilePath(dir, info.key_name), sealed, 0600));
  out.case_key = std::make_shared<const CaseKey>(std::move(case_key));
  return out;
}

}  // namespace

Result<Case> Case::Create(const fs::path& dir, const CaseOptions& options) {
  EVIDENCE_RETURN_IF_ERROR(ValidPrefix(options.exhibit_prefix));
  if (options.passphrase) DisableCoreDumps();  // the keys are about to exist in clear in memory
  EVIDENCE_ASSIGN_OR_RETURN(bool existed, CheckNewCaseFolder(dir));
  EVIDENCE_ASSIGN_OR_RETURN(CaseInfo info, NewCaseInfo(options));
  FileSystem& fsys = FileSystem::Default();
  if (!existed) {
    std::error_code ec;
    fs::create_directories(dir.parent_path().empty() ? fs::path(".") : dir.parent_path(), ec);
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(dir, 0700));
  }
  CreateRollback rollback(dir, !existed);
  for (const char* sub : {"objects", "tmp", "keys"}) {
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(dir / sub, 0700));
  }

  EVIDENCE_ASSIGN_OR_RETURN(SigningKey key, SigningKey::Generate());
  PublicKey pub = key.public_key();
  info.key_fingerprint = pub.Fingerprint();
  EVIDENCE_ASSIGN_OR_RETURN(NewKeys keys, SealNewKeys(fsys, dir, info, key, options));
  EVIDENCE_RETURN_IF_ERROR(
      WriteFileAtomically(fsys, PublicKeyPath(dir, info.key_name), pub.ToPem(), 0644));

  EVIDENCE_ASSIGN_OR_RETURN(auto db, sql::Database::Open(LedgerPath(dir), true, kLockTimeoutMs));
  EVIDENCE_RETURN_IF_ERROR(db.Exec(internal::kLedgerSchemaSql));
  EVIDENCE_RETURN_IF_ERROR(InstallLedgerViews(db, keys.case_key));
  auto state = std::make_unique<State>(dir, keys.case_key, std::move(db), pub);
  state->info = info;
  state->key_file = KeyFilePath(dir, info.key_name);
  state->signing_key = std::move(key);
  state->unlock = std::move(keys.unlock);
  EVIDENCE_RETURN_IF_ERROR(RecordCaseCreated(*state, pub));
  // case.json is written last: a folder without it is not a case, so a failed init is never
  // mistaken for one.
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, CaseJsonPath(dir), CaseJsonText(info), 0644));
  rollback.Disarm();
  return Case(std::move(state));
}

namespace {

// An encrypted case's keys, unlocked together when it opens: the case key first (the ledger
// that names the signing key in force is encrypted under it), then the signing key with the
// same KEK (one scrypt derivation for both).
struct UnlockedKeys {
  std::shared_ptr<const CaseKey> case_key;  // null: a plaintext case
  CaseUnlock unlock;
};

// Asks the passphrase once and opens the case key with it. Nothing is written.
Result<UnlockedKeys> UnlockCaseKey(const fs::path& dir, const CaseInfo& info,
                                   const PassphraseProvider& passphrase) {
  UnlockedKeys out;
  std::error_code ec;
  const fs::path case_key_file = CaseKeyPath(dir);
  if (!info.encrypted) {
    // A case key beside a case.json that says "plaintext": case.json was edited, and reading
    // the ledger's ciphertext as plaintext would only mislead.
    if (fs::exists(case_key_file, ec) || fs::is_symlink(case_key_file, ec)) {
      return Status::Corruption(CaseJsonPath(dir).string() +
                                ": says the case is not encrypted, but keys/case-key.sealed is "
                                "there (case.json was edited)");
    }
    return out;
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::string case_key_text, ReadCaseFile(case_key_file));
  if (!passphrase) {
    return Status::InvalidArgument(dir.string() +
                                   ": the case is encrypted and no passphrase was given");
  }
  {
    EVIDENCE_ASSIGN_OR_RETURN(std::string pass, passphrase());
    out.unlock.unlocker = std::make_unique<seal::Unlocker>(std::move(pass));
  }
  auto case_key = OpenCaseKey(case_key_text, info.uuid, *out.unlock.unlocker, &out.unlock.kek);
  if (!case_key.ok()) return case_key.status().WithContext(case_key_file.string());
  out.case_key = std::make_shared<const CaseKey>(std::move(case_key).value());
  return out;
}

}  // namespace

Result<Case> Case::Open(const fs::path& dir, PassphraseProvider passphrase) {
  // A conversion to an encrypted case cut short is finished or taken back first (encrypt.cpp).
  EVIDENCE_RETURN_IF_ERROR(FinishEncryption(dir));
  EVIDENCE_ASSIGN_OR_RETURN(CaseInfo info, ParseCaseJson(dir));
  std::error_code ec;
  if (!fs::exists(LedgerPath(dir), ec)) {
    return Status::Corruption(dir.string() + ": the case has no ledger.sqlite");
  }
  EVIDENCE_ASSIGN_OR_RETURN(auto db, sql::Database::Open(LedgerPath(dir), false, kLockTimeoutMs));
  EVIDENCE_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT value FROM meta WHERE key = 'uuid'"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnText(0) != info.uuid) {
    return Status::Corruption(dir.string() + ": ledger.sqlite belongs to another case");
  }
  EVIDENCE_RETURN_IF_ERROR(EnsureNodeCache(db));
  // A passphrase change a crash interrupted is finished (or discarded) before any key is read.
  EVIDENCE_RETURN_IF_ERROR(FinishKeyFileChange(db, FileSystem::Default(), dir));
  if (info.encrypted) DisableCoreDumps();  // before the passphrase is asked for
  EVIDENCE_ASSIGN_OR_RETURN(UnlockedKeys unlocked, UnlockCaseKey(dir, info, passphrase));
  EVIDENCE_RETURN_IF_ERROR(InstallLedgerViews(db, unlocked.case_key));
  // After `key rotate` the key in force is the last key.added entry's, not the first file.
  EVIDENCE_ASSIGN_OR_RETURN(fs::path key_file, CurrentKeyFile(db, dir, info.key_name));
  EVIDENCE_ASSIGN_OR_RETURN(std::string key_text, ReadCaseFile(key_file));
  EVIDENCE_ASSIGN_OR_RETURN(KeyFileInfo key_info, InspectKeyFile(key_text));
  if (key_info.case_uuid != info.uuid) {
    return Status::Corruption(key_file.string() + ": key file belongs to another case");
  }
  info.key_fingerprint = key_info.public_key.Fingerprint();
  info.key_encrypted = key_info.encrypted;
  if (info.key_encrypted) DisableCoreDumps();  // before any passphrase is asked for
  std::optional<SigningKey> signing_key;
  if (unlocked.unlock.unlocker) {
    auto key = OpenSigningKeyWith(key_text, info.uuid, unlocked.unlock.unlocker.get());
    if (!key.ok()) return key.status().WithContext(key_file.string());
    signing_key = std::move(key).value();
  }
  auto state = std::make_unique<State>(dir, unlocked.case_key, std::move(db), key_info.public_key);
  state->info = std::move(info);
  state->key_file = std::move(key_file);
  state->passphrase = std::move(passphrase);
  state->signing_key = std::move(signing_key);
  state->unlock = std::move(unlocked.unlock);
  return Case(std::move(state));
}

Result<LedgerWriter*> CaseState::Writer() {
  if (writer && writer_transaction == db.transactions_begun()) return &*writer;
  writer.reset();
  EVIDENCE_ASSIGN_OR_RETURN(LedgerWriter w,
                            LedgerWriter::Begin(db, info.uuid, info.origin, public_key));
  writer.emplace(std::move(w));
  writer_transaction = db.transactions_begun();
  return &*writer;
}

Status CaseState::CheckLedger() {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("PRAGMA data_version"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  const std::int64_t now = row ? st.ColumnInt(0) : -1;
  if (ledger_checked_at == now) return Status::Ok();
  EVIDENCE_RETURN_IF_ERROR(CheckSignedLedger(db, info.uuid, info.origin));
  ledger_checked_at = now;
  return Status::Ok();
}

Result<std::uint64_t> CaseState::AppendEntry(std::string_view action, nlohmann::json data,
                                             const std::optional<std::string>& item,
                                             const std::optional<std::string>& incident) {
  EVIDENCE_ASSIGN_OR_RETURN(LedgerWriter * w, Writer());
  LedgerEntry e;
  e.time = NowRfc3339();
  e.actor = info.key_name;
  e.action = std::string(action);
  e.data = std::move(data);
  e.seq = w->size();
  // Nothing is appended that a reader would refuse (a received bundle's values reach here).
  if (Status st = payload::Check(e.seq, e.action, e.data); !st.ok()) {
    return Status::InvalidArgument("refusing to append " + st.message());
  }
  return w->Append(std::move(e), item, incident);
}

Result<const SigningKey*> CaseState::Key() {
  if (signing_key) return &*signing_key;
  const fs::path& path = key_file;
  EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadCaseFile(path));
  std::optional<std::string> pass;
  if (info.key_encrypted) {
    if (!passphrase) {
      return Status::InvalidArgument("the case key is encrypted and no passphrase was given");
    }
    EVIDENCE_ASSIGN_OR_RETURN(pass, passphrase());
  }
  auto key = OpenSigningKey(text, info.uuid, pass);
  if (pass) OPENSSL_cleanse(pass->data(), pass->size());  // the provider's copy is the caller's
  if (!key.ok()) return key.status().WithContext(path.string());
  if (!(key->public_key() == public_key)) {
    return Status::Corruption(path.string() + ": private key does not match the public key");
  }
  signing_key = std::move(key).value();
  return &*signing_key;
}

Status CaseState::SealLocked() {
  EVIDENCE_ASSIGN_OR_RETURN(LedgerWriter * w, Writer());
  if (!w->unsealed()) return Status::Ok();
  EVIDENCE_ASSIGN_OR_RETURN(const SigningKey* key, Key());
  return w->Seal(*key, info.key_name, info.origin);
}

Status Case::Unlock() { return s_->Key().status(); }

Status Case::Seal() {
  // Ask for the key before taking the lock, so a passphrase prompt never holds other writers up.
  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  return txn.Commit();
}

namespace {

// Folds the item entries a query returns (columns seq, entry; in seq order). Items are read from
// the signed entries, never from the `items` cache (docs/case-format.md "Caches").
Result<ItemFold> FoldItems(sql::Statement& st) {
  ItemFold fold;
  std::vector<std::string> problems;
  EVIDENCE_RETURN_IF_ERROR(ForEachEntry(st, [&](std::uint64_t, const LedgerEntry& e, ByteView) {
    fold.Add(e, &problems);
    if (!problems.empty()) {
      return Status::Corruption("ledger: " + problems.front() + " (run `evidence verify`)");
    }
    return Status::Ok();
  }));
  return fold;
}

}  // namespace

Result<std::vector<Item>> Case::Items() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, s_->db.Prepare("SELECT seq, entry FROM entries WHERE action IN ('item.ingested', "
                              "'item.metadata', 'bundle.received') ORDER BY seq"));
  EVIDENCE_ASSIGN_OR_RETURN(ItemFold fold, FoldItems(st));
  return fold.InOrder();
}

Result<Item> Case::GetItem(std::string_view exhibit) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  const std::string id = CanonicalExhibitId(exhibit);
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, s_->db.Prepare("SELECT seq, entry FROM entries WHERE (item = ?1 AND action IN "
                              "('item.ingested', 'item.metadata')) OR action = 'bundle.received' "
                              "ORDER BY seq"));
  st.Bind(1, id);
  EVIDENCE_ASSIGN_OR_RETURN(ItemFold fold, FoldItems(st));
  auto it = fold.items().find(id);
  if (it == fold.items().end()) {
    return Status::NotFound("no item " + std::string(exhibit) + " in this case");
  }
  return it->second;
}

Result<std::vector<LedgerEntry>> Case::Log(const LogFilter& f) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  std::string sql = "SELECT seq, entry FROM entries WHERE 1=1";
  if (f.item) sql += " AND item = ?1 COLLATE NOCASE";
  if (f.incident) sql += " AND incident = ?2 COLLATE NOCASE";
  if (f.action) sql += " AND action = ?3";
  if (f.since) sql += " AND time >= ?4";
  if (f.until) sql += " AND time <= ?5";
  sql += " ORDER BY seq";
  EVIDENCE_ASSIGN_OR_RETURN(auto st, s_->db.Prepare(sql));
  if (f.item) st.Bind(1, *f.item);
  if (f.incident) st.Bind(2, *f.incident);
  if (f.action) st.Bind(3, *f.action);
  if (f.since) st.Bind(4, *f.since);
  if (f.until) st.Bind(5, *f.until);
  std::vector<LedgerEntry> out;
  EVIDENCE_RETURN_IF_ERROR(ForEachEntry(st, [&](std::uint64_t, const LedgerEntry& e, ByteView) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Result<std::string> Case::LatestCheckpoint() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  // Only a checkpoint whose signature verifies is handed out (to `prove`, `checkpoint`, a report,
  // a time-stamp request): a newest row with a stripped or foreign signature is refused, never
  // passed over for an older one.
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(s_->db, s_->info.uuid));
  auto head = NewestSignedCheckpoint(s_->db, keys.epochs, s_->info.origin);
  if (!head.ok()) {
    if (head.status().code() != StatusCode::kVerificationFailed) return head.status();
    return Status::VerificationFailed(head.status().message() + " (run `evidence verify`)");
  }
  return head->note;
}

namespace {

// Appends the item.accessed entry of a copy of `item` handed out for `purpose` to `to`, inside the
// caller's transaction. The item must be the one the signed ledger names, not whatever the tables
// say now, so its item.ingested entry is read verified first.
Status RecordAccess(CaseState& s, const Item& item, const char* purpose, const std::string& to) {
  EVIDENCE_ASSIGN_OR_RETURN(LedgerWriter * writer, s.Writer());
  EVIDENCE_ASSIGN_OR_RETURN(LedgerEntry ingested, writer->ReadVerified(item.entry_seq));
  auto says = [&](const char* field, const std::string& want) {
    auto it = ingested.data.find(field);
    return it != ingested.data.end() && it->is_string() && it->get<std::string>() == want;
  };
  if (ingested.action != "item.ingested" || !says("item", item.exhibit) ||
      !says("sha256", DigestHex(item.sha256))) {
    return CaseDoesNotVerify(item.exhibit + ": entry " + std::to_string(item.entry_seq) +
                             " does not record this item as it reads");
  }
  nlohmann::json data = {
      {"item", item.exhibit}, {"sha256", DigestHex(item.sha256)}, {"purpose", purpose}, {"to", to}};
  return s.AppendEntry("item.accessed", data, item.exhibit, std::nullopt).status();
}

}  // namespace

Result<int> Case::OpenOriginal(std::string_view exhibit,
                               const std::optional<std::string>& handed_to) {
  EVIDENCE_ASSIGN_OR_RETURN(Item item, GetItem(exhibit));
  if (!handed_to) {
    auto fd = s_->objects.PlaintextFile(item.sha256, item.size);
    if (!fd.ok()) return fd.status().WithContext(item.exhibit);
    return fd->release();
  }
  // As Extract: the access is committed only once the bytes are read and checked.
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  EVIDENCE_RETURN_IF_ERROR(RecordAccess(*s_, item, "download", *handed_to));
  auto fd = s_->objects.PlaintextFile(item.sha256, item.size);
  if (!fd.ok()) return fd.status().WithContext(item.exhibit);
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  return fd->release();
}

Result<fs::path> Case::Extract(std::string_view exhibit, const fs::path& dest_dir, bool overwrite) {
  EVIDENCE_ASSIGN_OR_RETURN(Item item, GetItem(exhibit));
  std::error_code ec;
  if (!fs::is_directory(dest_dir, ec)) {
    return Status::InvalidArgument(dest_dir.string() + ": not a folder");
  }
  fs::path dest = dest_dir / fs::path(item.raw_name).filename();
  if (fs::exists(dest, ec)) {
    if (!overwrite) {
      return Status::AlreadyExists(dest.string() + ": exists").AboutArgument("overwrite");
    }
  }
  // The access is recorded in the same transaction that is committed only once the copy is
  // complete and checked, so the ledger never claims an access that did not happen (nor misses
  // one).
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  EVIDENCE_RETURN_IF_ERROR(
      RecordAccess(*s_, item, "extract", LossyUtf8(fs::absolute(dest, ec).string())));
  if (overwrite) (void)s_->fs->Remove(dest);
  Status copied = s_->objects.CopyOut(item.sha256, item.size, dest);
  if (!copied.ok()) return copied.WithContext(item.exhibit);
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  Status committed = txn.Commit();
  if (!committed.ok()) {
    (void)s_->fs->Remove(dest);
    return committed;
  }
  return dest;
}

Result<std::string> Case::PublicKeyPem() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  return s_->public_key.ToPem();
}

Result<std::string> Case::VerifierKey() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  return evidence::VerifierKey(s_->info.key_name, s_->public_key);
}

fs::path DefaultCaseDir() {
  if (const char* c = std::getenv("EVIDENCE_CASE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) {
    return fs::path(x) / "evidence" / "default";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".local" / "share" / "evidence" / "default";
}

}  // namespace evidence
