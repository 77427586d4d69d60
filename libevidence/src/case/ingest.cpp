// Case::Ingest: one read of the source (hash while copying into the case), metadata from the copy,
// then the item, its entries, and for a message export its messages and media, in one transaction.
#include <cstdio>
#include <map>

#include "case_state.hpp"
#include "describe.hpp"
#include "evidence/canonical_json.hpp"
#include "exhibits.hpp"
#include "ingest_warnings.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

Result<std::string> NextExhibit(sql::Database& db, const std::string& prefix,
                                std::int64_t* number) {
  EVIDENCE_ASSIGN_OR_RETURN(std::int64_t last, LastExhibitNumber(db, prefix));
  *number = last + 1;
  return ExhibitId(prefix, *number);
}

nlohmann::json MessageJson(const Message& m) {
  nlohmann::json atts = nlohmann::json::array();
  for (const auto& a : m.attachments) {
    nlohmann::json j = {{"name", a.name}, {"media_type", a.media_type}};
    if (a.size) j["size"] = *a.size;
    if (a.sha256) j["sha256"] = *a.sha256;
    atts.push_back(j);
  }
  nlohmann::json j = {
      {"index", m.index},         {"sender", m.sender}, {"recipients", m.recipients},
      {"direction", m.direction}, {"text", m.text},     {"system", m.system},
      {"attachments", atts},      {"extra", m.extra}};
  j["time"] = m.time ? nlohmann::json(*m.time) : nlohmann::json();
  if (m.call) {
    // Part of the hashed message, so verify covers every call field.
    nlohmann::json c = {{"type", m.call->type},
                        {"number", m.call->number},
                        {"contact", m.call->contact},
                        {"presentation", m.call->presentation}};
    c["duration_s"] = m.call->duration_s ? nlohmann::json(*m.call->duration_s) : nlohmann::json();
    j["call"] = c;
  }
  return j;
}

}  // namespace

