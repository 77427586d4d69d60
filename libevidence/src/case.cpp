#include "evidence/case.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/key_file.hpp"
#include "evidence/merkle.hpp"
#include "ledger_payloads.hpp"
#include "ledger_schema.hpp"
#include "ledger_source.hpp"
#include "status_macros.hpp"

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

// A signed-note key name may not hold spaces or '+'; derive a readable one from the owner.
std::string KeyNameFor(std::string_view owner) {
  std::string out;
  for (unsigned char c : owner) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if ((c == '-' || c == '_' || c == '.' || c == ' ') && !out.empty() &&
               out.back() != '-') {
      out.push_back(c == ' ' ? '-' : static_cast<char>(c));
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "owner" : out;
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

Result<std::string> ReadSmallFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, path, "cannot read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
  EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(CaseJsonPath(dir)));
  auto j = nlohmann::json::parse(text, nullptr, false);
  CaseInfo info;
  try {
    if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
    info.format = j.at("format").get<int>();
    info.uuid = j.at("uuid").get<std::string>();
    info.name = j.at("name").get<std::string>();
    info.owner = j.at("owner").get<std::string>();
    info.created = j.at("created").get<std::string>();
    info.origin = j.at("origin").get<std::string>();
    info.exhibit_prefix = j.at("exhibit_prefix").get<std::string>();
    info.key_name = j.at("key_name").get<std::string>();
  } catch (const std::exception& e) {
    return Status::Corruption(CaseJsonPath(dir).string() + ": malformed: " + e.what());
  }
  if (info.format != kCaseFormat) {
    return Status::Unsupported(CaseJsonPath(dir).string() + ": case format " +
                               std::to_string(info.format) + " is not supported");
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
                      {"key_name", info.key_name}};
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

Result<Case> Case::Create(const fs::path& dir, const CaseOptions& options) {
  EVIDENCE_RETURN_IF_ERROR(ValidPrefix(options.exhibit_prefix));
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
  FileSystem& fsys = FileSystem::Default();
  if (!existed) {
    fs::create_directories(dir.parent_path().empty() ? fs::path(".") : dir.parent_path(), ec);
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(dir, 0700));
  }
  CreateRollback rollback(dir, !existed);
  for (const char* sub : {"objects", "tmp", "keys"}) {
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(dir / sub, 0700));
  }

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
  if (!IsValidUtf8(info.name) || !IsValidUtf8(info.owner)) {
    return Status::InvalidArgument("case name and owner must be valid UTF-8");
  }

  EVIDENCE_ASSIGN_OR_RETURN(SigningKey key, SigningKey::Generate());
  PublicKey pub = key.public_key();
  info.key_fingerprint = pub.Fingerprint();
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed,
                            SealSigningKey(key, info.key_name, info.uuid, options.passphrase));
  EVIDENCE_RETURN_IF_ERROR(
      WriteFileAtomically(fsys, KeyFilePath(dir, info.key_name), sealed, 0600));
  EVIDENCE_RETURN_IF_ERROR(
      WriteFileAtomically(fsys, PublicKeyPath(dir, info.key_name), pub.ToPem(), 0644));

  EVIDENCE_ASSIGN_OR_RETURN(auto db, sql::Database::Open(LedgerPath(dir), true, kLockTimeoutMs));
  EVIDENCE_RETURN_IF_ERROR(db.Exec(internal::kLedgerSchemaSql));
  auto state = std::make_unique<State>(dir, std::move(db), pub);
  state->info = info;
  state->key_file = KeyFilePath(dir, info.key_name);
  state->signing_key = std::move(key);
  {
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(state->db));
    EVIDENCE_ASSIGN_OR_RETURN(auto meta,
                              state->db.Prepare("INSERT INTO meta(key, value) VALUES (?, ?)"));
    EVIDENCE_RETURN_IF_ERROR(meta.Bind(1, "format").Bind(2, std::to_string(kCaseFormat)).Run());
    EVIDENCE_RETURN_IF_ERROR(meta.Bind(1, "uuid").Bind(2, info.uuid).Run());
    nlohmann::json created = {{"case", info.uuid},
                              {"name", info.name},
                              {"owner", info.owner},
                              {"origin", info.origin},
                              {"exhibit_prefix", info.exhibit_prefix},
                              {"format", kCaseFormat}};
    EVIDENCE_RETURN_IF_ERROR(
        state->AppendEntry("case.created", created, std::nullopt, std::nullopt).status());
    nlohmann::json key_added = {{"key", info.key_name},
                                {"public_key", Base64Encode(pub.raw())},
                                {"fingerprint", info.key_fingerprint},
                                {"vkey", ::evidence::VerifierKey(info.key_name, pub)}};
    EVIDENCE_RETURN_IF_ERROR(
        state->AppendEntry("key.added", key_added, std::nullopt, std::nullopt).status());
    EVIDENCE_RETURN_IF_ERROR(state->SealLocked());
    EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  }
  // case.json is written last: a folder without it is not a case, so a failed init is never
  // mistaken for one.
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, CaseJsonPath(dir), CaseJsonText(info), 0644));
  rollback.Disarm();
  return Case(std::move(state));
}

