// Case::Ingest and the ingest step it shares with IngestFiles (ingest_step.hpp): one read of the
// source (hash while copying into the case), metadata from the copy, then the item, its entries,
// and for a message export its messages and media, in one transaction.
#include <sys/stat.h>

#include <cstdio>
#include <map>

#include "catalog.hpp"
#include "describe.hpp"
#include "evidence/canonical_json.hpp"
#include "ingest_step.hpp"
#include "ingest_warnings.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

Result<std::string> NextExhibit(const Catalog& catalog, const std::string& prefix,
                                std::int64_t* number) {
  EVIDENCE_ASSIGN_OR_RETURN(std::int64_t last, catalog.LastExhibitNumber(prefix));
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

// Records a message export's messages in the catalog and stores the media it holds as child
// items of `parent`, inside the caller's transaction: the part of the ingest step only an export
// has.
class ExportRecorder {
 public:
  ExportRecorder(CaseState& s, StagedObjects& objects, Describer& describer,
                 const ItemRecord& parent, IngestOutcome& out)
      : s_(s), objects_(objects), describer_(describer), parent_(parent), out_(out) {}

  // Parses the export (`format`, already detected) from its plaintext at `plaintext`
  // (PlaintextPath) and records what it yields. A damaged export is still evidence: the messages
  // before the damage are kept and the damage goes into `desc`. Returns the item.metadata
  // entry's "messages" summary.
  Result<nlohmann::json> Record(ExportFormat format, const fs::path& plaintext,
                                const IngestOptions& options, Description& desc);

 private:
  Status OnMessage(Message&& m);
  // Stores one media member as a child item (or finds the exhibit that holds its bytes).
  Status StoreMedia(const Attachment& member, MediaReader& reader);

  CaseState& s_;
  StagedObjects& objects_;
  Describer& describer_;
  const ItemRecord& parent_;
  IngestOutcome& out_;
  std::optional<Catalog::MessageWriter> writer_;
  Sha256 lines_hash_;
  std::uint64_t count_ = 0;
  std::map<std::string, std::string> media_exhibits_;  // member name -> exhibit
  bool reader_failed_ = false;                         // the last member's own bytes did not read
};

Status ExportRecorder::OnMessage(Message&& m) {
  nlohmann::json j = MessageJson(m);
  for (auto& a : j["attachments"]) {
    auto it = media_exhibits_.find(a.value("name", ""));
    if (it != media_exhibits_.end()) a["exhibit"] = it->second;
  }
  CatalogMessage row;
  EVIDENCE_ASSIGN_OR_RETURN(row.message, CanonicalJson(j));
  lines_hash_.Update(std::string_view(row.message));
  lines_hash_.Update(std::string_view("\n"));
  row.item = parent_.exhibit;
  row.index = static_cast<std::int64_t>(m.index);
  row.time = m.time;
  row.sender = m.sender;
  row.direction = m.direction;
  row.system = m.system;
  ++count_;
  return writer_->Insert(row);
}

Status ExportRecorder::StoreMedia(const Attachment& member, MediaReader& reader) {
  UniqueFd plaintext;
  EVIDENCE_ASSIGN_OR_RETURN(StagedObject child,
                            s_.objects.StageFrom(
                                [&](const std::function<Status(ByteView)>& sink) -> Status {
                                  std::vector<std::uint8_t> buf(1 << 20);
                                  for (;;) {
                                    auto read = reader.Read(buf);
                                    reader_failed_ = !read.ok();
                                    EVIDENCE_ASSIGN_OR_RETURN(size_t n, std::move(read));
                                    if (n == 0) return Status::Ok();
                                    EVIDENCE_RETURN_IF_ERROR(sink(ByteView(buf.data(), n)));
                                  }
                                },
                                &plaintext));
  objects_.Hold(child);
  EVIDENCE_ASSIGN_OR_RETURN(auto held, s_.catalog.FindBySha256(child.sha256));
  if (held) {
    media_exhibits_[member.name] = *held;
    return Status::Ok();
  }
  ItemRecord c;
  EVIDENCE_ASSIGN_OR_RETURN(c.exhibit, NextExhibit(s_.catalog, s_.info.exhibit_prefix, &c.number));
  c.staged = &child;
  std::string base = member.name.substr(member.name.find_last_of('/') + 1);
  c.raw_name = base.empty() ? "attachment" : base;
  c.desc = DescribeStaged(s_, describer_, plaintext, child, c.raw_name);
  c.parent = parent_.exhibit;
  c.incident = parent_.incident;
  c.extra_entry_data = {{"member", member.name}};
  EVIDENCE_RETURN_IF_ERROR(objects_.Commit(child));
  EVIDENCE_RETURN_IF_ERROR(RecordItem(s_, c).status());
  EVIDENCE_RETURN_IF_ERROR(RecordMetadata(s_, c.exhibit, child.sha256, c.desc, nullptr));
  media_exhibits_[member.name] = c.exhibit;
  out_.children.push_back(c.exhibit);
  return Status::Ok();
}

Result<nlohmann::json> ExportRecorder::Record(ExportFormat format, const fs::path& plaintext,
                                              const IngestOptions& options, Description& desc) {
  EVIDENCE_ASSIGN_OR_RETURN(auto writer, s_.catalog.WriteMessages());
  writer_.emplace(std::move(writer));
  // Damage in the export (a member that does not read) is recorded beside its messages; a
  // failure of our own (a disk error storing a member, the ledger) fails the whole ingest, never
  // leaves an export recorded without a media it holds.
  Status media_failure;
  MediaSink on_media = [&](const Attachment& member, MediaReader& reader) -> Status {
    reader_failed_ = false;
    Status st = StoreMedia(member, reader);
    if (!st.ok() && !reader_failed_) media_failure = st;
    return st;
  };
  ParseOptions popt;
  popt.date_order = options.date_order;
  auto summary = ParseExport(
      plaintext, parent_.raw_name, popt, [this](Message&& m) { return OnMessage(std::move(m)); },
      &on_media);
  if (!media_failure.ok()) return media_failure;
  if (!summary.ok() && summary.status().code() == StatusCode::kInvalidArgument) {
    // Not knowing the order of day and month is for the user to settle, never to guess.
    return summary.status();
  }
  nlohmann::json messages = {{"format", std::string(ExportFormatName(format))},
                             {"count", count_},
                             {"sha256", DigestHex(lines_hash_.Finish())},
                             {"complete", summary.ok()}};
  if (summary.ok()) {
    messages["fields"] = summary->fields;
    if (!summary->warnings.empty()) messages["warnings"] = summary->warnings;
    if (summary->read_count > 0) {
      messages["read_count"] = summary->read_count;
      messages["read_unit"] = summary->read_unit;
      messages["unparsed_count"] = summary->unparsed_count;
      if (!summary->first_unparsed.empty()) messages["first_unparsed"] = summary->first_unparsed;
    }
  }
  // A stopped parse is a warning (ExportReadingWarnings), signed and shown with the item; it is
  // not an extraction error too, which would print the same words twice.
  out_.messages = count_;
  desc.warnings = ExportReadingWarnings(summary, ExportFormatName(format), count_);
  return messages;
}

}  // namespace