Result<std::uint64_t> Case::State::RecordItem(const ItemRecord& r) {
  State& s = *this;
  nlohmann::json data = {{"item", r.exhibit},      {"sha256", DigestHex(r.staged->sha256)},
                         {"size", r.staged->size}, {"name", LossyUtf8(r.raw_name)},
                         {"kind", r.desc.kind},    {"media_type", r.desc.media_type}};
  // Names that are not UTF-8 cannot be JSON strings; their exact bytes go in as hex.
  if (!IsValidUtf8(r.raw_name)) data["name_hex"] = HexEncode(AsBytes(r.raw_name));
  if (!r.note.empty()) data["note"] = r.note;
  if (r.incident) data["incident"] = *r.incident;
  if (r.parent) data["parent"] = *r.parent;
  for (const auto& [k, v] : r.extra_entry_data.items()) data[k] = v;
  // Numbers come from the items cache; one whose row was deleted must not be handed out again
  // (an index lookup, O(log n)).
  EVIDENCE_ASSIGN_OR_RETURN(auto taken, s.db.Prepare("SELECT seq FROM entries WHERE item = ? AND "
                                                     "action = 'item.ingested' LIMIT 1"));
  taken.Bind(1, r.exhibit);
  EVIDENCE_ASSIGN_OR_RETURN(bool is_taken, taken.Step());
  if (is_taken) {
    return CaseDoesNotVerify(r.exhibit + " is already ingested by entry " +
                             std::to_string(taken.ColumnInt(0)) + " but has no items row");
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq,
                            s.AppendEntry("item.ingested", data, r.exhibit, r.incident));
  EVIDENCE_ASSIGN_OR_RETURN(std::string metadata_text, CanonicalJson(r.desc.metadata));
  EVIDENCE_ASSIGN_OR_RETURN(
      auto insert,
      s.db.Prepare("INSERT INTO items(exhibit, number, sha256, size, name, kind, media_type, "
                   "captured, ingested, note, parent, entry_seq, metadata) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, r.exhibit)
      .Bind(2, r.number)
      .Bind(3, DigestHex(r.staged->sha256))
      .Bind(4, static_cast<std::int64_t>(r.staged->size))
      .BindBlob(5, AsBytes(r.raw_name))
      .Bind(6, r.desc.kind)
      .Bind(7, r.desc.media_type)
      .BindOptional(8, r.desc.captured)
      .Bind(9, NowRfc3339())
      .BindOptional(10, r.note.empty() ? std::optional<std::string>() : r.note)
      .BindOptional(11, r.parent)
      .Bind(12, static_cast<std::int64_t>(seq))
      .Bind(13, metadata_text);
  EVIDENCE_RETURN_IF_ERROR(insert.Run());
  return seq;
}

Status Case::State::RecordMetadata(const std::string& exhibit, const Sha256Digest& sha,
                                   const Description& desc, const nlohmann::json& messages) {
  State& s = *this;
  if (desc.metadata.empty() && desc.errors.empty() && desc.warnings.empty() && !desc.captured &&
      messages.is_null()) {
    return Status::Ok();
  }
  nlohmann::json meta = {
      {"item", exhibit}, {"sha256", DigestHex(sha)}, {"metadata", desc.metadata}};
  if (desc.captured) meta["captured"] = *desc.captured;
  if (!desc.errors.empty()) meta["errors"] = desc.errors;
  if (!messages.is_null()) meta["messages"] = messages;
  if (!desc.warnings.empty()) meta["warnings"] = desc.warnings;
  return s.AppendEntry("item.metadata", meta, exhibit, std::nullopt).status();
}

Result<IngestOutcome> Case::Ingest(const fs::path& file, const IngestOptions& options) {
  IngestOutcome out;
  out.source = file;
  std::optional<std::string> incident;
  if (options.incident) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(*options.incident));
    incident = inc.id;
  }
  std::string raw_name = file.filename().string();
  if (raw_name.empty()) return Status::InvalidArgument(file.string() + ": not a file name");

  EVIDENCE_ASSIGN_OR_RETURN(StagedObject staged, s_->objects.Stage(file));
  // Every staged copy is discarded unless committed; every object this call adds is removed again
  // if the transaction does not commit, so a failed ingest leaves the case as it was.
  std::vector<StagedObject> pending;
  std::vector<fs::path> new_objects;
  bool committed = false;
  struct Cleanup {
    State& s;
    StagedObject& staged;
    std::vector<StagedObject>& pending;
    std::vector<fs::path>& new_objects;
    bool& committed;
    ~Cleanup() {
      s.objects.Discard(staged);
      for (const auto& p : pending) s.objects.Discard(p);
      if (committed) return;
      std::error_code ec;
      for (const auto& p : new_objects) {
        fs::permissions(p, fs::perms::owner_write, fs::perm_options::add, ec);
        (void)s.fs->Remove(p);
        fs::remove(p.parent_path(), ec);  // only if now empty: the folder was made for it
      }
    }
  } cleanup{*s_, staged, pending, new_objects, committed};

  out.sha256 = staged.sha256;
  out.size = staged.size;
  EVIDENCE_ASSIGN_OR_RETURN(auto existing, ExistingExhibit(s_->db, staged.sha256));
  if (existing) {
    out.duplicate = true;
    out.exhibit = *existing;
    return out;
  }

  // One sandboxed extractor for the file and every media member of an export, instead of a
  // fork of this whole process per file.
  std::optional<Describer> own_describer;
  Describer* describer = s_->describer != nullptr ? s_->describer : &own_describer.emplace();
  Description desc = describer->Describe(staged.temp_path, raw_name);
  if (options.kind) desc.kind = *options.kind;
  out.kind = desc.kind;
  // A message export is parsed only if its format is recognised; --kind cannot make one.
  auto format = DetectExportFormat(staged.temp_path, raw_name);

  auto commit_object = [&](const StagedObject& st) -> Status {
    std::error_code ec;
    bool is_new = !fs::exists(s_->objects.PathFor(st.sha256), ec);
    EVIDENCE_RETURN_IF_ERROR(s_->objects.Commit(st));
    if (is_new) new_objects.push_back(s_->objects.PathFor(st.sha256));
    return Status::Ok();
  };
  EVIDENCE_RETURN_IF_ERROR(commit_object(staged));

  Status recorded = [&]() -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
    // Another process may have ingested the same bytes since the check above.
    EVIDENCE_ASSIGN_OR_RETURN(auto again, ExistingExhibit(s_->db, staged.sha256));
    if (again) {
      out.duplicate = true;
      out.exhibit = *again;
      new_objects.clear();
      return Status::Ok();
    }
    ItemRecord rec;
    EVIDENCE_ASSIGN_OR_RETURN(rec.exhibit,
                              NextExhibit(s_->db, s_->info.exhibit_prefix, &rec.number));
    out.exhibit = rec.exhibit;
    rec.staged = &staged;
    rec.raw_name = raw_name;
    rec.desc = desc;
    rec.note = options.note;
    rec.incident = incident;
    EVIDENCE_RETURN_IF_ERROR(s_->RecordItem(rec).status());

    nlohmann::json messages_summary;  // null unless this is a message export
    if (format.ok()) {
      EVIDENCE_ASSIGN_OR_RETURN(
          auto insert, s_->db.Prepare("INSERT INTO messages(item, idx, time, sender, direction, "
                                      "system, message) VALUES (?, ?, ?, ?, ?, ?, ?)"));
      Sha256 lines_hash;
      std::uint64_t count = 0;
      std::map<std::string, std::string> media_exhibits;  // member name -> exhibit
      auto on_message = [&](Message&& m) -> Status {
        nlohmann::json j = MessageJson(m);
        for (auto& a : j["attachments"]) {
          auto it = media_exhibits.find(a.value("name", ""));
          if (it != media_exhibits.end()) a["exhibit"] = it->second;
        }
        EVIDENCE_ASSIGN_OR_RETURN(std::string line, CanonicalJson(j));
        lines_hash.Update(std::string_view(line));
        lines_hash.Update(std::string_view("\n"));
        insert.Bind(1, rec.exhibit)
            .Bind(2, static_cast<std::int64_t>(m.index))
            .BindOptional(3, m.time)
            .Bind(4, m.sender)
            .Bind(5, m.direction)
            .Bind(6, static_cast<std::int64_t>(m.system ? 1 : 0))
            .Bind(7, line);
        ++count;
        return insert.Run();
      };
      // Damage in the export (a member that does not read) is recorded beside its messages; a
      // failure of our own (a disk error storing a member, the ledger) fails the whole ingest,
      // never leaves an export recorded without a media it holds.
      Status media_failure;
      bool reader_failed = false;
      MediaSink store_media = [&](const Attachment& member, MediaReader& reader) -> Status {
        EVIDENCE_ASSIGN_OR_RETURN(
            StagedObject child,
            s_->objects.StageFrom([&](const std::function<Status(ByteView)>& sink) -> Status {
              std::vector<std::uint8_t> buf(1 << 20);
              for (;;) {
                auto read = reader.Read(buf);
                reader_failed = !read.ok();
                EVIDENCE_ASSIGN_OR_RETURN(size_t n, std::move(read));
                if (n == 0) return Status::Ok();
                EVIDENCE_RETURN_IF_ERROR(sink(ByteView(buf.data(), n)));
              }
            }));
        pending.push_back(child);
        EVIDENCE_ASSIGN_OR_RETURN(auto held, ExistingExhibit(s_->db, child.sha256));
        if (held) {
          media_exhibits[member.name] = *held;
          return Status::Ok();
        }
        ItemRecord c;
        EVIDENCE_ASSIGN_OR_RETURN(c.exhibit,
                                  NextExhibit(s_->db, s_->info.exhibit_prefix, &c.number));
        c.staged = &pending.back();
        std::string base = member.name.substr(member.name.find_last_of('/') + 1);
        c.raw_name = base.empty() ? "attachment" : base;
        c.desc = describer->Describe(child.temp_path, c.raw_name);
        c.parent = rec.exhibit;
        c.incident = incident;
        c.extra_entry_data = {{"member", member.name}};
        EVIDENCE_RETURN_IF_ERROR(commit_object(child));
        EVIDENCE_RETURN_IF_ERROR(s_->RecordItem(c).status());
        EVIDENCE_RETURN_IF_ERROR(s_->RecordMetadata(c.exhibit, child.sha256, c.desc, nullptr));
        media_exhibits[member.name] = c.exhibit;
        out.children.push_back(c.exhibit);
        return Status::Ok();
      };
      MediaSink on_media = [&](const Attachment& member, MediaReader& reader) -> Status {
        reader_failed = false;
        Status st = store_media(member, reader);
        if (!st.ok() && !reader_failed) media_failure = st;
        return st;
      };
      ParseOptions popt;
      popt.date_order = options.date_order;
      auto summary =
          ParseExport(s_->objects.PathFor(staged.sha256), raw_name, popt, on_message, &on_media);
      if (!media_failure.ok()) return media_failure;
      if (!summary.ok() && summary.status().code() == StatusCode::kInvalidArgument) {
        // Not knowing the order of day and month is for the user to settle, never to guess.
        return summary.status();
      }
      // A damaged export is still evidence: the messages before the damage are kept, and the
      // damage is recorded beside them.
      messages_summary = {{"format", std::string(ExportFormatName(*format))},
                          {"count", count},
                          {"sha256", DigestHex(lines_hash.Finish())},
                          {"complete", summary.ok()}};
      if (summary.ok()) {
        messages_summary["fields"] = summary->fields;
        if (!summary->warnings.empty()) messages_summary["warnings"] = summary->warnings;
        if (summary->read_count > 0) {
          messages_summary["read_count"] = summary->read_count;
          messages_summary["read_unit"] = summary->read_unit;
          messages_summary["unparsed_count"] = summary->unparsed_count;
          if (!summary->first_unparsed.empty()) {
            messages_summary["first_unparsed"] = summary->first_unparsed;
          }
        }
      } else {
        desc.errors.push_back("messages: " + summary.status().message() + " (" +
                              std::to_string(count) + " messages before it were kept)");
      }
      out.messages = count;
      desc.warnings = ExportReadingWarnings(summary, ExportFormatName(*format), count);
    } else if (auto w = UnrecognisedExportWarning(format.status(), desc, raw_name)) {
      desc.warnings.push_back(std::move(*w));
    }
    EVIDENCE_RETURN_IF_ERROR(
        s_->RecordMetadata(rec.exhibit, staged.sha256, desc, messages_summary));
    out.errors = desc.errors;
    out.warnings = desc.warnings;
    // Signed in the same transaction: a crash can never leave entries no checkpoint covers.
    EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
    // Once COMMIT is sent its outcome is unknown if it fails (SQLite may have written the commit
    // frame before its fsync failed, and the next open recovers it), so the objects stay; if the
    // commit did not happen they are only leftovers that verify reports.
    committed = true;
    return txn.Commit();
  }();
  if (!recorded.ok()) return recorded.WithContext(file.string());
  committed = true;
  return out;
}

}  // namespace evidence