Result<Case> Case::Open(const fs::path& dir, PassphraseProvider passphrase) {
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
  // After `key rotate` the key in force is the last key.added entry's, not the first file.
  EVIDENCE_ASSIGN_OR_RETURN(fs::path key_file, CurrentKeyFile(db, dir, info));
  EVIDENCE_ASSIGN_OR_RETURN(std::string key_text, ReadSmallFile(key_file));
  EVIDENCE_ASSIGN_OR_RETURN(KeyFileInfo key_info, InspectKeyFile(key_text));
  if (key_info.case_uuid != info.uuid) {
    return Status::Corruption(key_file.string() + ": key file belongs to another case");
  }
  info.key_fingerprint = key_info.public_key.Fingerprint();
  info.key_encrypted = key_info.encrypted;
  auto state = std::make_unique<State>(dir, std::move(db), key_info.public_key);
  state->info = std::move(info);
  state->key_file = std::move(key_file);
  state->passphrase = std::move(passphrase);
  return Case(std::move(state));
}

Result<std::uint64_t> Case::State::AppendEntry(std::string_view action, nlohmann::json data,
                                               const std::optional<std::string>& item,
                                               const std::optional<std::string>& incident) {
  // The appender also writes the Merkle nodes this entry completes (schemas/ledger.sql `nodes`).
  EVIDENCE_ASSIGN_OR_RETURN(LedgerAppender appender, LedgerAppender::Begin(db));
  LedgerEntry e;
  e.seq = appender.size();
  e.time = NowRfc3339();
  e.actor = info.key_name;
  e.action = std::string(action);
  e.data = std::move(data);
  // Nothing is appended that a reader would refuse (a received bundle's values reach here).
  if (Status st = payload::Check(e.seq, e.action, e.data); !st.ok()) {
    return Status::InvalidArgument("refusing to append " + st.message());
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::string bytes, e.Encode());
  EVIDENCE_RETURN_IF_ERROR(
      appender.Append(AsBytes(bytes), e.time, e.action, item, incident).status());
  return e.seq;
}

Result<const SigningKey*> Case::State::Key() {
  if (signing_key) return &*signing_key;
  const fs::path& path = key_file;
  EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
  std::optional<std::string> pass;
  if (info.key_encrypted) {
    if (!passphrase) {
      return Status::InvalidArgument("the case key is encrypted and no passphrase was given");
    }
    EVIDENCE_ASSIGN_OR_RETURN(pass, passphrase());
  }
  auto key = OpenSigningKey(text, info.uuid, pass);
  if (!key.ok()) return key.status().WithContext(path.string());
  if (!(key->public_key() == public_key)) {
    return Status::Corruption(path.string() + ": private key does not match the public key");
  }
  signing_key = std::move(key).value();
  return &*signing_key;
}

Status Case::State::SealLocked() {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto last, db.Prepare("SELECT note FROM checkpoints ORDER BY size DESC, id DESC LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool has_checkpoint, last.Step());
  std::optional<Checkpoint> previous;
  if (has_checkpoint) {
    auto parsed = ParseCheckpointNote(last.ColumnText(0));
    if (parsed.ok()) previous = parsed->checkpoint;
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t size, LedgerSize(db));
  if (has_checkpoint && previous && previous->size == size) return Status::Ok();

  // The root comes from the cache only where the previous signed checkpoint vouches for it (a
  // consistency proof from that checkpoint must verify); what was appended since is hashed from
  // the entries. If the cache disagrees with the signed root it is rebuilt from the entries.
  merkle::Hash root{};
  bool from_cache = false;
  if (previous && previous->size > 0 && previous->size < size) {
    EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source,
                              LedgerHashSource::LoadTrustingCacheBelow(db, size, previous->size));
    EVIDENCE_ASSIGN_OR_RETURN(root, merkle::RootAt(source, size));
    EVIDENCE_ASSIGN_OR_RETURN(auto proof, merkle::ConsistencyProof(source, previous->size, size));
    from_cache = merkle::VerifyConsistency(previous->size, size, previous->root, root, proof).ok();
    if (!from_cache) EVIDENCE_RETURN_IF_ERROR(RebuildNodeCache(db));
  }
  if (!from_cache) {
    // Streams the entries (O(log n) memory). An altered ledger is signed as it stands, as it
    // always was: `verify` reports the older checkpoint's mismatch.
    EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source,
                              LedgerHashSource::LoadTrustingCacheBelow(db, size, 0));
    EVIDENCE_ASSIGN_OR_RETURN(root, merkle::RootAt(source, size));
  }

  EVIDENCE_ASSIGN_OR_RETURN(const SigningKey* key, Key());
  Checkpoint cp{info.origin, size, root};
  EVIDENCE_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(cp, info.key_name, *key));
  EVIDENCE_ASSIGN_OR_RETURN(
      auto insert, db.Prepare("INSERT INTO checkpoints(size, note, created) VALUES (?, ?, ?)"));
  return insert.Bind(1, static_cast<std::int64_t>(cp.size))
      .Bind(2, note)
      .Bind(3, NowRfc3339())
      .Run();
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

