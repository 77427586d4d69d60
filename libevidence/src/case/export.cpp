// Case::Export: a BagIt bundle of a selection, with the disclosed ledger entries, their inclusion
// proofs against a fresh checkpoint, and a signature over the tag manifest (docs/bundle.md).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>

#include "archive_util.hpp"
#include "bagit.hpp"
#include "bundle_format.hpp"
#include "case_state.hpp"
#include "custody_file.hpp"
#include "entry_rows.hpp"
#include "evidence/age.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/merkle.hpp"
#include "evidence/time.hpp"
#include "fd_io.hpp"
#include "ledger_source.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "thread_pool.hpp"
#include "timestamp_store.hpp"
#include "unique_fd.hpp"
#include "verifying_text.hpp"

namespace evidence {

namespace {

enum class ArchiveKind { kZip, kTar, kTarGz };

constexpr std::string_view kAgeSuffix = ".age";

// The archive's own name: an encrypted bundle's name without its .age.
fs::path ArchiveName(const fs::path& out, bool encrypted) {
  std::string name = out.filename().string();
  if (encrypted && name.size() > kAgeSuffix.size() && name.ends_with(kAgeSuffix)) {
    name.resize(name.size() - kAgeSuffix.size());
  }
  return fs::path(name);
}

Result<ArchiveKind> KindFor(const fs::path& out, bool encrypted) {
  if (encrypted && !out.filename().string().ends_with(kAgeSuffix)) {
    return Status::InvalidArgument(out.string() +
                                   ": an encrypted bundle must end in .zip.age, .tar.age or "
                                   ".tar.gz.age")
        .AboutArgument("out");
  }
  std::string name = ArchiveName(out, encrypted).string();
  auto ends = [&](std::string_view suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".tar.gz") || ends(".tgz")) return ArchiveKind::kTarGz;
  if (ends(".tar")) return ArchiveKind::kTar;
  if (ends(".zip")) return ArchiveKind::kZip;
  return Status::InvalidArgument(out.string() + ": the bundle must end in .zip, .tar or .tar.gz");
}

std::string TopFolderFor(const fs::path& out, bool encrypted) {
  std::string name = ArchiveName(out, encrypted).string();
  for (std::string_view suffix : {".tar.gz", ".tgz", ".tar", ".zip"}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  std::string safe;
  for (unsigned char c : name) {
    safe.push_back(std::isalnum(c) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c)
                                                                       : '_');
  }
  return safe.empty() || safe == "." || safe == ".." ? "bundle" : safe;
}

std::string HumanBytes(std::uint64_t n) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  std::uint64_t whole = n, tenths = 0;
  while (whole >= 1024 && u < 4) {
    tenths = (whole % 1024) * 10 / 1024;
    whole /= 1024;
    ++u;
  }
  return u == 0 ? std::to_string(n) + " bytes"
                : std::to_string(whole) + "." + std::to_string(tenths) + " " + units[u];
}

// Writes the archive to a temporary file beside its destination; Finish() fsyncs it, and the
// caller renames it into place only after the ledger has committed.
class BundleWriter {
 public:
  static Result<BundleWriter> Open(const fs::path& temp, ArchiveKind kind, std::int64_t mtime,
                                   const std::vector<AgeRecipient>& encrypt_to) {
    BundleWriter w;
    w.path_ = temp;
    w.mtime_ = mtime;
    w.a_.reset(archive_write_new());
    if (!w.a_) return Status::IoError("libarchive: out of memory");
    int rc = ARCHIVE_OK;
    if (kind == ArchiveKind::kZip) {
      rc = archive_write_set_format_zip(w.a_.get());
      // Photos, audio and video do not compress; storing keeps export at the speed of the disk.
      if (rc == ARCHIVE_OK)
        rc = archive_write_set_format_option(w.a_.get(), "zip", "compression", "store");
    } else {
      rc = archive_write_set_format_pax_restricted(w.a_.get());
      if (rc == ARCHIVE_OK && kind == ArchiveKind::kTarGz)
        rc = archive_write_add_filter_gzip(w.a_.get());
    }
    // Large writes (libarchive's default is 10 KiB); a regular file gets no padding after the
    // archive's own end, so the bytes are the same as with any block size.
    if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_per_block(w.a_.get(), 1 << 20);
    if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_in_last_block(w.a_.get(), 1);
    if (!encrypt_to.empty()) {
      EVIDENCE_ASSIGN_OR_RETURN(w.age_, AgeSink::Open(temp, encrypt_to));
      if (rc == ARCHIVE_OK) {
        rc =
            archive_write_open(w.a_.get(), w.age_.get(), nullptr, &AgeSink::WriteCallback, nullptr);
      }
    } else if (rc == ARCHIVE_OK) {
      rc = archive_write_open_filename(w.a_.get(), temp.c_str());
    }
    if (rc != ARCHIVE_OK) return w.Error("cannot create");
    // A second handle on the file, to start writing back what is written as it goes (see Data).
    w.sync_file_.reset(std::fopen(temp.c_str(), "rbe"));
    return w;
  }