Result<fs::path> PlaintextPath(const UniqueFd& plaintext) {
  fs::path path = "/proc/self/fd/" + std::to_string(plaintext.get());
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError(path.string() +
                           ": cannot reach the plaintext in memory (is /proc mounted?)");
  }
  return path;
}

Result<std::uint64_t> RecordItem(CaseState& s, const ItemRecord& r) {
  nlohmann::json data = {{"item", r.exhibit},      {"sha256", DigestHex(r.staged->sha256)},
                         {"size", r.staged->size}, {"name", LossyUtf8(r.raw_name)},
                         {"kind", r.desc.kind},    {"media_type", r.desc.media_type}};
  // Names that are not UTF-8 cannot be JSON strings; their exact bytes go in as hex.
  if (!IsValidUtf8(r.raw_name)) data["name_hex"] = HexEncode(AsBytes(r.raw_name));
  if (!r.note.empty()) data["note"] = r.note;
  if (r.incident) data["incident"] = *r.incident;
  if (r.parent) data["parent"] = *r.parent;
  for (const auto& [k, v] : r.extra_entry_data.items()) data[k] = v;
  EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::uint64_t> taken, s.catalog.IngestedBy(r.exhibit));
  if (taken) {
    return CaseDoesNotVerify(r.exhibit + " is already ingested by entry " + std::to_string(*taken) +
                             " but has no items row");
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq,
                            s.AppendEntry("item.ingested", data, r.exhibit, r.incident));
  CatalogItem row;
  row.exhibit = r.exhibit;
  row.number = r.number;
  row.sha256 = r.staged->sha256;
  row.size = r.staged->size;
  row.raw_name = r.raw_name;
  row.kind = r.desc.kind;
  row.media_type = r.desc.media_type;
  row.captured = r.desc.captured;
  row.ingested = NowRfc3339();
  row.note = r.note;
  row.parent = r.parent;
  row.entry_seq = seq;
  EVIDENCE_ASSIGN_OR_RETURN(row.metadata, CanonicalJson(r.desc.metadata));
  EVIDENCE_RETURN_IF_ERROR(s.catalog.InsertItem(row));
  return seq;
}

