// The catalog: the `items` and `messages` tables of ledger.sqlite and the exhibit numbers
// (docs/case-format.md). Both tables are indexes over the signed ledger, never evidence
// themselves: every row repeats what an entry says, and `verify` compares them. This is the one
// place that writes or reads them; the ledger's own tables belong to LedgerWriter.
//
// A Catalog borrows the case's connection; writes run inside the caller's open transaction.
// Used from one thread at a time, like the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "evidence/status.hpp"
#include "object_store.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// "EX-0042" for ("EX", 42).
std::string ExhibitId(const std::string& prefix, std::int64_t number);

// The number of an exhibit id of the form checked by payload::IsExhibitId (PREFIX-digits); 0 for
// anything else.
std::int64_t ExhibitNumber(std::string_view exhibit);

// One row of `items`: exactly what the item.ingested and item.metadata entries of the item say.
struct CatalogItem {
  std::string exhibit;
  std::int64_t number = 0;
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  std::string raw_name;  // the original name's exact bytes
  std::string kind;
  std::string media_type;
  std::optional<std::string> captured;
  std::string ingested;  // RFC 3339, when this case took it in
  std::string note;      // empty: none
  std::optional<std::string> parent;
  std::uint64_t entry_seq = 0;  // the item.ingested entry
  std::string metadata;         // canonical JSON of the item.metadata entry's "metadata"
};

// One row of `messages`, its index columns beside the hashed message they repeat.
struct CatalogMessage {
  std::string item;
  std::int64_t index = 0;
  std::optional<std::string> time;
  std::optional<std::string> sender;
  std::optional<std::string> direction;
  bool system = false;
  std::string message;  // canonical JSON, the line the item.metadata entry hashes
  std::int64_t rowid = 0;
};

// The statement of Catalog::IngestedBy, named so that a test can check SQLite's plan for it.
extern const char* const kIngestedEntryOfExhibit;

class Catalog {
 public:
  // `objects` names the objects: the items.sha256 column holds an object's name, its SHA-256 or
  // in an encrypted case the keyed name that does not reveal it.
  Catalog(sql::Database& db, const ObjectStore& objects) : db_(&db), objects_(&objects) {}

  // The exhibit that already holds these bytes, if any (the duplicate check of ingest and
  // receive).
  // Looked up by the object's name (ObjectStore::NameFor).
  Result<std::optional<std::string>> FindBySha256(const Sha256Digest& sha256) const;

  // The highest exhibit number in use for `prefix` (0 when none). Numbers count per prefix, so
  // exhibits received from another case keep that case's ids without taking ours.
  Result<std::int64_t> LastExhibitNumber(const std::string& prefix) const;

  // The seq of the item.ingested entry that took `exhibit`, if any. Numbers come from the items
  // rows (LastExhibitNumber); one whose row was deleted must not be handed out again, so every
  // new item asks this, and it must stay an index lookup (kIngestedEntryOfExhibit).
  Result<std::optional<std::uint64_t>> IngestedBy(const std::string& exhibit) const;

  // Inserts one items row. kIoError / kCorruption from SQLite (a taken exhibit id is a
  // constraint failure).
  Status InsertItem(const CatalogItem& item);

  // An items row exactly as stored, for `verify` to compare with the ledger: nothing in it is
  // trusted or parsed (a column may have been edited to any value, or NULL).
  struct StoredItem {
    std::string exhibit;
    std::string sha256;  // as written, normally the object's name (64 hex digits)
    std::uint64_t size = 0;
    std::uint64_t entry_seq = 0;
    std::string raw_name;
    std::optional<std::string> kind, media_type, captured, note, parent, metadata;
  };
  // Every items row, in ledger order (entry_seq).
  Status ForEachItem(const std::function<Status(const StoredItem&)>& visit) const;

  // Inserts a message export's messages one by one, with one prepared statement.
  class MessageWriter {
   public:
    Status Insert(const CatalogMessage& message);

   private:
    friend class Catalog;
    explicit MessageWriter(sql::Statement st) : st_(std::move(st)) {}
    sql::Statement st_;
  };
  Result<MessageWriter> WriteMessages();

  // Stored messages in insertion (export) order, of one item (`item`, compared without case) or
  // of all.
  Status ForEachMessage(const std::optional<std::string>& item,
                        const std::function<Status(const CatalogMessage&)>& visit) const;
  // Every stored message grouped by item, in index order within each (`verify` rehashes each
  // export's messages in one ordered pass).
  Status ForEachMessageByItem(const std::function<Status(const CatalogMessage&)>& visit) const;

 private:
  sql::Database* db_;
  const ObjectStore* objects_;
};

}  // namespace evidence