  Status AddFile(const std::string& path, std::string_view content) {
    EVIDENCE_RETURN_IF_ERROR(Header(path, content.size()));
    if (!content.empty() && archive_write_data(a_.get(), content.data(), content.size()) !=
                                static_cast<la_ssize_t>(content.size())) {
      return Error("cannot write " + path);
    }
    return Status::Ok();
  }

  Status Header(const std::string& path, std::uint64_t size) {
    arch::EntryPtr e(archive_entry_new());
    archive_entry_set_pathname_utf8(e.get(), path.c_str());
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_mtime(e.get(), mtime_, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return Error("cannot add " + path);
    return Status::Ok();
  }

  Status Data(ByteView chunk, const std::string& path) {
    if (archive_write_data(a_.get(), chunk.data(), chunk.size()) !=
        static_cast<la_ssize_t>(chunk.size())) {
      return Error("cannot write " + path);
    }
    // Start writeback of every 32 MiB written, without waiting for it: the disk works while the
    // next objects are read and hashed, and the fsync in Finish has little left to do.
    unflushed_ += chunk.size();
    if (unflushed_ >= (32u << 20) && sync_file_) {
      (void)::sync_file_range(::fileno(sync_file_.get()), 0, 0, SYNC_FILE_RANGE_WRITE);
      unflushed_ = 0;
    }
    return Status::Ok();
  }

  Status Finish() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) return Error("cannot finish");
    a_.reset();
    if (age_) {
      EVIDENCE_RETURN_IF_ERROR(age_->encryptor->Finish());
      age_.reset();
    }
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, path_, "cannot reopen");
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus(err, path_, "fsync");
    return Status::Ok();
  }

 private:
  // The archive goes through the age encryptor straight into the file, so the only bytes that
  // reach the disk are ciphertext (docs/age.md "Export").
  struct AgeSink {
    UniqueFd fd;
    fs::path path;
    std::unique_ptr<AgeEncryptor> encryptor;
    Status error;

    static Result<std::unique_ptr<AgeSink>> Open(const fs::path& temp,
                                                 const std::vector<AgeRecipient>& to) {
      auto sink = std::make_unique<AgeSink>();
      sink->path = temp;
      sink->fd = UniqueFd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!sink->fd) return ErrnoStatus(errno, temp, "cannot create");
      AgeSink* raw = sink.get();
      EVIDENCE_ASSIGN_OR_RETURN(sink->encryptor, AgeEncryptor::Start(to, [raw](ByteView data) {
                                  return WriteAll(raw->fd.get(), data, raw->path);
                                }));
      return sink;
    }

    static la_ssize_t WriteCallback(struct archive* a, void* self, const void* buf, size_t size) {
      auto* sink = static_cast<AgeSink*>(self);
      Status st = sink->encryptor->Write(ByteView(static_cast<const std::uint8_t*>(buf), size));
      if (!st.ok()) {
        sink->error = st;
        archive_set_error(a, EIO, "%s", st.message().c_str());
        return -1;
      }
      return static_cast<la_ssize_t>(size);
    }
  };

  Status Error(const std::string& what) {
    if (age_ && !age_->error.ok()) return age_->error;
    const char* msg = a_ ? archive_error_string(a_.get()) : nullptr;
    int err = a_ ? archive_errno(a_.get()) : 0;
    std::string detail = msg ? msg : "unknown error";
    if (err == ENOSPC) detail = "disk full";
    return Status::IoError(path_.string() + ": " + what + ": " + detail);
  }
  arch::WritePtr a_;
  fs::path path_;
  std::int64_t mtime_ = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> sync_file_{nullptr, &std::fclose};
  std::uint64_t unflushed_ = 0;
  std::unique_ptr<AgeSink> age_;
};