Status RecordMetadata(CaseState& s, const std::string& exhibit, const Sha256Digest& sha,
                      const Description& desc, const nlohmann::json& messages) {
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

Description DescribeStaged(CaseState& s, Describer& describer, const UniqueFd& plaintext,
                           const StagedObject& staged, std::string_view raw_name) {
  Description desc = describer.Describe(plaintext.get(), raw_name);
  if (!staged.plaintext_is_head) return desc;
  Description head;
  head.kind = desc.kind;
  head.media_type = desc.media_type;
  head.warnings.push_back(HeadOnlyWarning(staged.size, s.objects.plaintext_limit()));
  return head;
}

Result<IngestOutcome> RecordStagedFile(CaseState& s, const StagedObject& staged,
                                       const UniqueFd& plaintext, const std::string& raw_name,
                                       const fs::path& source, const IngestOptions& options,
                                       const std::optional<std::string>& incident,
                                       Describer& describer) {
  IngestOutcome out;
  out.source = source;
  // Every staged copy is discarded, and every object this call adds is removed again unless the
  // transaction commits, so a failed ingest leaves the case as it was.
  StagedObjects objects(s.objects);
  objects.Hold(staged);
  out.sha256 = staged.sha256;
  out.size = staged.size;
  EVIDENCE_ASSIGN_OR_RETURN(auto existing, s.catalog.FindBySha256(staged.sha256));
  if (existing) {
    out.duplicate = true;
    out.exhibit = *existing;
    return out;
  }

  Description desc = DescribeStaged(s, describer, plaintext, staged, raw_name);
  if (options.kind) desc.kind = *options.kind;
  out.kind = desc.kind;
  EVIDENCE_ASSIGN_OR_RETURN(fs::path plaintext_path, PlaintextPath(plaintext));
  // A message export is parsed only if its format is recognised; --kind cannot make one. A head
  // is never parsed: a chat cut short would be recorded as the whole conversation.
  Result<ExportFormat> format = Status::Unsupported("only the head of the file was read");
  if (!staged.plaintext_is_head) format = DetectExportFormat(plaintext_path, raw_name);
  EVIDENCE_RETURN_IF_ERROR(objects.Commit(staged));

  Status recorded = [&]() -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s.db));
    // Another process may have ingested the same bytes since the check above.
    EVIDENCE_ASSIGN_OR_RETURN(auto again, s.catalog.FindBySha256(staged.sha256));
    if (again) {
      out.duplicate = true;
      out.exhibit = *again;
      objects.Keep();  // the other process's row names the object
      return Status::Ok();
    }
    ItemRecord rec;
    EVIDENCE_ASSIGN_OR_RETURN(rec.exhibit,
                              NextExhibit(s.catalog, s.info.exhibit_prefix, &rec.number));
    out.exhibit = rec.exhibit;
    rec.staged = &staged;
    rec.raw_name = raw_name;
    rec.desc = desc;
    rec.note = options.note;
    rec.incident = incident;
    EVIDENCE_RETURN_IF_ERROR(RecordItem(s, rec).status());

    nlohmann::json messages_summary;  // null unless this is a message export
    if (format.ok()) {
      ExportRecorder recorder(s, objects, describer, rec, out);
      EVIDENCE_ASSIGN_OR_RETURN(messages_summary,
                                recorder.Record(*format, plaintext_path, options, desc));
    } else if (staged.plaintext_is_head) {
      // HeadOnlyWarning already says it was not read as messages.
    } else if (auto w = UnrecognisedExportWarning(format.status(), desc, raw_name)) {
      desc.warnings.push_back(std::move(*w));
    }
    EVIDENCE_RETURN_IF_ERROR(RecordMetadata(s, rec.exhibit, staged.sha256, desc, messages_summary));
    out.errors = desc.errors;
    out.warnings = desc.warnings;
    // Signed in the same transaction: a crash can never leave entries no checkpoint covers.
    EVIDENCE_RETURN_IF_ERROR(s.SealLocked());
    objects.Keep();
    return txn.Commit();
  }();
  if (!recorded.ok()) return recorded.WithContext(source.string());
  return out;
}

Result<IngestOutcome> IngestOneFile(CaseState& s, const fs::path& file,
                                    const IngestOptions& options,
                                    const std::optional<std::string>& incident,
                                    Describer& describer) {
  std::string raw_name = file.filename().string();
  if (raw_name.empty()) return Status::InvalidArgument(file.string() + ": not a file name");
  // The plaintext the describer and the export parsers read: in memory, never on disk.
  UniqueFd plaintext;
  EVIDENCE_ASSIGN_OR_RETURN(StagedObject staged, s.objects.Stage(file, &plaintext));
  return RecordStagedFile(s, staged, plaintext, raw_name, file, options, incident, describer);
}

void Case::LimitPlaintextInMemory(std::uint64_t bytes) {
  if (s_->objects.encrypted()) s_->objects.LimitPlaintextInMemory(bytes);
}

Result<IngestOutcome> Case::Ingest(const fs::path& file, const IngestOptions& options) {
  std::optional<std::string> incident;
  if (options.incident) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(*options.incident));
    incident = inc.id;
  }
  // One sandboxed extractor for the file and every media member of an export, instead of a
  // fork of this whole process per file.
  Describer describer;
  return IngestOneFile(*s_, file, options, incident, describer);
}

}  // namespace evidence
