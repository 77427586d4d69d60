// Case::Receive: an officer takes a verified bundle into custody (docs/bundle.md, "Received
// evidence"). Verification comes first and decides; the archive is then read a second time and
// every payload byte is hashed again on its way into the object store.
#include <charconv>
#include <map>
#include <set>

#include "archive_util.hpp"
#include "bundle_verify.hpp"
#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// One item to take in: its values as the sender's signed entries record them (VerifyBundle
// checked items.json against them field by field), and its copy once staged.
struct Incoming {
  bundle_internal::VerifiedItem item;
  std::optional<StagedObject> staged;
};

// Streams the payload members named in `wanted` into the object store.
Status StagePayload(const fs::path& file, const std::string& top,
                    std::map<std::string, Incoming*>& wanted, const ObjectStore& objects) {
  arch::ScopedUtf8Locale utf8;
  arch::ReadPtr a(archive_read_new());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_none(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 20) != ARCHIVE_OK) {
    return Status::IoError(file.string() + ": cannot read: " + archive_error_string(a.get()));
  }
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) {
      return Status::VerificationFailed(
          file.string() +
          ": changed or damaged since it was verified: " + archive_error_string(a.get()));
    }
    const char* name = archive_entry_pathname_utf8(e);
    if (name == nullptr) name = archive_entry_pathname(e);
    std::string path = name ? name : "";
    if (path.rfind(top + "/", 0) != 0) continue;
    auto it = wanted.find(path.substr(top.size() + 1));
    if (it == wanted.end() || it->second->staged) continue;
    Incoming* in = it->second;
    const bundle_internal::VerifiedItem& item = in->item;
    auto staged = objects.StageFrom([&](const std::function<Status(ByteView)>& sink) -> Status {
      std::vector<std::uint8_t> buf(1 << 20);
      std::uint64_t total = 0;
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) return Status::VerificationFailed(path + ": " + archive_error_string(a.get()));
        if (n == 0) return Status::Ok();
        total += static_cast<std::uint64_t>(n);
        if (total > item.size)
          return Status::VerificationFailed(path + ": larger than its manifest says");
        EVIDENCE_RETURN_IF_ERROR(sink(ByteView(buf.data(), static_cast<size_t>(n))));
      }
    });
    if (!staged.ok()) return staged.status();
    if (staged->sha256 != item.sha256 || staged->size != item.size) {
      objects.Discard(*staged);
      return Status::VerificationFailed(
          item.exhibit + ": " + path +
          " no longer matches its verified SHA-256 (the bundle changed)");
    }
    in->staged = std::move(staged).value();
  }
  for (const auto& [path, in] : wanted) {
    if (!in->staged) return Status::VerificationFailed(path + ": missing on the second read");
  }
  return Status::Ok();
}

}  // namespace