// ExportOptions::since_checkpoint: a usage error (exit 2) when the file is missing or not a
// checkpoint.
Result<std::string> ReadCheckpointFile(const fs::path& path) {
  auto read = ReadSmallFile(path, kMaxNoteSize);
  if (!read.ok()) return read.status().AboutArgument("since_checkpoint");
  const std::string& note = *read;
  if (auto parsed = ParseCheckpointNote(note); !parsed.ok()) {
    return Status::InvalidArgument(path.string() +
                                   ": not a signed checkpoint: " + parsed.status().message())
        .AboutArgument("since_checkpoint");
  }
  return note;
}

// What an export carries: the chosen items and incidents, and their ids.
struct Selection {
  std::vector<Item> items;
  std::vector<Incident> incidents;
  std::set<std::string> item_ids, incident_ids;
};

// The selection: explicit items and incidents, a window, or (none of these) everything; with each
// incident, the items linked to it.
Result<Selection> Select(const Case& c, const ExportOptions& opt) {
  EVIDENCE_ASSIGN_OR_RETURN(auto all_items, c.Items());
  EVIDENCE_ASSIGN_OR_RETURN(auto all_incidents, c.Incidents());
  Selection sel;
  std::set<std::string>& items = sel.item_ids;
  std::set<std::string>& incidents = sel.incident_ids;
  bool everything = opt.items.empty() && opt.incidents.empty() && !opt.since && !opt.until;
  for (const auto& x : opt.items) {
    EVIDENCE_ASSIGN_OR_RETURN(Item it, c.GetItem(x));
    items.insert(it.exhibit);
  }
  for (const auto& x : opt.incidents) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, c.GetIncident(x));
    incidents.insert(inc.id);
  }
  if (everything) {
    for (const auto& it : all_items) items.insert(it.exhibit);
    for (const auto& inc : all_incidents) incidents.insert(inc.id);
  } else if (opt.since || opt.until) {
    EVIDENCE_ASSIGN_OR_RETURN(ReportData window, c.GatherReport(opt.since, opt.until));
    for (const auto& inc : window.incidents) incidents.insert(inc.id);
    for (const auto& it : window.items) items.insert(it.exhibit);
  }
  for (const auto& inc : all_incidents) {
    if (incidents.count(inc.id)) items.insert(inc.items.begin(), inc.items.end());
  }
  for (auto& it : all_items) {
    if (items.count(it.exhibit)) sel.items.push_back(std::move(it));
  }
  for (auto& inc : all_incidents) {
    if (incidents.count(inc.id)) sel.incidents.push_back(std::move(inc));
  }
  return sel;
}

// The report of exactly this selection (evidence/report.html).
Result<std::string> SelectionReport(const Case& c, const ExportOptions& opt, const Selection& sel) {
  const auto& items = sel.item_ids;
  const auto& incidents = sel.incident_ids;
  EVIDENCE_ASSIGN_OR_RETURN(ReportData report, c.GatherReport(std::nullopt, std::nullopt));
  report.since = opt.since;
  report.until = opt.until;
  std::erase_if(report.incidents, [&](const Incident& r) { return !incidents.count(r.id); });
  std::erase_if(report.quoted_messages, [&](const auto& q) { return !incidents.count(q.first); });
  std::erase_if(report.items, [&](const ReportItem& r) { return !items.count(r.exhibit); });
  std::erase_if(report.events, [&](const ReportEvent& e) { return !items.count(e.item); });
  std::erase_if(report.message_counts,
                [&](const ReportMessageCount& m) { return !items.count(m.item); });
  return RenderReport(report, ReportFormat::kHtml);
}

// The payload and its manifest, known before anything is recorded.
struct Payload {
  std::map<std::string, std::string> path;  // exhibit -> path under the top folder
  std::uint64_t bytes = 0;
  std::string manifest;  // manifest-sha256.txt
  std::string manifest_sha256;
};

