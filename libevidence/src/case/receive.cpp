// Case::Receive: an officer takes a verified bundle into custody (docs/bundle.md, "Received
// evidence"). Verification comes first and decides, and the archive is read once: as VerifyBundle
// reads each payload member, its bytes go to a staged copy in the case's tmp/ folder, so the hash
// the verification checks is the hash of the very bytes that are then stored.
#include <charconv>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "archive_util.hpp"
#include "bundle_format.hpp"
#include "bundle_verify.hpp"
#include "case_state.hpp"
#include "custody_file.hpp"
#include "evidence/canonical_json.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

using bundle_internal::VerifiedItem;

// Payload members staged as the verification reads them, by path relative to the top folder.
// Every copy not taken (a member of a bundle that does not verify, an item the case already
// holds) is removed when this goes away.
class StagedPayload : public bundle_internal::PayloadSink {
 public:
  explicit StagedPayload(const ObjectStore& objects) : objects_(objects) {}
  ~StagedPayload() override {
    Abandon();
    for (const auto& [rel, staged] : staged_) objects_.Discard(staged);
  }
  StagedPayload(const StagedPayload&) = delete;
  StagedPayload& operator=(const StagedPayload&) = delete;

  Status Begin(const std::string& /*rel*/) override {
    // Through the object store, so that an encrypted case encrypts the payload as it arrives.
    EVIDENCE_ASSIGN_OR_RETURN(ObjectStore::Stager stager, objects_.BeginStage());
    stager_.emplace(std::move(stager));
    return Status::Ok();
  }

  Status Append(ByteView block) override { return stager_->Add(block); }

  Status End(const std::string& rel) override {
    ObjectStore::Stager stager = std::move(*stager_);
    stager_.reset();
    EVIDENCE_ASSIGN_OR_RETURN(StagedObject staged, stager.Finish());
    staged_[rel] = staged;
    return Status::Ok();
  }

  void Abandon() override { stager_.reset(); }

  // The staged copy of `item`'s payload member, now the caller's to commit or discard.
  Result<StagedObject> Take(const VerifiedItem& item) {
    auto it = staged_.find(item.path);
    if (it == staged_.end()) {
      return Status::VerificationFailed(item.exhibit + ": " + item.path + " was not read");
    }
    StagedObject staged = std::move(it->second);
    staged_.erase(it);
    // VerifyBundle matched every item to a payload member of exactly this hash and size.
    if (staged.sha256 != item.sha256 || staged.size != item.size) {
      objects_.Discard(staged);
      return Status::VerificationFailed(item.exhibit + ": " + item.path +
                                        " is not the payload member that was verified");
    }
    return staged;
  }

 private:
  const ObjectStore& objects_;
  std::map<std::string, StagedObject> staged_;
  std::optional<ObjectStore::Stager> stager_;  // of the member being read
};

// One item of the bundle: its values as the sender's signed entries record them (VerifyBundle
// checked items.json against them field by field), and, when the case takes it in, its copy
// staged from the bytes that were verified.
struct Incoming {
  VerifiedItem item;
  bool new_here = false;  // this case does not hold its bytes yet
  std::optional<StagedObject> staged;
};

// Nothing is received from a bundle that does not verify; the message names the first failure.
Status RefuseUnlessVerified(const fs::path& file, const BundleReport& r) {
  if (r.ok()) return Status::Ok();
  for (const auto& c : r.checks) {
    if (!c.ok) {
      return Status::VerificationFailed(file.string() + ": the bundle does not verify (" + c.check +
                                        " " + c.subject + ": " + c.detail +
                                        "); nothing was received");
    }
  }
  return Status::VerificationFailed(file.string() +
                                    ": the bundle does not verify; nothing was "
                                    "received");
}

// The exhibit this case already keeps with the same bytes as `item`, if any.
Result<std::optional<std::string>> HeldUnderAnotherExhibit(const Catalog& catalog,
                                                           const VerifiedItem& item) {
  return catalog.FindBySha256(item.sha256);
}

