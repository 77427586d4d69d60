// Case::Ingest: one read of the source (hash while copying into the case), metadata from the copy,
// then the item and its entries in one transaction.
#include <cstdio>

#include "case_state.hpp"
#include "describe.hpp"
#include "evidence/canonical_json.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

Result<std::optional<std::string>> ExistingExhibit(sql::Database& db, const Sha256Digest& d) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT exhibit FROM items WHERE sha256 = ?"));
  st.Bind(1, DigestHex(d));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

Result<std::string> NextExhibit(sql::Database& db, const std::string& prefix, std::int64_t* number) {
  // Numbers count per prefix: exhibits received from another case keep that case's ids.
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db.Prepare("SELECT coalesce(max(number), 0) FROM items WHERE substr(exhibit, 1, ?) = ?"));
  st.Bind(1, static_cast<std::int64_t>(prefix.size() + 1)).Bind(2, prefix + "-");
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  (void)row;
  *number = st.ColumnInt(0) + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(*number));
  return prefix + buf;
}

}  // namespace

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
  // Whatever happens below, the staged copy does not outlive this call unless committed.
  struct StagedGuard {
    const ObjectStore& store;
    const StagedObject& staged;
    bool keep = false;
    ~StagedGuard() {
      if (!keep) store.Discard(staged);
    }
  } guard{s_->objects, staged};

  out.sha256 = staged.sha256;
  out.size = staged.size;
  EVIDENCE_ASSIGN_OR_RETURN(auto existing, ExistingExhibit(s_->db, staged.sha256));
  if (existing) {
    out.duplicate = true;
    out.exhibit = *existing;
    return out;
  }

  Description desc = DescribeFile(staged.temp_path, raw_name);
  if (options.kind) desc.kind = *options.kind;
  out.kind = desc.kind;

  std::error_code ec;
  bool object_was_new = !fs::exists(s_->objects.PathFor(staged.sha256), ec);
  EVIDENCE_RETURN_IF_ERROR(s_->objects.Commit(staged));
  guard.keep = true;
  auto forget_object = [&] {
    // Nothing references an object we just added if the transaction failed; remove it again so
    // a failed ingest leaves the case exactly as it was.
    if (object_was_new) {
      fs::path p = s_->objects.PathFor(staged.sha256);
      fs::permissions(p, fs::perms::owner_write, fs::perm_options::add, ec);
      (void)s_->fs->Remove(p);
    }
  };

  Status recorded = [&]() -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
    // Another process may have ingested the same bytes since the check above.
    EVIDENCE_ASSIGN_OR_RETURN(auto again, ExistingExhibit(s_->db, staged.sha256));
    if (again) {
      out.duplicate = true;
      out.exhibit = *again;
      object_was_new = false;
      return Status::Ok();
    }
    std::int64_t number = 0;
    EVIDENCE_ASSIGN_OR_RETURN(out.exhibit, NextExhibit(s_->db, s_->info.exhibit_prefix, &number));
    std::string ingested = NowRfc3339();
    nlohmann::json data = {{"item", out.exhibit},
                           {"sha256", DigestHex(staged.sha256)},
                           {"size", staged.size},
                           {"name", LossyUtf8(raw_name)},
                           {"kind", desc.kind},
                           {"media_type", desc.media_type}};
    // Names that are not UTF-8 cannot be JSON strings; their exact bytes go in as hex.
    if (!IsValidUtf8(raw_name)) data["name_hex"] = HexEncode(AsBytes(raw_name));
    if (!options.note.empty()) data["note"] = options.note;
    if (incident) data["incident"] = *incident;
    EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t seq,
                              s_->AppendEntry("item.ingested", data, out.exhibit, incident));
    std::optional<std::string> metadata_text;
    if (!desc.metadata.empty() || !desc.errors.empty() || desc.captured) {
      nlohmann::json meta = {{"item", out.exhibit},
                             {"sha256", DigestHex(staged.sha256)},
                             {"metadata", desc.metadata}};
      if (desc.captured) meta["captured"] = *desc.captured;
      if (!desc.errors.empty()) meta["errors"] = desc.errors;
      EVIDENCE_RETURN_IF_ERROR(
          s_->AppendEntry("item.metadata", meta, out.exhibit, std::nullopt).status());
      EVIDENCE_ASSIGN_OR_RETURN(std::string m, CanonicalJson(desc.metadata));
      metadata_text = std::move(m);
    }
    EVIDENCE_ASSIGN_OR_RETURN(
        auto insert,
        s_->db.Prepare("INSERT INTO items(exhibit, number, sha256, size, name, kind, media_type, "
                       "captured, ingested, note, parent, entry_seq, metadata) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"));
    insert.Bind(1, out.exhibit)
        .Bind(2, number)
        .Bind(3, DigestHex(staged.sha256))
        .Bind(4, static_cast<std::int64_t>(staged.size))
        .BindBlob(5, AsBytes(raw_name))
        .Bind(6, desc.kind)
        .Bind(7, desc.media_type)
        .BindOptional(8, desc.captured)
        .Bind(9, ingested)
        .BindOptional(10, options.note.empty() ? std::optional<std::string>() : options.note)
        .Bind(11, static_cast<std::int64_t>(seq))
        .BindOptional(12, metadata_text);
    EVIDENCE_RETURN_IF_ERROR(insert.Run());
    return txn.Commit();
  }();
  if (!recorded.ok()) {
    forget_object();
    return recorded.WithContext(file.string());
  }
  return out;
}

}  // namespace evidence
