#include "catalog.hpp"

#include <charconv>
#include <cstdio>

#include "ledger_views.hpp"
#include "status_macros.hpp"

namespace evidence {

std::string ExhibitId(const std::string& prefix, std::int64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(number));
  return prefix + buf;
}

std::int64_t ExhibitNumber(std::string_view exhibit) {
  const std::size_t dash = exhibit.rfind('-');
  if (dash == std::string_view::npos) return 0;
  std::int64_t number = 0;
  const std::string_view digits = exhibit.substr(dash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return number;
}

Result<std::optional<std::string>> Catalog::FindBySha256(const Sha256Digest& sha256) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT exhibit FROM items WHERE sha256 = ?"));
  st.Bind(1, objects_->NameFor(sha256));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

Result<std::int64_t> Catalog::LastExhibitNumber(const std::string& prefix) const {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st,
      db_->Prepare("SELECT coalesce(max(number), 0) FROM items WHERE substr(exhibit, 1, ?) = ?"));
  st.Bind(1, static_cast<std::int64_t>(prefix.size() + 1)).Bind(2, prefix + "-");
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  (void)row;  // an aggregate always gives one row
  return st.ColumnInt(0);
}

// The unary + keeps SQLite off the index on `action`, which it otherwise picks over the one on
// `item`: that walks every item.ingested entry for each new item, so an ingest of n files did
// O(n^2) work (20,000 small files: minutes instead of seconds).
const char* const kIngestedEntryOfExhibit =
    "SELECT seq FROM entries WHERE item = ? AND +action = 'item.ingested' LIMIT 1";

Result<std::optional<std::uint64_t>> Catalog::IngestedBy(const std::string& exhibit) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db_->Prepare(kIngestedEntryOfExhibit));
  st.Bind(1, exhibit);
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(st.ColumnInt(0)));
}

Status Catalog::InsertItem(const CatalogItem& item) {
  EVIDENCE_ASSIGN_OR_RETURN(auto insert, db_->Prepare(kInsertItem));
  insert.Bind(1, item.exhibit)
      .Bind(2, item.number)
      .Bind(3, objects_->NameFor(item.sha256))
      .Bind(4, static_cast<std::int64_t>(item.size))
      .BindBlob(5, AsBytes(item.raw_name))
      .Bind(6, item.kind)
      .Bind(7, item.media_type)
      .BindOptional(8, item.captured)
      .Bind(9, item.ingested)
      .BindOptional(10, item.note.empty() ? std::optional<std::string>() : item.note)
      .BindOptional(11, item.parent)
      .Bind(12, static_cast<std::int64_t>(item.entry_seq))
      .Bind(13, item.metadata);
  return insert.Run();
}

Status Catalog::ForEachItem(const std::function<Status(const StoredItem&)>& visit) const {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db_->Prepare("SELECT exhibit, sha256, size, entry_seq, name, kind, media_type, "
                            "captured, note, parent, metadata FROM items ORDER BY entry_seq"));
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    StoredItem item;
    item.exhibit = st.ColumnText(0);
    item.sha256 = st.ColumnText(1);
    item.size = static_cast<std::uint64_t>(st.ColumnInt(2));
    item.entry_seq = static_cast<std::uint64_t>(st.ColumnInt(3));
    Bytes raw = st.ColumnBlob(4);
    item.raw_name.assign(raw.begin(), raw.end());
    item.kind = st.ColumnOptionalText(5);
    item.media_type = st.ColumnOptionalText(6);
    item.captured = st.ColumnOptionalText(7);
    item.note = st.ColumnOptionalText(8);
    item.parent = st.ColumnOptionalText(9);
    item.metadata = st.ColumnOptionalText(10);
    EVIDENCE_RETURN_IF_ERROR(visit(item));
  }
}

Result<Catalog::MessageWriter> Catalog::WriteMessages() {
  EVIDENCE_ASSIGN_OR_RETURN(auto insert, db_->Prepare(kInsertMessage));
  return MessageWriter(std::move(insert));
}

Status Catalog::MessageWriter::Insert(const CatalogMessage& m) {
  st_.Bind(1, m.item)
      .Bind(2, m.index)
      .BindOptional(3, m.time)
      .BindOptional(4, m.sender)
      .BindOptional(5, m.direction)
      .Bind(6, static_cast<std::int64_t>(m.system ? 1 : 0))
      .Bind(7, m.message);
  return st_.Run();
}

namespace {

Status VisitMessages(sql::Statement& st,
                     const std::function<Status(const CatalogMessage&)>& visit) {
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    CatalogMessage m;
    m.item = st.ColumnText(0);
    m.index = st.ColumnInt(1);
    m.time = st.ColumnOptionalText(2);
    m.sender = st.ColumnOptionalText(3);
    m.direction = st.ColumnOptionalText(4);
    m.system = st.ColumnInt(5) != 0;
    m.message = st.ColumnText(6);
    m.rowid = st.ColumnInt(7);
    EVIDENCE_RETURN_IF_ERROR(visit(m));
  }
}

constexpr const char* kMessageColumns =
    "SELECT item, idx, time, sender, direction, system, message, rowid FROM messages";

}  // namespace

Status Catalog::ForEachMessage(const std::optional<std::string>& item,
                               const std::function<Status(const CatalogMessage&)>& visit) const {
  std::string sql = kMessageColumns;
  if (item) sql += " WHERE item = ?1 COLLATE NOCASE";
  sql += " ORDER BY rowid";
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db_->Prepare(sql));
  if (item) st.Bind(1, *item);
  return VisitMessages(st, visit);
}

Status Catalog::ForEachMessageByItem(
    const std::function<Status(const CatalogMessage&)>& visit) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto st,
                            db_->Prepare(std::string(kMessageColumns) + " ORDER BY item, idx"));
  return VisitMessages(st, visit);
}

}  // namespace evidence