constexpr const char* kItemColumns =
    "exhibit, sha256, size, name, kind, media_type, captured, ingested, note, parent, entry_seq, "
    "metadata";

Result<Item> ReadItemRow(const sql::Statement& st) {
  Item it;
  it.exhibit = st.ColumnText(0);
  auto digest = DigestFromHex(st.ColumnText(1));
  if (!digest.ok()) return Status::Corruption(it.exhibit + ": malformed sha256 in the items table");
  it.sha256 = *digest;
  it.size = static_cast<std::uint64_t>(st.ColumnInt(2));
  Bytes name = st.ColumnBlob(3);
  it.raw_name.assign(name.begin(), name.end());
  it.name = LossyUtf8(it.raw_name);
  it.kind = st.ColumnText(4);
  it.media_type = st.ColumnText(5);
  it.captured = st.ColumnOptionalText(6);
  it.ingested = st.ColumnText(7);
  it.note = st.ColumnOptionalText(8).value_or("");
  it.parent = st.ColumnOptionalText(9);
  it.entry_seq = static_cast<std::uint64_t>(st.ColumnInt(10));
  if (auto meta = st.ColumnOptionalText(11)) {
    auto j = nlohmann::json::parse(*meta, nullptr, false);
    if (!j.is_discarded()) it.metadata = std::move(j);
  }
  return it;
}

}  // namespace

nlohmann::json ItemToJson(const Item& it) {
  nlohmann::json j = {{"exhibit", it.exhibit},
                      {"sha256", DigestHex(it.sha256)},
                      {"size", it.size},
                      {"name", it.name},
                      {"kind", it.kind},
                      {"media_type", it.media_type},
                      {"captured", it.captured ? nlohmann::json(*it.captured) : nlohmann::json()},
                      {"ingested", it.ingested},
                      {"entry", it.entry_seq},
                      {"metadata", it.metadata}};
  if (!IsValidUtf8(it.raw_name)) j["name_hex"] = HexEncode(AsBytes(it.raw_name));
  if (!it.note.empty()) j["note"] = it.note;
  if (it.parent) j["parent"] = *it.parent;
  return j;
}

Result<std::vector<Item>> Case::Items() const {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, s_->db.Prepare(std::string("SELECT ") + kItemColumns +
                                                    " FROM items ORDER BY entry_seq"));
  std::vector<Item> items;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    EVIDENCE_ASSIGN_OR_RETURN(Item it, ReadItemRow(st));
    items.push_back(std::move(it));
  }
  return items;
}

Result<Item> Case::GetItem(std::string_view exhibit) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto st,
                            s_->db.Prepare(std::string("SELECT ") + kItemColumns +
                                           " FROM items WHERE exhibit = ?1 COLLATE NOCASE"));
  st.Bind(1, exhibit);
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no item " + std::string(exhibit) + " in this case");
  return ReadItemRow(st);
}

Result<std::vector<LedgerEntry>> Case::Log(const LogFilter& f) const {
  std::string sql = "SELECT entry FROM entries WHERE 1=1";
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
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Bytes b = st.ColumnBlob(0);
    auto e = ParseLedgerEntry(AsChars(b));
    if (!e.ok()) return e.status().WithContext("ledger");
    out.push_back(std::move(e).value());
  }
  return out;
}

Result<std::string> Case::LatestCheckpoint() const {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, s_->db.Prepare("SELECT note FROM checkpoints ORDER BY id DESC LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption("the case has no signed checkpoint");
  return st.ColumnText(0);
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
      return Status::AlreadyExists(dest.string() + ": exists (use --force to replace it)");
    }
  }
  // The access is recorded in the same transaction that is committed only once the copy is
  // complete and checked, so the ledger never claims an access that did not happen (nor misses
  // one).
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  nlohmann::json data = {{"item", item.exhibit},
                         {"sha256", DigestHex(item.sha256)},
                         {"purpose", "extract"},
                         {"to", LossyUtf8(fs::absolute(dest, ec).string())}};
  EVIDENCE_RETURN_IF_ERROR(
      s_->AppendEntry("item.accessed", data, item.exhibit, std::nullopt).status());
  if (overwrite) (void)s_->fs->Remove(dest);
  Status copied = s_->objects.CopyOut(item.sha256, dest);
  if (!copied.ok()) return copied.WithContext(item.exhibit);
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  Status committed = txn.Commit();
  if (!committed.ok()) {
    (void)s_->fs->Remove(dest);
    return committed;
  }
  return dest;
}

Result<std::string> Case::PublicKeyPem() const { return s_->public_key.ToPem(); }

Result<std::string> Case::VerifierKey() const {
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