Result<ReceiveOutcome> Case::Receive(const fs::path& file, const std::string& note,
                                     const VerifyBundleOptions& options) {
  ReceiveOutcome out;
  // What this case holds is compared below: only a ledger that verifies may answer.
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  EVIDENCE_ASSIGN_OR_RETURN(bundle_internal::VerifiedBundle verified,
                            bundle_internal::VerifyBundleWithItems(file, options));
  out.report = std::move(verified.report);
  const BundleReport& r = out.report;
  if (!r.ok()) {
    for (const auto& c : r.checks) {
      if (!c.ok) {
        return Status::VerificationFailed(file.string() + ": the bundle does not verify (" +
                                          c.check + " " + c.subject + ": " + c.detail +
                                          "); nothing was received");
      }
    }
  }
  if (r.case_uuid == s_->info.uuid) {
    return Status::InvalidArgument(file.string() + ": this bundle was exported from this case");
  }
  if (!IsValidUtf8(note)) return Status::InvalidArgument("--note: not valid UTF-8");

  auto checkpoint = r.tag_files.find("evidence/checkpoint");
  auto manifest = r.tag_files.find("manifest-sha256.txt");
  if (checkpoint == r.tag_files.end() || manifest == r.tag_files.end()) {
    return Status::Corruption(file.string() + ": bundle lacks its checkpoint or manifest");
  }

  // What comes in, and what this case already holds. Everything is decided here, before the key
  // is unlocked or a byte is written.
  std::vector<Incoming> incoming;
  for (auto& item : verified.items) incoming.push_back({std::move(item), std::nullopt});
  std::map<std::string, Incoming*> wanted;
  for (auto& in : incoming) {
    const auto& item = in.item;
    auto held = GetItem(item.exhibit);
    if (!held.ok() && held.status().code() != StatusCode::kNotFound) return held.status();
    if (held.ok()) {
      if (held->sha256 != item.sha256) {
        return Status::AlreadyExists(item.exhibit +
                                     " is already another item in this case; receive "
                                     "this bundle into a separate case");
      }
      out.already.push_back(item.exhibit);
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(auto same_bytes, s_->catalog.FindBySha256(item.sha256));
    if (same_bytes) {
      out.already.push_back(*same_bytes);
      continue;
    }
    wanted[item.path] = &in;
  }

  // Guards undo every file this receive made if it does not commit.
  StagedObjects made_objects(s_->objects);
  std::vector<fs::path> custody_dirs;
  std::error_code ec;
  const fs::path custody_root = s_->dir / "custody";
  struct Undo {
    Case::State* s;
    std::vector<StagedObject*> staged;
    std::vector<fs::path>* custody;
    fs::path created_root;  // custody/, when this receive made it
    bool done = false;
    ~Undo() {
      if (done) return;
      std::error_code ec;
      for (auto* st : staged) s->objects.Discard(*st);
      for (const auto& p : *custody) {
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
  } undo{s_.get(), {}, &custody_dirs, {}};

  // Hashing every payload byte again on its way in needs no key: the passphrase is asked for
  // only once the bundle has verified and its files are staged.
  Status staged = StagePayload(file, r.top_folder, wanted, s_->objects);
  for (auto& in : incoming) {
    if (in.staged) undo.staged.push_back(&*in.staged);
  }
  EVIDENCE_RETURN_IF_ERROR(staged);
  EVIDENCE_RETURN_IF_ERROR(Unlock());

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  // The sender's records, and any records of earlier custodians it carried, oldest first.
  std::uint64_t next = 1;
  while (fs::exists(custody_root / std::to_string(next), ec)) ++next;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> folders;  // "k" -> files
  for (const auto& [path, content] : r.tag_files) {
    if (path.rfind("evidence/custody/", 0) == 0) {
      std::string rest = path.substr(17);
      size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;
      folders[rest.substr(0, slash)].emplace_back(rest.substr(slash + 1), content);
    }
  }
  std::vector<std::uint64_t> carried;
  std::vector<std::pair<std::uint64_t, std::vector<std::pair<std::string, std::string>>>> to_write;
  std::vector<std::string> keys;
  for (const auto& [k, files] : folders) keys.push_back(k);
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  for (const auto& k : keys) {
    carried.push_back(next);
    to_write.push_back({next++, folders[k]});
  }
  std::vector<std::pair<std::string, std::string>> own;
  for (const auto& [path, content] : r.tag_files) {
    if (path == "evidence/ledger.jsonl" || path == "evidence/proofs.json" ||
        path == "evidence/checkpoint" || path == "evidence/signer.pub.pem" ||
        path == "evidence/consistency.json" || path == "evidence/keys.json" ||
        path.rfind("evidence/timestamps/", 0) == 0) {
      own.emplace_back(path.substr(9), content);
    }
  }
  out.custody = next;
  to_write.push_back({next, own});
  if (!fs::exists(custody_root, ec)) {
    EVIDENCE_RETURN_IF_ERROR(s_->fs->CreateDir(custody_root, 0700));
    undo.created_root = custody_root;
  }
  fs::path staging = s_->dir / "tmp" / ("custody-" + std::to_string(next));
  custody_dirs.push_back(staging);
  for (const auto& [k, files] : to_write) {
    fs::path dir = staging / std::to_string(k);
    for (const auto& [rel, content] : files) {
      fs::path p = dir / rel;
      if (rel.find("..") != std::string::npos) continue;
      fs::create_directories(p.parent_path(), ec);
      EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(*s_->fs, p, content, 0444));
    }
  }

  std::vector<std::string> received_ids;
  for (auto& in : incoming) {
    const bundle_internal::VerifiedItem& item = in.item;
    received_ids.push_back(item.exhibit);
    if (!in.staged) continue;
    EVIDENCE_RETURN_IF_ERROR(made_objects.Commit(*in.staged));
    std::erase(undo.staged, &*in.staged);
    // Every value recorded below is the sender's signed one; the items row repeats exactly what
    // these entries say, so that `verify` and a later export find them equal.
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
    EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq,
                              s_->AppendEntry("item.ingested", data, item.exhibit, std::nullopt));
    EVIDENCE_ASSIGN_OR_RETURN(std::string metadata_text, CanonicalJson(item.metadata));
    if (!item.metadata.empty() || item.captured) {
      nlohmann::json meta = {
          {"item", item.exhibit}, {"sha256", DigestHex(item.sha256)}, {"metadata", item.metadata}};
      if (item.captured) meta["captured"] = *item.captured;
      EVIDENCE_RETURN_IF_ERROR(
          s_->AppendEntry("item.metadata", meta, item.exhibit, std::nullopt).status());
    }
    // VerifyBundle checked the id's form: <PREFIX>-<digits>.
    EVIDENCE_RETURN_IF_ERROR(s_->catalog.InsertItem({.exhibit = item.exhibit,
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
                                                     .metadata = metadata_text}));
    out.imported.push_back(item.exhibit);
  }

  std::string exporter_fingerprint;
  std::uint64_t tree_size = 0;
  for (const auto& sgn : r.signers) {
    if (sgn.role == "exporter") {
      exporter_fingerprint = sgn.fingerprint;
      tree_size = sgn.tree_size;
    }
  }
  nlohmann::json data = {
      {"bundle", r.top_folder},
      {"manifest_sha256", DigestHex(Sha256::Of(std::string_view(manifest->second)))},
      {"checkpoint_sha256", DigestHex(Sha256::Of(std::string_view(checkpoint->second)))},
      {"checkpoint_size", tree_size},
      {"signer_fingerprint", exporter_fingerprint},
      {"sender_case", r.case_uuid},
      {"items", received_ids},
      {"custody", out.custody},
      {"custody_carried", carried}};
  if (!note.empty()) data["note"] = note;
  EVIDENCE_ASSIGN_OR_RETURN(out.entry,
                            s_->AppendEntry("bundle.received", data, std::nullopt, std::nullopt));
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  // The custody records take their place just before the commit that refers to them.
  for (const auto& [k, files] : to_write) {
    EVIDENCE_RETURN_IF_ERROR(
        s_->fs->Rename(staging / std::to_string(k), custody_root / std::to_string(k)));
    custody_dirs.push_back(custody_root / std::to_string(k));
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