Payload PayloadOf(const std::vector<Item>& chosen) {
  Payload p;
  std::vector<bagit::ManifestLine> manifest_lines;
  for (const auto& it : chosen) {
    std::string path = bundle_format::ItemPayloadPath(it.exhibit, it.raw_name);
    p.path[it.exhibit] = path;
    manifest_lines.push_back({DigestHex(it.sha256), path});
    p.bytes += it.size;
  }
  p.manifest = bagit::FormatManifest(manifest_lines);
  p.manifest_sha256 = DigestHex(Sha256::Of(std::string_view(p.manifest)));
  return p;
}

// The disclosed ledger entries (evidence/ledger.jsonl) with their inclusion proofs
// (evidence/proofs.json) against the checkpoint of `tree_size`.
struct Disclosure {
  std::string ledger_jsonl;
  std::string proofs_text;
  std::uint64_t proof_count = 0;
  std::string export_time;                  // of the export.created entry
  std::set<std::uint64_t> custody_folders;  // CASE/custody/<k> the disclosed items came through
};

// Whether entry `seq` is disclosed: the case's identity and keys, everything about the chosen items
// and incidents, this export, and the receipts of the received items chosen (whose custody
// folders go with them).
bool Disclosed(const LedgerEntry& e, std::uint64_t seq, std::uint64_t export_seq,
               const Selection& sel, std::set<std::uint64_t>* custody_folders) {
  const std::string& action = e.action;
  auto field = [&](const char* key) -> std::optional<std::string> {
    auto it = e.data.find(key);
    if (it == e.data.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto item = field("item");
  auto incident = field("incident");
  bool disclose = seq == 0 || action == "key.added" || seq == export_seq ||
                  (item && sel.item_ids.count(*item)) ||
                  (incident && sel.incident_ids.count(*incident));
  if (action != "bundle.received") return disclose;
  // Disclosed with the received items it brought, together with the sender's records.
  auto received = e.data.find("items");
  if (received != e.data.end() && received->is_array()) {
    for (const auto& x : *received) {
      if (x.is_string() && sel.item_ids.count(x.get<std::string>())) disclose = true;
    }
  }
  if (disclose) {
    auto custody = e.data.find("custody");
    if (custody != e.data.end() && custody->is_number_unsigned()) {
      custody_folders->insert(custody->get<std::uint64_t>());
    }
    auto carried = e.data.find("custody_carried");
    if (carried != e.data.end() && carried->is_array()) {
      for (const auto& k : *carried) {
        if (k.is_number_unsigned()) custody_folders->insert(k.get<std::uint64_t>());
      }
    }
  }
  return disclose;
}

Result<Disclosure> Disclose(sql::Database& db, const Checkpoint& cp, std::uint64_t export_seq,
                            const Selection& sel) {
  Disclosure d;
  // proofs.json is written one entry at a time: the canonical form of
  // {"entries":[...],"tree_size":N} is the entries' canonical forms joined by commas, and holding
  // one entry's JSON tree at a time (not all of them, then a copy of their text) keeps an export of
  // 10,000 items from a 1,000,000-entry ledger well inside the memory budget.
  d.proofs_text = "{\"entries\":[";
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source, LedgerHashSource::Load(db, cp.size));
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, entry FROM entries ORDER BY seq"));
  // What an entry is about is read from its signed bytes, not from the index columns.
  EVIDENCE_RETURN_IF_ERROR(
      ForEachEntry(st, [&](std::uint64_t seq, const LedgerEntry& e, ByteView bytes) -> Status {
        if (!Disclosed(e, seq, export_seq, sel, &d.custody_folders)) return Status::Ok();
        if (seq == export_seq) d.export_time = e.time;
        d.ledger_jsonl.append(AsChars(bytes));
        d.ledger_jsonl.push_back('\n');
        // Checked against the signed root, so a damaged node cache cannot reach the bundle.
        EVIDENCE_ASSIGN_OR_RETURN(auto path, CheckedInclusionProof(db, source, seq, cp.root));
        nlohmann::json hexes = nlohmann::json::array();
        for (const auto& h : path) hexes.push_back(HexEncode(h));
        EVIDENCE_ASSIGN_OR_RETURN(merkle::Hash leaf, source.LeafHash(seq));
        if (leaf != merkle::LeafHash(bytes)) {
          return Status::VerificationFailed("ledger: entry " + std::to_string(seq) +
                                            ": its bytes are not the leaf the signed checkpoint "
                                            "covers (it was altered; run `evidence verify`)");
        }
        EVIDENCE_ASSIGN_OR_RETURN(std::string proof, CanonicalJson({{"seq", seq},
                                                                    {"leaf_hash", HexEncode(leaf)},
                                                                    {"inclusion_path", hexes}}));
        if (d.proof_count++ > 0) d.proofs_text.push_back(',');
        d.proofs_text += proof;
        return Status::Ok();
      }));
  d.proofs_text += "],\"tree_size\":" + std::to_string(cp.size) + "}\n";
  return d;
}

using MemberFiles = std::vector<std::pair<std::string, std::string>>;  // path, bytes

// evidence/items.json: each item as the case records it, with its payload path.
std::string ItemsJson(const std::vector<Item>& chosen, const Payload& payload) {
  nlohmann::json items_json = nlohmann::json::array();
  for (const auto& it : chosen) {
    nlohmann::json j = ItemToJson(it);
    j.erase("note");
    // verify-bundle checks every field of items.json against the signed entries; the warnings
    // reach the investigator through the disclosed item.metadata entry and the report instead.
    j.erase("warnings");
    if (!it.note.empty()) j["note"] = it.note;
    j["path"] = payload.path.at(it.exhibit);
    items_json.push_back(j);
  }
  return items_json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string IncidentsJson(const std::vector<Incident>& chosen) {
  nlohmann::json incidents_json = nlohmann::json::array();
  for (const auto& inc : chosen) incidents_json.push_back(IncidentToJson(inc));
  return incidents_json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Earlier custodians' records (CASE/custody/<k>), renumbered 1, 2, ... oldest first, as
// evidence/custody/<n>/.
Status AddCustodyFiles(const fs::path& case_dir, const CaseKey* key,
                       const std::set<std::uint64_t>& custody_folders, MemberFiles* files) {
  std::error_code ec;
  std::uint64_t n = 0;
  for (std::uint64_t k : custody_folders) {
    fs::path dir = case_dir / "custody" / std::to_string(k);
    if (!fs::is_directory(dir, ec)) {
      return Status::Corruption("custody/" + std::to_string(k) + " is missing from the case");
    }
    ++n;
    std::vector<fs::path> paths;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& f : paths) {
      std::ifstream in(f, std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) return ErrnoStatus(errno, f, "cannot read");
      const std::string rel = f.lexically_relative(dir).generic_string();
      EVIDENCE_ASSIGN_OR_RETURN(content, OpenCustodyFile(key, k, rel, std::move(content)));
      files->emplace_back(bundle_format::CustodyFolder(n) + rel, std::move(content));
    }
  }
  return Status::Ok();
}

// bag-info.txt (RFC 8493 section 2.2.2, and the Evidence-* fields of docs/bundle.md).
std::string BagInfo(const CaseInfo& info, const Selection& sel, const Payload& payload,
                    const std::string& recipient, std::uint64_t tree_size, std::int64_t mtime) {
  std::string bagging_date = FormatUtc(mtime * 1000).substr(0, 10);
  std::string description = "Evidence bundle of case \"" + info.name +
                            "\": " + std::to_string(sel.items.size()) + " item(s), " +
                            std::to_string(sel.incidents.size()) + " incident(s)";
  std::vector<std::pair<std::string, std::string>> info_fields = {
      {"Bagging-Date", bagging_date},
      {"Payload-Oxum", bagit::PayloadOxum(payload.bytes, sel.items.size())},
      {"Bag-Size", HumanBytes(payload.bytes)},
      {"External-Identifier", info.uuid},
      {"Contact-Name", info.owner},
      {"Internal-Sender-Description", description},
      {"Bag-Software-Agent", std::string("libevidence ") + EVIDENCE_VERSION}};
  if (!recipient.empty()) info_fields.emplace_back("Evidence-Recipient", recipient);
  info_fields.emplace_back("Evidence-Checkpoint-Size", std::to_string(tree_size));
  info_fields.emplace_back("Evidence-Signer-Fingerprint", info.key_fingerprint);
  return bagit::FormatBagInfo(info_fields);
}

// tagmanifest-sha256.txt: every tag file but itself and its signature.
std::string TagManifest(const std::string& bag_info, const Payload& payload,
                        const MemberFiles& evidence_files) {
  std::vector<bagit::ManifestLine> tag_lines = {
      {DigestHex(Sha256::Of(bagit::kBagitTxt)), bundle_format::kBagitTxt},
      {DigestHex(Sha256::Of(std::string_view(bag_info))), bundle_format::kBagInfo},
      {payload.manifest_sha256, bundle_format::kManifest}};
  for (const auto& [path, content] : evidence_files) {
    tag_lines.push_back({DigestHex(Sha256::Of(std::string_view(content))), path});
  }
  return bagit::FormatManifest(tag_lines);
}

// Removes the temporary archive unless it was renamed into place.
struct TempGuard {
  fs::path path;
  bool keep = false;
  ~TempGuard() {
    std::error_code e;
    if (!keep) fs::remove(path, e);
  }
};

// Writes every payload file in manifest order, each re-checked on the way out: a bundle never
// carries bytes that are not the evidence. The check is the re-hash in a plaintext case, and every
// chunk's tag with the sealed identity in an encrypted one (ReadCheck::kTagsWhereEncrypted;
// docs/case-format.md, "What each read checks"). Objects up to kPrefetchBytes are read and
// checked whole by the pool, ahead of the writer, so that the checks use every core; the writer
// takes them in manifest order and writes exactly the bytes that were checked. Larger objects are
// streamed (and checked) here, in blocks. The prefetch buffers are reused: each is faulted in once,
// and objects are read straight into them.
Status WritePayload(BundleWriter& w, const std::string& top, const std::vector<Item>& chosen,
                    const Payload& payload, const ObjectStore& objects) {
  std::vector<const Item*> in_manifest_order;
  for (const auto& it : chosen) in_manifest_order.push_back(&it);
  std::sort(in_manifest_order.begin(), in_manifest_order.end(), [&](const Item* a, const Item* b) {
    return payload.path.at(a->exhibit) < payload.path.at(b->exhibit);
  });
  constexpr std::uint64_t kPrefetchBytes = 8u << 20;
  struct Loaded {
    Status status = Status::Ok();
    std::unique_ptr<std::uint8_t[]> buffer;  // null: stream the object instead
  };
  std::mutex free_mu;
  std::vector<std::unique_ptr<std::uint8_t[]>> free_buffers;
  auto take_buffer = [&] {
    std::lock_guard<std::mutex> lock(free_mu);
    if (free_buffers.empty())
      return std::unique_ptr<std::uint8_t[]>(new std::uint8_t[kPrefetchBytes]);
    auto b = std::move(free_buffers.back());
    free_buffers.pop_back();
    return b;
  };
  auto give_back = [&](Loaded& l) {
    if (!l.buffer) return;
    std::lock_guard<std::mutex> lock(free_mu);
    free_buffers.push_back(std::move(l.buffer));
  };
  Status payload_status = Status::Ok();
  ThreadPool pool(
      std::min(ThreadPool::DefaultWorkers(), std::max<std::size_t>(in_manifest_order.size(), 1)),
      /*queue_capacity=*/8);
  RunOrdered(
      pool, in_manifest_order.size(), 2 * pool.workers(),
      [&](std::size_t i) {
        Loaded l;
        const Item* it = in_manifest_order[i];
        if (it->size > kPrefetchBytes) return l;
        l.buffer = take_buffer();
        l.status = objects.ReadInto(it->sha256, {l.buffer.get(), it->size},
                                    ReadCheck::kTagsWhereEncrypted);
        return l;
      },
      [&](std::size_t i, Loaded l) {
        const Item* it = in_manifest_order[i];
        const std::string path = top + "/" + payload.path.at(it->exhibit);
        payload_status = w.Header(path, it->size);
        if (payload_status.ok()) {
          Status st = l.status;
          if (st.ok() && l.buffer) st = w.Data(ByteView(l.buffer.get(), it->size), path);
          if (st.ok() && !l.buffer) {
            st = objects.Stream(
                it->sha256, it->size, [&](ByteView chunk) { return w.Data(chunk, path); },
                ReadCheck::kTagsWhereEncrypted);
          }
          if (!st.ok()) payload_status = st.WithContext(it->exhibit);
        }
        give_back(l);
        return payload_status.ok();
      },
      [&](Loaded l) { give_back(l); });
  return payload_status;
}

// The tag files, then the payload: a streaming verifier knows the manifests before the payload.
struct TagFiles {
  std::string bag_info, manifest, tagmanifest;
  std::string signature;  // Ed25519 over tagmanifest
  const MemberFiles* evidence = nullptr;
};

Status WriteArchive(const fs::path& temp, ArchiveKind kind, std::int64_t mtime,
                    const std::string& top, const TagFiles& tags, const std::vector<Item>& chosen,
                    const Payload& payload, const ObjectStore& objects,
                    const std::vector<AgeRecipient>& encrypt_to) {
  arch::ScopedUtf8Locale utf8;
  EVIDENCE_ASSIGN_OR_RETURN(BundleWriter w, BundleWriter::Open(temp, kind, mtime, encrypt_to));
  EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + bundle_format::kBagitTxt, bagit::kBagitTxt));
  EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + bundle_format::kBagInfo, tags.bag_info));
  EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + bundle_format::kManifest, tags.manifest));
  EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + bundle_format::kTagManifest, tags.tagmanifest));
  EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + bundle_format::kSignature, tags.signature));
  for (const auto& [path, content] : *tags.evidence) {
    EVIDENCE_RETURN_IF_ERROR(w.AddFile(top + "/" + path, content));
  }
  EVIDENCE_RETURN_IF_ERROR(WritePayload(w, top, chosen, payload, objects));
  return w.Finish();
}

