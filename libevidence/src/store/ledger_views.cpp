#include "ledger_views.hpp"

#include <string>

#include "column_cipher.hpp"
#include "status_macros.hpp"

namespace evidence {

const char* const kInsertEntry =
    "INSERT INTO main.entries(seq, entry, leaf_hash, time, action, item, incident) VALUES "
    "(?1, evidence_seal('entries.entry', ?1, ?2), ?3, evidence_seal('entries.time', ?1, ?4), ?5, "
    "?6, ?7)";

const char* const kInsertItem =
    "INSERT INTO main.items(exhibit, number, sha256, size, name, kind, media_type, captured, "
    "ingested, note, parent, entry_seq, metadata) VALUES (?1, ?2, ?3, ?4, "
    "evidence_seal('items.name', ?1, ?5), evidence_seal('items.kind', ?1, ?6), "
    "evidence_seal('items.media_type', ?1, ?7), evidence_seal('items.captured', ?1, ?8), "
    "evidence_seal('items.ingested', ?1, ?9), evidence_seal('items.note', ?1, ?10), ?11, ?12, "
    "evidence_seal('items.metadata', ?1, ?13))";

const char* const kInsertMessage =
    "INSERT INTO main.messages(item, idx, time, sender, direction, system, message) VALUES "
    "(?1, ?2, evidence_seal('messages.time', ?1 || '/' || ?2, ?3), "
    "evidence_seal('messages.sender', ?1 || '/' || ?2, ?4), "
    "evidence_seal('messages.direction', ?1 || '/' || ?2, ?5), ?6, "
    "evidence_seal('messages.message', ?1 || '/' || ?2, ?7))";

namespace {

// The views: every column of each table, the encrypted ones opened with the same column and row
// names the inserts above seal them with.
constexpr const char* kViews = R"sql(
CREATE TEMP VIEW entries AS SELECT
  seq, evidence_open('entries.entry', seq, entry) AS entry, leaf_hash,
  evidence_open('entries.time', seq, time) AS time, action, item, incident
FROM main.entries;
CREATE TEMP VIEW items AS SELECT
  exhibit, number, sha256, size, evidence_open('items.name', exhibit, name) AS name,
  evidence_open('items.kind', exhibit, kind) AS kind,
  evidence_open('items.media_type', exhibit, media_type) AS media_type,
  evidence_open('items.captured', exhibit, captured) AS captured,
  evidence_open('items.ingested', exhibit, ingested) AS ingested,
  evidence_open('items.note', exhibit, note) AS note, parent, entry_seq,
  evidence_open('items.metadata', exhibit, metadata) AS metadata
FROM main.items;
CREATE TEMP VIEW messages AS SELECT
  item, idx, evidence_open('messages.time', item || '/' || idx, time) AS time,
  evidence_open('messages.sender', item || '/' || idx, sender) AS sender,
  evidence_open('messages.direction', item || '/' || idx, direction) AS direction, system,
  evidence_open('messages.message', item || '/' || idx, message) AS message, rowid
FROM main.messages;
)sql";

// The bytes of argument `i`, TEXT or BLOB.
ByteView ArgumentBytes(const sql::FunctionCall& call, int i) {
  return call.IsText(i) ? AsBytes(call.Text(i)) : call.Blob(i);
}

void Seal(const ColumnCipher& cipher, sql::FunctionCall& call) {
  auto sealed = cipher.Seal(call.Text(0), call.Text(1), ArgumentBytes(call, 2));
  if (!sealed.ok()) return call.ReturnError(sealed.status());
  if (call.IsText(2)) return call.ReturnText(Base64Encode(*sealed));
  call.ReturnBlob(*sealed);
}

void Open(const ColumnCipher& cipher, sql::FunctionCall& call) {
  Bytes stored;
  if (call.IsText(2)) {
    auto decoded = Base64Decode(call.Text(2));
    if (!decoded.ok()) return call.ReturnNull();
    stored = std::move(decoded).value();
  } else {
    ByteView blob = call.Blob(2);
    stored.assign(blob.begin(), blob.end());
  }
  auto plain = cipher.Open(call.Text(0), call.Text(1), stored);
  if (!plain.ok()) return call.ReturnError(plain.status());
  if (!plain->has_value()) return call.ReturnNull();
  if (call.IsText(2)) return call.ReturnText(AsChars(**plain));
  call.ReturnBlob(**plain);
}

}  // namespace

Status InstallLedgerViews(sql::Database& db, std::shared_ptr<const CaseKey> key) {
  // Each function holds the key (and the cipher that borrows its subkey) for as long as the
  // connection keeps the function.
  struct Held {
    std::shared_ptr<const CaseKey> key;
    ColumnCipher cipher;
  };
  std::shared_ptr<const Held> held;
  if (key) held = std::make_shared<const Held>(Held{key, ColumnCipher(key->ledger_columns())});
  auto seal = [held](sql::FunctionCall& call) {
    if (call.IsNull(2)) return call.ReturnNull();
    if (!held) return call.ReturnArgument(2);
    Seal(held->cipher, call);
  };
  auto open = [held](sql::FunctionCall& call) {
    if (call.IsNull(2)) return call.ReturnNull();
    if (!held) return call.ReturnArgument(2);
    Open(held->cipher, call);
  };
  EVIDENCE_RETURN_IF_ERROR(db.DefineFunction("evidence_seal", 3, false, seal));
  EVIDENCE_RETURN_IF_ERROR(db.DefineFunction("evidence_open", 3, true, open));
  return db.Exec(kViews);
}

}  // namespace evidence