// What comes in, and what this case already holds (`already`). Everything is decided here,
// before the key is unlocked or a byte is written.
Result<std::vector<Incoming>> SortIncoming(const Case& self, const Catalog& catalog,
                                           std::vector<VerifiedItem> items,
                                           std::vector<std::string>* already) {
  std::vector<Incoming> incoming;
  for (auto& verified : items) {
    incoming.push_back({std::move(verified), false, std::nullopt});
    const VerifiedItem& item = incoming.back().item;
    auto held = self.GetItem(item.exhibit);
    if (!held.ok() && held.status().code() != StatusCode::kNotFound) return held.status();
    if (held.ok()) {
      if (held->sha256 != item.sha256) {
        return Status::AlreadyExists(item.exhibit +
                                     " is already another item in this case; receive "
                                     "this bundle into a separate case");
      }
      already->push_back(item.exhibit);
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::string> same,
                              HeldUnderAnotherExhibit(catalog, item));
    if (same) {
      already->push_back(*same);
      continue;
    }
    incoming.back().new_here = true;
  }
  return incoming;
}

using CustodyFiles = std::vector<std::pair<std::string, std::string>>;  // relative path, bytes

// The folders CASE/custody/<k>/ this receive makes: the earlier custodians' records the bundle
// carried (evidence/custody/<j>/, oldest first), numbered from `next`, then the sender's own
// records (bundle_format::IsCustodyRecord) in the last.
std::vector<std::pair<std::uint64_t, CustodyFiles>> CustodyRecords(
    const std::map<std::string, std::string>& tag_files, std::uint64_t next) {
  const std::string custody_dir = bundle_format::kCustodyDir;
  std::map<std::string, CustodyFiles> folders;  // "j" -> files
  for (const auto& [path, content] : tag_files) {
    if (path.rfind(custody_dir, 0) == 0) {
      std::string rest = path.substr(custody_dir.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;
      folders[rest.substr(0, slash)].emplace_back(rest.substr(slash + 1), content);
    }
  }
  std::vector<std::string> keys;
  for (const auto& [k, files] : folders) keys.push_back(k);
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  std::vector<std::pair<std::uint64_t, CustodyFiles>> out;
  for (const auto& k : keys) out.push_back({next++, folders[k]});
  const std::string evidence_dir = bundle_format::kEvidenceDir;
  CustodyFiles own;
  for (const auto& [path, content] : tag_files) {
    if (bundle_format::IsCustodyRecord(path)) {
      own.emplace_back(path.substr(evidence_dir.size()), content);
    }
  }
  out.push_back({next, std::move(own)});
  return out;
}

// Writes the custody folders under `staging`/<k>/, read-only, for a rename into place later.
Status WriteCustodyStaging(FileSystem& fs, const CaseKey* key, const fs::path& staging,
                           const std::vector<std::pair<std::uint64_t, CustodyFiles>>& folders) {
  std::error_code ec;
  for (const auto& [k, files] : folders) {
    fs::path dir = staging / std::to_string(k);
    for (const auto& [rel, content] : files) {
      fs::path p = dir / rel;
      if (rel.find("..") != std::string::npos) continue;
      fs::create_directories(p.parent_path(), ec);
      EVIDENCE_ASSIGN_OR_RETURN(std::string stored, SealCustodyFile(key, k, rel, content));
      EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fs, p, stored, 0444));
    }
  }
  return Status::Ok();
}

// Undoes every file this receive made unless it commits.
struct Undo {
  const ObjectStore& objects;
  std::vector<StagedObject*> staged;
  std::vector<fs::path> custody;
  fs::path created_root;  // custody/, when this receive made it
  bool done = false;
  ~Undo() {
    if (done) return;
    std::error_code ec;
    for (auto* st : staged) objects.Discard(*st);
    for (const auto& p : custody) {
      // Custody files are read-only; their folders must be writable to be removed.
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec)) {
          fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
        }
      }
      fs::remove_all(p, ec);
    }
    if (!created_root.empty()) fs::remove(created_root, ec);  // only when empty
  }
};

// The custody folders of this receive, written under tmp/custody-<k>/ for a rename into place
// just before the commit (`folders`: CustodyRecords; `carried`: the numbers of the earlier
// custodians' folders among them).
struct StagedCustody {
  std::vector<std::pair<std::uint64_t, CustodyFiles>> folders;
  std::vector<std::uint64_t> carried;
  fs::path staging;
};

