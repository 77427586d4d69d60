// Case::Verify: the full check of a case. Every finding names the item, entry or checkpoint and the
// check that failed, so a user (or an examiner) learns exactly what is wrong.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "case_state.hpp"
#include "catalog.hpp"
#include "entry_rows.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/merkle.hpp"
#include "incident_fold.hpp"
#include "item_fold.hpp"
#include "ledger_check.hpp"
#include "ledger_payloads.hpp"
#include "ledger_source.hpp"
#include "status_macros.hpp"
#include "thread_pool.hpp"
#include "timestamp_store.hpp"

namespace evidence {

namespace {

struct IngestRecord {
  std::uint64_t seq = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string name;
};

std::string Short(const std::string& hex) { return hex.substr(0, 16); }

std::optional<std::string> StrField(const nlohmann::json& d, const char* key) {
  auto it = d.find(key);
  if (it == d.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string Shown(const std::optional<std::string>& v) {
  return v ? "\"" + LossyUtf8(v->substr(0, 60)) + "\"" : "nothing";
}

// "entry 4" or "entries 4 to 7".
std::string EntryRange(std::uint64_t first, std::uint64_t last) {
  if (first == last) return "entry " + std::to_string(first);
  return "entries " + std::to_string(first) + " to " + std::to_string(last);
}

// The item and incident an entry is about: what its index columns must say.
std::optional<std::string> Opt(const std::string& s) { return s; }
std::optional<std::string> Opt(const std::optional<std::string>& s) { return s; }
template <typename T>
std::optional<std::string> ItemOf(const T& p) {
  if constexpr (requires { p.item; }) {
    return Opt(p.item);
  } else {
    return std::nullopt;
  }
}
template <typename T>
std::optional<std::string> IncidentOf(const T& p) {
  if constexpr (requires { p.incident; }) {
    return Opt(p.incident);
  } else {
    return std::nullopt;
  }
}

// The index columns stored beside an entry's bytes: what `log`, `show` and `list` select on.
struct IndexColumns {
  std::optional<std::string> time, action, item, incident;
};

// What `verify` learns from the entries while they stream past, and the checks of one entry
// against those before it. Reads only typed payloads (ledger_payloads.hpp).
struct EntryChecks {
  EntryChecks(std::string uuid, std::vector<std::string>* out)
      : case_uuid(std::move(uuid)), failures(out) {}

  std::string case_uuid;
  std::vector<std::string>* failures;
  std::map<std::string, IngestRecord> ingested;
  std::set<std::string> incidents;
  std::map<std::string, std::pair<std::string, std::uint64_t>> message_digests;  // item -> sha, n
  std::set<std::string> custody_folders;  // named by bundle.received entries
  ItemFold fold;  // the items as the entries record them; the items table must agree

  void Fail(std::string msg) { failures->push_back(std::move(msg)); }

  void Check(std::uint64_t position, const std::string& label, const LedgerEntry& entry,
             const payload::Payload& p, const IndexColumns& stored) {
    const auto want_item = std::visit([](const auto& x) { return ItemOf(x); }, p);
    const auto want_incident = std::visit([](const auto& x) { return IncidentOf(x); }, p);
    auto column = [&](const char* name, const std::optional<std::string>& have,
                      const std::optional<std::string>& want) {
      if (have != want) {
        Fail(label + ": its " + name + " column says " + Shown(have) + ", but the entry says " +
             Shown(want) + " (the entries table was edited)");
      }
    };
    column("time", stored.time, entry.time);
    column("action", stored.action, entry.action);
    column("item", stored.item, want_item);
    column("incident", stored.incident, want_incident);
    std::vector<std::string> fold_problems;
    fold.Add(entry, &fold_problems);
    for (auto& problem : fold_problems) Fail(std::move(problem));

    const auto* created = std::get_if<payload::CaseCreated>(&p);
    if (position == 0 && (created == nullptr || created->case_uuid != case_uuid)) {
      Fail("entry 0: is not the case.created entry of case " + case_uuid);
    }
    // Diary entries may only speak of incidents and items recorded before them.
    if (const auto* rec = std::get_if<payload::IncidentRecorded>(&p)) {
      if (!incidents.insert(rec->incident).second) {
        Fail(label + ": incident " + rec->incident + " is recorded twice");
      }
    } else if (const auto* am = std::get_if<payload::IncidentAmended>(&p);
               am && !incidents.count(am->incident)) {
      Fail(label + ": refers to incident " + am->incident + ", which no earlier entry records");
    } else if (const auto* link = std::get_if<payload::ItemLinked>(&p)) {
      if (!incidents.count(link->incident)) {
        Fail(label + ": refers to incident " + link->incident + ", which no earlier entry records");
      }
      if (!ingested.count(link->item)) {
        Fail(label + ": links exhibit " + link->item + ", which no earlier entry ingests");
      }
      CheckLinkedMessages(label, *link);
    } else if (const auto* meta = std::get_if<payload::ItemMetadata>(&p); meta && meta->messages) {
      message_digests[meta->item] = {meta->messages->sha256, meta->messages->count};
    } else if (const auto* received = std::get_if<payload::BundleReceived>(&p)) {
      // The custody folders a receive committed; any other is left by an interrupted one.
      custody_folders.insert(std::to_string(received->custody));
      for (std::uint64_t k : received->custody_carried) custody_folders.insert(std::to_string(k));
    } else if (const auto* in = std::get_if<payload::ItemIngested>(&p)) {
      if (ingested.count(in->item))
        Fail(label + ": exhibit " + in->item + " is ingested a second time");
      ingested[in->item] = {position, in->sha256, in->size, in->name};
    }
  }

  // A link to messages names only messages its export holds: message numbers run from 0 to one
  // less than the count the export's signed item.metadata entry recorded (docs/diary.md).
  void CheckLinkedMessages(const std::string& label, const payload::ItemLinked& link) {
    if (link.messages.empty()) return;
    auto it = message_digests.find(link.item);
    if (it == message_digests.end()) {
      Fail(label + ": links messages of exhibit " + link.item +
           ", which no earlier entry records as holding messages");
      return;
    }
    if (std::string beyond = MessageBeyondExport(link, it->second.second); !beyond.empty()) {
      Fail(label + ": " + beyond);
    }
  }
};
// The full check of a case, one finding per failure, over the case's components: the ledger
// tables (entries, checkpoints), the catalog, the object store and the folder's leftovers. Each
// step below is one check of docs/cli.md's `verify`; Run() takes them in order, because the
// later ones compare the tables and objects with what the entries recorded.
class CaseVerifier {
 public:
  CaseVerifier(sql::Database& db, const Catalog& catalog, const ObjectStore& objects,
               const CaseInfo& info, const PublicKey& key, const fs::path& dir)
      : db_(db),
        catalog_(catalog),
        objects_(objects),
        info_(info),
        key_(key),
        dir_(dir),
        checks_(info.uuid, &report_.failures) {}

  Result<VerifyReport> Run() {
    report_.key_fingerprint = info_.key_fingerprint;
    EVIDENCE_RETURN_IF_ERROR(CheckSignatures());
    EVIDENCE_RETURN_IF_ERROR(ScanEntries());
    EVIDENCE_RETURN_IF_ERROR(CheckRoots());
    EVIDENCE_RETURN_IF_ERROR(CheckItems());
    EVIDENCE_RETURN_IF_ERROR(CheckObjects());
    EVIDENCE_RETURN_IF_ERROR(CheckMessages());
    CheckKey();
    // RFC 3161 tokens: stored unchanged and still proving their checkpoints.
    EVIDENCE_RETURN_IF_ERROR(timestamp_store::CheckStoredTokens(db_, dir_, &report_.failures));
    ReportLeftovers();
    return std::move(report_);
  }

 private:
  struct SignedInfo {
    std::uint64_t size;
    merkle::Hash root;
  };

  void Fail(std::string msg) { report_.failures.push_back(std::move(msg)); }

  // Parses and verifies each checkpoint's signature up front, so that their roots can be taken
  // while the entries stream past once; the tree sizes they claim come from the signed text,
  // never from the unsigned size column.
  Status CheckSignatures();
  // One pass over the ledger: each entry's bytes, position and shape; roots at checkpoint sizes.
  Status ScanEntries();
  // Every checkpoint must commit to exactly the entries there are; the newest must cover them all.
  Status CheckRoots();
  // Items: each row must agree with the entry that created it, and each entry must have a row.
  Status CheckItems();
  void CheckItemRow(const Catalog::StoredItem& row, const IngestRecord& rec);
  // Objects: re-hash every original named by the ledger (the signed record, not the table), on
  // every core; findings are reported in exhibit order all the same.
  Status CheckObjects();
  // Parsed messages must be exactly the ones the signed item.metadata entry counted and hashed,
  // and each row's columns (what `messages --sender` and the report select on) must say what its
  // hashed message says. One ordered pass over the table.
  Status CheckMessages();
  // The key on disk must be the key the ledger put in force last.
  void CheckKey();
  // Leftovers are not evidence; they are reported so that nobody mistakes them for it.
  void ReportLeftovers();

  sql::Database& db_;
  const Catalog& catalog_;
  const ObjectStore& objects_;
  const CaseInfo& info_;
  const PublicKey& key_;
  const fs::path& dir_;
  VerifyReport report_;
  EntryChecks checks_;
  KeyHistory keys_;
  bool any_checkpoint_ = false;
  std::map<std::int64_t, SignedInfo> signed_checkpoints_;
  std::set<std::uint64_t> sizes_needed_;
  std::map<std::uint64_t, merkle::Hash> roots_;
  merkle::Accumulator acc_;
  std::set<std::string> referenced_objects_;
};

Status CaseVerifier::CheckSignatures() {
  std::vector<CheckpointRow> checkpoints;
  EVIDENCE_RETURN_IF_ERROR(ForEachCheckpoint(db_, [&](const CheckpointRow& cp) {
    checkpoints.push_back(cp);
    return Status::Ok();
  }));
  any_checkpoint_ = !checkpoints.empty();
  // Each checkpoint must be signed by the key in force at its size (keys rotate, in order).
  EVIDENCE_ASSIGN_OR_RETURN(keys_, LoadKeyHistory(db_, info_.uuid));
  for (const auto& problem : keys_.problems) Fail("keys: " + problem);
  for (const auto& cp : checkpoints) {
    std::string label = "checkpoint " + std::to_string(cp.id);
    auto parsed = ParseCheckpointNote(cp.note);
    if (!parsed.ok()) {
      Fail(label + ": malformed: " + parsed.status().message());
      continue;
    }
    auto verified = VerifyCaseCheckpoint(keys_, cp.note);
    if (!verified.ok()) {
      Fail(label + " (tree size " + std::to_string(parsed->checkpoint.size) +
           "): signature check failed: " + verified.status().message());
      continue;
    }
    if (verified->checkpoint.origin != info_.origin) {
      Fail(label + ": signed for origin \"" + verified->checkpoint.origin +
           "\", not this case's \"" + info_.origin + "\"");
      continue;
    }
    signed_checkpoints_[cp.id] = {verified->checkpoint.size, verified->checkpoint.root};
    sizes_needed_.insert(verified->checkpoint.size);
    report_.checkpoints_checked++;
  }
  return Status::Ok();
}

Status CaseVerifier::ScanEntries() {
  EVIDENCE_ASSIGN_OR_RETURN(NodeCacheCheck node_cache, NodeCacheCheck::Begin(db_));
  if (sizes_needed_.count(0)) roots_[0] = acc_.Root();
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("SELECT seq, entry, leaf_hash, item, time, action, incident FROM "
                           "entries ORDER BY seq"));
  std::uint64_t position = 0;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::uint64_t seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    Bytes bytes = st.ColumnBlob(1);
    Bytes stored_leaf = st.ColumnBlob(2);
    std::string label = "entry " + std::to_string(position);
    if (seq != position) {
      Fail(label + ": ledger has a gap: the entry stored next is numbered " + std::to_string(seq) +
           " (entries were deleted)");
      position = seq;
      label = "entry " + std::to_string(position);
    }
    if (st.ColumnIsNull(1)) {
      // An encrypted entry that does not open: named once, and the tree goes on with the leaf
      // hash stored for it, so the roots are still checked around it.
      Fail(label + ": " + kDoesNotDecrypt);
      merkle::Hash leaf{};
      if (stored_leaf.size() == leaf.size())
        std::copy(stored_leaf.begin(), stored_leaf.end(), leaf.begin());
      acc_.Append(leaf);
      EVIDENCE_RETURN_IF_ERROR(node_cache.Add(leaf));
      position++;
      if (sizes_needed_.count(acc_.size())) roots_[acc_.size()] = acc_.Root();
      report_.entries_checked++;
      continue;
    }
    merkle::Hash leaf = merkle::LeafHash(bytes);
    if (stored_leaf.size() != leaf.size() ||
        !std::equal(leaf.begin(), leaf.end(), stored_leaf.begin())) {
      Fail(label +
           ": its bytes no longer match the leaf hash recorded when it was appended "
           "(the entry was altered)");
    }
    auto entry = ParseLedgerEntry(AsChars(bytes));
    if (!entry.ok()) {
      Fail(label + ": malformed: " + entry.status().message());
    } else {
      if (entry->seq != position) {
        Fail(label + ": the entry stored here says it is entry " + std::to_string(entry->seq) +
             " (entries were reordered or replaced)");
      }
      // ParseLedgerEntry has checked the payload already; a failure here is reported the same.
      auto parsed = payload::Parse(*entry);
      if (!parsed.ok()) {
        Fail(label + ": malformed: " + parsed.status().message());
      } else {
        checks_.Check(position, label, *entry, *parsed,
                      {st.ColumnOptionalText(4), st.ColumnOptionalText(5), st.ColumnOptionalText(3),
                       st.ColumnOptionalText(6)});
      }
    }
    acc_.Append(leaf);
    EVIDENCE_RETURN_IF_ERROR(node_cache.Add(leaf));
    position++;
    if (sizes_needed_.count(acc_.size())) roots_[acc_.size()] = acc_.Root();
    report_.entries_checked++;
  }
  EVIDENCE_ASSIGN_OR_RETURN(auto cache_problems, node_cache.Finish());
  for (auto& problem : cache_problems) report_.warnings.push_back(std::move(problem));
  return Status::Ok();
}

Status CaseVerifier::CheckRoots() {
  std::uint64_t previous_size = 0;
  std::int64_t previous_id = 0;
  bool root_differs = false;
  for (const auto& [id, cp] : signed_checkpoints_) {
    std::string label =
        "checkpoint " + std::to_string(id) + " (tree size " + std::to_string(cp.size) + ")";
    if (cp.size < previous_size) {
      Fail(label + ": is older than checkpoint " + std::to_string(previous_id) + " (tree size " +
           std::to_string(previous_size) + "): a checkpoint was replaced by an older one");
    }
    previous_size = std::max(previous_size, cp.size);
    previous_id = id;
    auto it = roots_.find(cp.size);
    if (it == roots_.end()) {
      Fail(label + ": the ledger holds only " + std::to_string(acc_.size()) +
           " entries: " + EntryRange(acc_.size(), cp.size - 1) +
           (cp.size - acc_.size() == 1 ? " is" : " are") + " missing (deleted after being signed)");
    } else if (it->second != cp.root) {
      root_differs = true;
      Fail(label + ": the ledger's root at that size is " + Short(HexEncode(it->second)) +
           "..., but the signed root is " + Short(HexEncode(cp.root)) + "...: entries before " +
           std::to_string(cp.size) + " were altered, reordered or replaced");
    }
  }
  // A root that no longer matches says entries were altered; name them as far as the signed
  // checkpoints and the stored tree allow.
  if (root_differs) {
    EVIDENCE_ASSIGN_OR_RETURN(auto altered, LocateAlteredEntries(db_, info_.uuid, info_.origin));
    for (auto& line : altered) Fail(std::move(line));
  }
  if (!any_checkpoint_) {
    Fail("checkpoints: the case has no signed checkpoint");
  } else if (previous_size < acc_.size()) {
    Fail("checkpoints: " + EntryRange(previous_size, acc_.size() - 1) +
         (acc_.size() - previous_size == 1 ? " is" : " are") +
         " not covered by any signed checkpoint");
  }
  return Status::Ok();
}

Status CaseVerifier::CheckItems() {
  std::set<std::string> seen;
  EVIDENCE_RETURN_IF_ERROR(catalog_.ForEachItem([&](const Catalog::StoredItem& row) -> Status {
    seen.insert(row.exhibit);
    referenced_objects_.insert(row.sha256);
    report_.items_checked++;
    auto it = checks_.ingested.find(row.exhibit);
    if (it == checks_.ingested.end()) {
      Fail(row.exhibit + ": in the items table but no item.ingested entry records it");
    } else {
      CheckItemRow(row, it->second);
    }
    return Status::Ok();
  }));
  for (const auto& [exhibit, rec] : checks_.ingested) {
    if (!seen.count(exhibit)) {
      Fail(exhibit + ": ingested by entry " + std::to_string(rec.seq) +
           " but missing from the items table (its row was deleted)");
    }
  }
  return Status::Ok();
}

void CaseVerifier::CheckItemRow(const Catalog::StoredItem& row, const IngestRecord& rec) {
  const std::string& exhibit = row.exhibit;
  // The column holds the object's name: the SHA-256 itself, or in an encrypted case its keyed
  // name.
  auto digest = DigestFromHex(rec.sha256);
  const std::string name = digest.ok() ? objects_.NameFor(*digest) : rec.sha256;
  if (row.sha256 != name) {
    Fail(exhibit + ": the items table names object " + Short(row.sha256) +
         "..., but its item.ingested entry " + std::to_string(rec.seq) + " records " +
         (objects_.encrypted() ? "the object " + Short(name) : "SHA-256 " + Short(name)) +
         "... (the items table was edited)");
  }
  if (row.size != rec.size) {
    Fail(exhibit + ": the items table says " + std::to_string(row.size) + " bytes, but entry " +
         std::to_string(rec.seq) + " says " + std::to_string(rec.size));
  }
  if (row.entry_seq != rec.seq) {
    Fail(exhibit + ": the items table points at entry " + std::to_string(row.entry_seq) +
         ", but it was ingested by entry " + std::to_string(rec.seq));
  }
  auto folded = checks_.fold.items().find(exhibit);
  if (folded == checks_.fold.items().end()) return;  // its entry is malformed: reported already
  const Item& want = folded->second;
  auto differs = [&](const char* name, const std::optional<std::string>& stored,
                     const std::optional<std::string>& signed_value) {
    if (stored == signed_value) return;
    Fail(exhibit + ": the items table's " + name + " is " + Shown(stored) + ", but entry " +
         std::to_string(rec.seq) + " and its item.metadata record " + Shown(signed_value) +
         " (the items table was edited)");
  };
  differs("name", row.raw_name, want.raw_name);
  differs("kind", row.kind, want.kind);
  differs("media_type", row.media_type, want.media_type);
  differs("captured", row.captured, want.captured);
  std::optional<std::string> note = row.note;
  if (note && note->empty()) note.reset();
  differs("note", note, want.note.empty() ? std::nullopt : std::optional<std::string>(want.note));
  differs("parent", row.parent, want.parent);
  // Metadata is compared as JSON: no item.metadata entry and "{}" (or NULL) say the same.
  nlohmann::json stored_meta = nlohmann::json::object();
  if (row.metadata) stored_meta = nlohmann::json::parse(*row.metadata, nullptr, false);
  if (stored_meta != want.metadata) {
    Fail(exhibit + ": the items table's metadata is not what its item.metadata entry records " +
         "(the items table was edited)");
  }
}

Status CaseVerifier::CheckObjects() {
  std::vector<std::pair<const std::string*, const IngestRecord*>> to_hash;
  to_hash.reserve(checks_.ingested.size());
  for (const auto& [exhibit, rec] : checks_.ingested) to_hash.emplace_back(&exhibit, &rec);
  struct Hashed {
    std::optional<Sha256Digest> digest;  // nullopt: the entry's SHA-256 is malformed
    std::optional<Result<ObjectCheck>> check;
  };
  Status hash_error = Status::Ok();
  auto hash = [&](std::size_t i) {
    Hashed h;
    auto digest = DigestFromHex(to_hash[i].second->sha256);
    if (!digest.ok()) return h;
    h.digest = *digest;
    h.check = objects_.Rehash(*digest, to_hash[i].second->size);
    return h;
  };
  auto report = [&](std::size_t i, Hashed h) {
    const std::string& exhibit = *to_hash[i].first;
    const IngestRecord& rec = *to_hash[i].second;
    if (!h.digest) {
      Fail(exhibit + ": entry " + std::to_string(rec.seq) + " holds a malformed SHA-256");
      return true;
    }
    referenced_objects_.insert(objects_.NameFor(*h.digest));
    std::string label = exhibit + " (" + rec.name + ")";
    std::string where = objects_.RelativePathFor(*h.digest);
    auto& check = *h.check;
    if (!check.ok()) {
      if (check.status().code() == StatusCode::kNotFound) {
        Fail(label + ": object " + where + " is missing");
        return true;
      }
      if (check.status().code() == StatusCode::kVerificationFailed) {
        Fail(label + ": object " + check.status().message());
        return true;
      }
      hash_error = check.status();
      return false;
    }
    report_.objects_checked++;
    report_.bytes_hashed += check->size;
    if (check->sha256 != *h.digest) {
      Fail(label + ": object " + where + " now hashes to " + Short(DigestHex(check->sha256)) +
           "..., not the recorded " + Short(rec.sha256) + "... (its bytes were changed)");
    } else if (check->size != rec.size) {
      Fail(label + ": object " + where + " has " + std::to_string(check->size) +
           " bytes, not the recorded " + std::to_string(rec.size));
    }
    return true;
  };
  {
    ThreadPool pool(
        std::min(ThreadPool::DefaultWorkers(), std::max<std::size_t>(to_hash.size(), 1)),
        /*queue_capacity=*/16);
    RunOrdered(pool, to_hash.size(), 4 * pool.workers(), hash, report, [](Hashed) {});
  }
  return hash_error;
}

Status CaseVerifier::CheckMessages() {
  auto& message_digests = checks_.message_digests;
  std::string current;
  Sha256 h;
  std::uint64_t n = 0;
  bool any = false;
  auto finish = [&]() {
    if (!any) return;
    auto it = message_digests.find(current);
    if (it == message_digests.end()) {
      Fail(current + ": " + std::to_string(n) +
           " messages are stored for it, but no item.metadata entry records any "
           "(the messages table was edited)");
      return;
    }
    if (n != it->second.second || DigestHex(h.Finish()) != it->second.first) {
      Fail(current + ": its " + std::to_string(n) + " stored messages are not the " +
           std::to_string(it->second.second) +
           " its item.metadata entry recorded (the messages table was edited)");
    }
    it->second.second = ~std::uint64_t{0};  // checked
  };
  EVIDENCE_RETURN_IF_ERROR(catalog_.ForEachMessageByItem([&](const CatalogMessage& row) -> Status {
    if (!any || row.item != current) {
      finish();
      current = row.item;
      h = Sha256();
      n = 0;
      any = true;
    }
    h.Update(std::string_view(row.message));
    h.Update(std::string_view("\n"));
    ++n;
    auto m = nlohmann::json::parse(row.message, nullptr, false);
    const std::string where = row.item + ": message " + std::to_string(row.index);
    if (!m.is_object()) {
      Fail(where + ": is not a JSON object (the messages table was edited)");
      return Status::Ok();
    }
    auto index = m.find("index");
    auto system = m.find("system");
    bool same = index != m.end() && index->is_number_unsigned() &&
                index->get<std::uint64_t>() == static_cast<std::uint64_t>(row.index) &&
                row.time == StrField(m, "time") && row.sender == StrField(m, "sender") &&
                row.direction == StrField(m, "direction") && system != m.end() &&
                system->is_boolean() && system->get<bool>() == row.system;
    if (!same) {
      Fail(where + ": its index, time, sender, direction or system column differs from the " +
           "message recorded (the messages table was edited)");
    }
    return Status::Ok();
  }));
  finish();
  for (const auto& [exhibit, digest] : message_digests) {
    if (digest.second != ~std::uint64_t{0} && digest.second != 0) {
      Fail(exhibit + ": its item.metadata entry records " + std::to_string(digest.second) +
           " messages, but none are stored (the messages table was edited)");
    }
  }
  return Status::Ok();
}

void CaseVerifier::CheckKey() {
  if (keys_.epochs.empty() || !(keys_.epochs.back().key == key_)) {
    Fail("keys: the case's current key " + info_.key_fingerprint +
         " is not the key of its last key.added entry" +
         (keys_.epochs.empty() ? std::string() : " (" + keys_.epochs.back().fingerprint + ")"));
  }
}

void CaseVerifier::ReportLeftovers() {
  auto objects = objects_.ListObjects();
  if (objects.ok()) {
    for (const auto& name : *objects) {
      if (!referenced_objects_.count(name)) {
        report_.warnings.push_back("objects/" + name.substr(0, 2) + "/" + name.substr(2) +
                                   ": not referenced by any item (left by an interrupted command; "
                                   "not evidence)");
      }
    }
  }
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir_ / "custody", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!checks_.custody_folders.count(it->path().filename().string())) {
      report_.warnings.push_back("custody/" + it->path().filename().string() +
                                 ": not named by any bundle.received entry (left by an "
                                 "interrupted receive; not evidence)");
    }
  }
  for (const auto& p : objects_.LeftoverTempFiles()) {
    report_.warnings.push_back("tmp/" + p.filename().string() +
                               ": temporary file left by an interrupted command (not evidence)");
  }
}

}  // namespace

Result<VerifyReport> Case::Verify() const {
  return CaseVerifier(s_->db, s_->catalog, s_->objects, s_->info, s_->public_key, s_->dir).Run();
}

}  // namespace evidence
