// Case::Receive: an officer takes a verified bundle into custody (docs/bundle.md, "Received
// evidence"). Verification comes first and decides; the archive is then read a second time and
// every payload byte is hashed again on its way into the object store.
#include <map>
#include <set>

#include "archive_util.hpp"
#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

struct Incoming {
  std::string exhibit;
  std::string path;  // relative to the top folder
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  nlohmann::json item;  // its items.json object
  std::uint64_t source_entry = 0;
  std::optional<StagedObject> staged;
};

Result<nlohmann::json> JsonFile(const BundleReport& r, const std::string& path) {
  auto it = r.tag_files.find(path);
  if (it == r.tag_files.end()) return Status::Corruption("bundle has no " + path);
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (j.is_discarded()) return Status::Corruption(path + ": not valid JSON");
  return j;
}

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
    auto staged = objects.StageFrom([&](const std::function<Status(ByteView)>& sink) -> Status {
      std::vector<std::uint8_t> buf(1 << 20);
      std::uint64_t total = 0;
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) return Status::VerificationFailed(path + ": " + archive_error_string(a.get()));
        if (n == 0) return Status::Ok();
        total += static_cast<std::uint64_t>(n);
        if (total > in->size)
          return Status::VerificationFailed(path + ": larger than its manifest says");
        EVIDENCE_RETURN_IF_ERROR(sink(ByteView(buf.data(), static_cast<size_t>(n))));
      }
    });
    if (!staged.ok()) return staged.status();
    if (staged->sha256 != in->sha256 || staged->size != in->size) {
      objects.Discard(*staged);
      return Status::VerificationFailed(
          in->exhibit + ": " + path +
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
  EVIDENCE_ASSIGN_OR_RETURN(out.report, VerifyBundle(file, options));
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

  EVIDENCE_ASSIGN_OR_RETURN(nlohmann::json items, JsonFile(r, "evidence/items.json"));
  auto checkpoint = r.tag_files.find("evidence/checkpoint");
  auto manifest = r.tag_files.find("manifest-sha256.txt");
  if (checkpoint == r.tag_files.end() || manifest == r.tag_files.end()) {
    return Status::Corruption(file.string() + ": bundle lacks its checkpoint or manifest");
  }

  // What comes in, and what this case already holds.
  std::vector<Incoming> incoming;
  try {
    for (const auto& j : items) {
      Incoming in;
      in.exhibit = j.at("exhibit").get<std::string>();
      in.path = j.at("path").get<std::string>();
      auto d = DigestFromHex(j.at("sha256").get<std::string>());
      if (!d.ok()) return Status::Corruption("items.json: " + in.exhibit + ": bad sha256");
      in.sha256 = *d;
      in.size = j.at("size").get<std::uint64_t>();
      in.source_entry = j.at("entry").get<std::uint64_t>();
      in.item = j;
      incoming.push_back(std::move(in));
    }
  } catch (const std::exception& e) {
    return Status::Corruption(file.string() + ": items.json: " + e.what());
  }
  std::map<std::string, Incoming*> wanted;
  for (auto& in : incoming) {
    auto held = GetItem(in.exhibit);
    if (held.ok()) {
      if (held->sha256 != in.sha256) {
        return Status::AlreadyExists(in.exhibit +
                                     " is already another item in this case; receive "
                                     "this bundle into a separate case");
      }
      out.already.push_back(in.exhibit);
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(auto st,
                              s_->db.Prepare("SELECT exhibit FROM items WHERE sha256 = ?"));
    st.Bind(1, DigestHex(in.sha256));
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      out.already.push_back(st.ColumnText(0));
      continue;
    }
    wanted[in.path] = &in;
  }

  EVIDENCE_RETURN_IF_ERROR(Unlock());
  // Guards undo every file this receive made if it does not commit.
  std::vector<fs::path> made_objects;
  std::vector<fs::path> custody_dirs;
  struct Undo {
    Case::State* s;
    std::vector<StagedObject*> staged;
    std::vector<fs::path>* objects;
    std::vector<fs::path>* custody;
    bool done = false;
    ~Undo() {
      if (done) return;
      std::error_code ec;
      for (auto* st : staged) s->objects.Discard(*st);
      for (const auto& p : *objects) {
        fs::permissions(p, fs::perms::owner_write, fs::perm_options::add, ec);
        fs::remove(p, ec);
      }
      for (const auto& p : *custody) fs::remove_all(p, ec);
    }
  } undo{s_.get(), {}, &made_objects, &custody_dirs};

  EVIDENCE_RETURN_IF_ERROR(StagePayload(file, r.top_folder, wanted, s_->objects));
  for (auto& in : incoming) {
    if (in.staged) undo.staged.push_back(&*in.staged);
  }

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  // The sender's records, and any records of earlier custodians it carried, oldest first.
  std::uint64_t next = 1;
  std::error_code ec;
  while (fs::exists(s_->dir / "custody" / std::to_string(next), ec)) ++next;
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
  EVIDENCE_RETURN_IF_ERROR(s_->fs->CreateDir(s_->dir / "custody", 0700));
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
    received_ids.push_back(in.exhibit);
    if (!in.staged) continue;
    bool was_new = !fs::exists(s_->objects.PathFor(in.sha256), ec);
    EVIDENCE_RETURN_IF_ERROR(s_->objects.Commit(*in.staged));
    std::erase(undo.staged, &*in.staged);
    if (was_new) made_objects.push_back(s_->objects.PathFor(in.sha256));
    const auto& j = in.item;
    std::string name = j.value("name", "");
    std::string raw_name = name;
    if (j.contains("name_hex")) {
      auto b = HexDecode(j["name_hex"].get<std::string>());
      if (b.ok()) raw_name.assign(b->begin(), b->end());
    }
    nlohmann::json data = {{"item", in.exhibit},
                           {"sha256", DigestHex(in.sha256)},
                           {"size", in.size},
                           {"name", name},
                           {"kind", j.value("kind", "other")},
                           {"media_type", j.value("media_type", "application/octet-stream")},
                           {"received_from", r.case_uuid},
                           {"source_entry", in.source_entry},
                           {"bundle", r.top_folder}};
    if (j.contains("name_hex")) data["name_hex"] = j["name_hex"];
    EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq,
                              s_->AppendEntry("item.ingested", data, in.exhibit, std::nullopt));
    std::optional<std::string> metadata_text;
    if (j.contains("metadata") && j["metadata"].is_object() && !j["metadata"].empty()) {
      nlohmann::json meta = {
          {"item", in.exhibit}, {"sha256", DigestHex(in.sha256)}, {"metadata", j["metadata"]}};
      if (j.contains("captured") && j["captured"].is_string()) meta["captured"] = j["captured"];
      auto canonical = CanonicalJson(meta);
      if (canonical.ok()) {
        EVIDENCE_RETURN_IF_ERROR(
            s_->AppendEntry("item.metadata", meta, in.exhibit, std::nullopt).status());
        metadata_text = *CanonicalJson(j["metadata"]);
      }
    }
    size_t dash = in.exhibit.rfind('-');
    std::int64_t number = dash == std::string::npos ? 0 : std::atoll(in.exhibit.c_str() + dash + 1);
    EVIDENCE_ASSIGN_OR_RETURN(
        auto insert,
        s_->db.Prepare("INSERT INTO items(exhibit, number, sha256, size, name, kind, media_type, "
                       "captured, ingested, note, parent, entry_seq, metadata) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"));
    std::optional<std::string> captured;
    if (j.contains("captured") && j["captured"].is_string())
      captured = j["captured"].get<std::string>();
    insert.Bind(1, in.exhibit)
        .Bind(2, number)
        .Bind(3, DigestHex(in.sha256))
        .Bind(4, static_cast<std::int64_t>(in.size))
        .BindBlob(5, AsBytes(raw_name))
        .Bind(6, j.value("kind", "other"))
        .Bind(7, j.value("media_type", "application/octet-stream"))
        .BindOptional(8, captured)
        .Bind(9, NowRfc3339())
        .BindOptional(10, note.empty() ? std::optional<std::string>() : note)
        .Bind(11, static_cast<std::int64_t>(seq))
        .BindOptional(12, metadata_text);
    EVIDENCE_RETURN_IF_ERROR(insert.Run());
    out.imported.push_back(in.exhibit);
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
        s_->fs->Rename(staging / std::to_string(k), s_->dir / "custody" / std::to_string(k)));
    custody_dirs.push_back(s_->dir / "custody" / std::to_string(k));
  }
  // Durable before the entry that names them is: a power cut must not keep one without the other.
  EVIDENCE_RETURN_IF_ERROR(s_->fs->SyncDir(s_->dir / "custody"));
  // A COMMIT that reports an error may still have reached the disk (SQLite recovers a written
  // commit frame whose fsync failed): keep what it names; if it did not commit, verify reports
  // the objects and custody folder as leftovers.
  undo.done = true;
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  fs::remove_all(staging, ec);
  return out;
}

}  // namespace evidence