Result<StagedCustody> StageCustody(FileSystem& fs, const CaseKey* key, const fs::path& case_dir,
                                   const std::map<std::string, std::string>& tag_files,
                                   Undo& undo) {
  // The sender's records, and any records of earlier custodians it carried, oldest first.
  std::error_code ec;
  const fs::path custody_root = case_dir / "custody";
  std::uint64_t next = 1;
  while (fs::exists(custody_root / std::to_string(next), ec)) ++next;
  StagedCustody c;
  c.folders = CustodyRecords(tag_files, next);
  for (std::size_t i = 0; i + 1 < c.folders.size(); ++i) c.carried.push_back(c.folders[i].first);
  if (!fs::exists(custody_root, ec)) {
    EVIDENCE_RETURN_IF_ERROR(fs.CreateDir(custody_root, 0700));
    undo.created_root = custody_root;
  }
  c.staging = case_dir / "tmp" / ("custody-" + std::to_string(c.folders.back().first));
  undo.custody.push_back(c.staging);
  EVIDENCE_RETURN_IF_ERROR(WriteCustodyStaging(fs, key, c.staging, c.folders));
  return c;
}

// The items row of a received item, repeating exactly what its item.ingested entry `seq` says.
Status InsertReceivedItem(Catalog& catalog, const VerifiedItem& item, std::uint64_t seq,
                          const std::string& note, const std::string& metadata_text) {
  // VerifyBundle checked the id's form: <PREFIX>-<digits>.
  return catalog.InsertItem({.exhibit = item.exhibit,
                             .number = ExhibitNumber(item.exhibit),
                             .sha256 = item.sha256,
                             .size = item.size,
                             .raw_name = item.raw_name,
                             .kind = item.kind,
                             .media_type = item.media_type,
                             .captured = item.captured,
                             .ingested = NowRfc3339(),
                             .note = note,
                             .parent = std::nullopt,
                             .entry_seq = seq,
                             .metadata = metadata_text});
}

using AppendFn = std::function<Result<std::uint64_t>(std::string_view action, nlohmann::json data,
                                                     const std::optional<std::string>& item)>;

// The item.ingested and item.metadata entries of one received item, and its items row. Every
// value recorded is the sender's signed one, so that `verify` and a later export find them equal.
Status RecordReceivedItem(const AppendFn& append, Catalog& catalog, const VerifiedItem& item,
                          const BundleReport& r, const std::string& note) {
  nlohmann::json data = {{"item", item.exhibit},
                         {"sha256", DigestHex(item.sha256)},
                         {"size", item.size},
                         {"name", item.name},
                         {"kind", item.kind},
                         {"media_type", item.media_type},
                         {"received_from", r.case_uuid},
                         {"source_entry", item.source_entry},
                         {"bundle", r.top_folder}};
  if (item.name_hex) data["name_hex"] = *item.name_hex;
  if (!note.empty()) data["note"] = note;
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq, append("item.ingested", data, item.exhibit));
  EVIDENCE_ASSIGN_OR_RETURN(std::string metadata_text, CanonicalJson(item.metadata));
  if (!item.metadata.empty() || item.captured) {
    nlohmann::json meta = {
        {"item", item.exhibit}, {"sha256", DigestHex(item.sha256)}, {"metadata", item.metadata}};
    if (item.captured) meta["captured"] = *item.captured;
    EVIDENCE_RETURN_IF_ERROR(append("item.metadata", meta, item.exhibit).status());
  }
  return InsertReceivedItem(catalog, item, seq, note, metadata_text);
}

// The bundle.received entry's data: which bundle, which signed state it carried, what came in.
nlohmann::json ReceiptData(const BundleReport& r, const std::vector<std::string>& received_ids,
                           std::uint64_t custody, const std::vector<std::uint64_t>& carried,
                           const std::string& note) {
  std::string exporter_fingerprint;
  std::uint64_t tree_size = 0;
  for (const auto& sgn : r.signers) {
    if (sgn.role == "exporter") {
      exporter_fingerprint = sgn.fingerprint;
      tree_size = sgn.tree_size;
    }
  }
  const std::string& manifest = r.tag_files.at(bundle_format::kManifest);
  const std::string& checkpoint = r.tag_files.at(bundle_format::kCheckpoint);
  nlohmann::json data = {{"bundle", r.top_folder},
                         {"manifest_sha256", DigestHex(Sha256::Of(std::string_view(manifest)))},
                         {"checkpoint_sha256", DigestHex(Sha256::Of(std::string_view(checkpoint)))},
                         {"checkpoint_size", tree_size},
                         {"signer_fingerprint", exporter_fingerprint},
                         {"sender_case", r.case_uuid},
                         {"items", received_ids},
                         {"custody", custody},
                         {"custody_carried", carried}};
  if (!note.empty()) data["note"] = note;
  return data;
}

}  // namespace