// Checks what can be checked before anything is read or recorded: the destination and the
// options. Returns the archive kind.
Result<ArchiveKind> CheckDestination(const ExportOptions& opt, const fs::path& parent) {
  EVIDENCE_ASSIGN_OR_RETURN(ArchiveKind kind, KindFor(opt.out, !opt.encrypt_to.empty()));
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) return Status::NotFound(parent.string() + ": no such folder");
  if (fs::exists(opt.out, ec) && !opt.force) {
    return Status::AlreadyExists(opt.out.string() + ": exists").AboutArgument("out");
  }
  if (!IsValidUtf8(opt.recipient)) {
    return Status::InvalidArgument("not valid UTF-8").AboutArgument("recipient");
  }
  return kind;
}

}  // namespace

// Over 80 lines: the order below is the export's contract (check, select, record and seal, build
// the files from the sealed ledger, write and sync the archive, commit, rename); each step is a
// function above.
Result<ExportOutcome> Case::Export(const ExportOptions& opt) {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  const fs::path parent = opt.out.parent_path().empty() ? fs::path(".") : opt.out.parent_path();
  EVIDENCE_ASSIGN_OR_RETURN(ArchiveKind kind, CheckDestination(opt, parent));
  std::optional<std::string> since_note;
  if (opt.since_checkpoint) {
    EVIDENCE_ASSIGN_OR_RETURN(since_note, ReadCheckpointFile(*opt.since_checkpoint));
  }
  EVIDENCE_ASSIGN_OR_RETURN(Selection sel, Select(*this, opt));
  EVIDENCE_ASSIGN_OR_RETURN(std::string report_html, SelectionReport(*this, opt, sel));
  const std::string top = TopFolderFor(opt.out, !opt.encrypt_to.empty());
  const Payload payload = PayloadOf(sel.items);

  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  // The export is itself an entry, disclosed with the rest and covered by the new checkpoint.
  nlohmann::json export_data = {
      {"bundle", top},
      {"manifest_sha256", payload.manifest_sha256},
      {"items", std::vector<std::string>(sel.item_ids.begin(), sel.item_ids.end())},
      {"incidents", std::vector<std::string>(sel.incident_ids.begin(), sel.incident_ids.end())}};
  if (!opt.recipient.empty()) export_data["recipient"] = opt.recipient;
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t export_seq, s_->AppendEntry("export.created", export_data,
                                                                      std::nullopt, std::nullopt));
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  EVIDENCE_ASSIGN_OR_RETURN(std::string checkpoint, LatestCheckpoint());
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint cp, ParseCheckpointNote(checkpoint));
  const std::uint64_t tree_size = cp.checkpoint.size;
  EVIDENCE_ASSIGN_OR_RETURN(Disclosure d, Disclose(s_->db, cp.checkpoint, export_seq, sel));
  std::int64_t mtime = NowUnixMs() / 1000;
  if (auto t = ParseUserTime(d.export_time); t.ok()) mtime = t->unix_ms / 1000;
  // That the ledger only grew since every checkpoint handed out before (prove.cpp).
  std::uint64_t consistency_count = 0;
  EVIDENCE_ASSIGN_OR_RETURN(
      std::string consistency_json,
      s_->BundleConsistencyJson(cp.checkpoint, export_seq, since_note, &consistency_count));
  EVIDENCE_ASSIGN_OR_RETURN(std::string keys_json, s_->BundleKeysJson());
  // RFC 3161 tokens, each with the earlier checkpoint it covers (timestamps.cpp).
  EVIDENCE_ASSIGN_OR_RETURN(auto timestamp_files, timestamp_store::BundleFiles(s_->db, s_->dir));

  // evidence/ files, added one by one, not from an initializer list, whose elements can only be
  // copied: the proofs and ledger excerpt of a large export are tens of MiB each.
  MemberFiles evidence_files;
  evidence_files.emplace_back(bundle_format::kItems, ItemsJson(sel.items, payload));
  evidence_files.emplace_back(bundle_format::kIncidents, IncidentsJson(sel.incidents));
  evidence_files.emplace_back(bundle_format::kLedger, std::move(d.ledger_jsonl));
  evidence_files.emplace_back(bundle_format::kProofs, std::move(d.proofs_text));
  evidence_files.emplace_back(bundle_format::kCheckpoint, checkpoint);
  evidence_files.emplace_back(bundle_format::kSignerPem, s_->public_key.ToPem());
  evidence_files.emplace_back(bundle_format::kReport, std::move(report_html));
  evidence_files.emplace_back(
      bundle_format::kVerifying,
      bundle_format::RenderVerifying({.case_uuid = s_->info.uuid,
                                      .case_name = s_->info.name,
                                      .owner = s_->info.owner,
                                      .fingerprint = s_->info.key_fingerprint,
                                      .archive = opt.out.filename().string(),
                                      .top_folder = top,
                                      .tree_size = tree_size,
                                      .timestamps = !timestamp_files.empty()}));
  if (!consistency_json.empty()) {
    evidence_files.emplace_back(bundle_format::kConsistency, std::move(consistency_json));
  }
  if (!keys_json.empty()) evidence_files.emplace_back(bundle_format::kKeys, std::move(keys_json));
  for (auto& f : timestamp_files) evidence_files.push_back(std::move(f));
  EVIDENCE_RETURN_IF_ERROR(
      AddCustodyFiles(s_->dir, s_->case_key.get(), d.custody_folders, &evidence_files));

  TagFiles tags;
  tags.bag_info = BagInfo(s_->info, sel, payload, opt.recipient, tree_size, mtime);
  tags.manifest = payload.manifest;
  tags.tagmanifest = TagManifest(tags.bag_info, payload, evidence_files);
  tags.evidence = &evidence_files;
  EVIDENCE_ASSIGN_OR_RETURN(const SigningKey* key, s_->Key());
  EVIDENCE_ASSIGN_OR_RETURN(auto signature, key->Sign(AsBytes(tags.tagmanifest)));
  tags.signature = std::string(AsChars(signature));

  std::random_device rd;
  fs::path temp = opt.out;
  temp += ".part-" + std::to_string(rd());
  TempGuard guard{temp};
  EVIDENCE_RETURN_IF_ERROR(
      WriteArchive(temp, kind, mtime, top, tags, sel.items, payload, s_->objects, opt.encrypt_to));
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  EVIDENCE_RETURN_IF_ERROR(s_->fs->Rename(temp, opt.out));
  guard.keep = true;
  // The entry is committed; still, a bundle whose name may vanish in a power cut is not reported
  // as made.
  EVIDENCE_RETURN_IF_ERROR(s_->fs->SyncDir(parent));

  ExportOutcome out;
  out.file = opt.out;
  out.top_folder = top;
  out.items = sel.items.size();
  out.incidents = sel.incidents.size();
  out.entries = d.proof_count;
  out.payload_bytes = payload.bytes;
  out.manifest_sha256 = payload.manifest_sha256;
  out.export_entry = export_seq;
  out.tree_size = tree_size;
  out.consistency_proofs = consistency_count;
  return out;
}

}  // namespace evidence