// The order of the steps is the crash-safety argument: decide, stage, unlock, record, place the
// custody folders, commit.
Result<ReceiveOutcome> Case::Receive(const fs::path& file, const std::string& note,
                                     const VerifyBundleOptions& options) {
  ReceiveOutcome out;
  // What this case holds is compared below: only a ledger that verifies may answer.
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  StagedPayload payload(s_->objects);
  EVIDENCE_ASSIGN_OR_RETURN(bundle_internal::VerifiedBundle verified,
                            bundle_internal::VerifyBundleWithItems(file, options, &payload));
  out.report = std::move(verified.report);
  const BundleReport& r = out.report;
  EVIDENCE_RETURN_IF_ERROR(RefuseUnlessVerified(file, r));
  if (r.case_uuid == s_->info.uuid) {
    return Status::InvalidArgument(file.string() + ": this bundle was exported from this case");
  }
  if (!IsValidUtf8(note)) return Status::InvalidArgument("not valid UTF-8").AboutArgument("note");
  if (!r.tag_files.count(bundle_format::kCheckpoint) ||
      !r.tag_files.count(bundle_format::kManifest)) {
    return Status::Corruption(file.string() + ": bundle lacks its checkpoint or manifest");
  }
  EVIDENCE_ASSIGN_OR_RETURN(
      std::vector<Incoming> incoming,
      SortIncoming(*this, s_->catalog, std::move(verified.items), &out.already));

  Undo undo{s_->objects, {}, {}, {}};
  StagedObjects made_objects(s_->objects);  // the objects this receive adds, until it commits
  for (auto& in : incoming) {
    if (!in.new_here) continue;
    EVIDENCE_ASSIGN_OR_RETURN(in.staged, payload.Take(in.item));
    undo.staged.push_back(&*in.staged);
  }
  // The passphrase is asked for only once the bundle has verified and its files are staged.
  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));

  std::error_code ec;
  const fs::path custody_root = s_->dir / "custody";
  EVIDENCE_ASSIGN_OR_RETURN(StagedCustody custody,
                            StageCustody(*s_->fs, s_->case_key.get(), s_->dir, r.tag_files, undo));
  const auto& to_write = custody.folders;
  const fs::path& staging = custody.staging;
  out.custody = to_write.back().first;

  AppendFn append = [this](std::string_view action, nlohmann::json data,
                           const std::optional<std::string>& item) {
    return s_->AppendEntry(action, std::move(data), item, std::nullopt);
  };
  std::vector<std::string> received_ids;
  for (auto& in : incoming) {
    received_ids.push_back(in.item.exhibit);
    if (!in.staged) continue;
    EVIDENCE_RETURN_IF_ERROR(made_objects.Commit(*in.staged));
    std::erase(undo.staged, &*in.staged);
    EVIDENCE_RETURN_IF_ERROR(RecordReceivedItem(append, s_->catalog, in.item, r, note));
    out.imported.push_back(in.item.exhibit);
  }

  EVIDENCE_ASSIGN_OR_RETURN(
      out.entry, s_->AppendEntry("bundle.received",
                                 ReceiptData(r, received_ids, out.custody, custody.carried, note),
                                 std::nullopt, std::nullopt));
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  // The custody records take their place just before the commit that refers to them.
  for (const auto& [k, files] : to_write) {
    EVIDENCE_RETURN_IF_ERROR(
        s_->fs->Rename(staging / std::to_string(k), custody_root / std::to_string(k)));
    undo.custody.push_back(custody_root / std::to_string(k));
  }
  // Durable before the entry that names them is: a power cut must not keep one without the other.
  EVIDENCE_RETURN_IF_ERROR(s_->fs->SyncDir(custody_root));
  // A COMMIT that reports an error may still have reached the disk (SQLite recovers a written
  // commit frame whose fsync failed): keep what it names; if it did not commit, verify reports
  // the objects and custody folder as leftovers.
  undo.done = true;
  made_objects.Keep();
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  fs::remove_all(staging, ec);
  return out;
}

}  // namespace evidence
