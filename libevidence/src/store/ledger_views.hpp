// How an encrypted case keeps ledger.sqlite's evidence columns encrypted while every query is
// written as for a plaintext one (docs/case-format.md "Encryption at rest", table of columns).
//
// InstallLedgerViews gives the connection two SQL functions and three TEMP views:
//   evidence_seal(column, row, value)  the value as stored: sealed with ColumnCipher, as base64
//                                      TEXT for a TEXT value and raw bytes for a BLOB;
//   evidence_open(column, row, value)  the plaintext of a stored value, NULL when it does not open;
//   TEMP VIEW entries, items, messages  the tables of the same names with every encrypted column
//                                      passed through evidence_open.
// SQLite looks a name up in the TEMP schema first, so every `SELECT ... FROM entries` reads the
// view and sees plaintext, decrypted in memory as rows are read (temp_store is MEMORY: a sort never
// spills to disk). Filters on those columns are therefore in-memory filters. Writes name the
// tables (`INSERT INTO main.entries ...`) and pass each encrypted column through evidence_seal:
// LedgerAppender for entries, the Catalog for items and messages.
//
// A plaintext case gets the same views with both functions passing values through unchanged, so
// the two kinds of case run the same statements. NULL stays NULL (whether an optional column is
// empty is not hidden). A value that does not open reads as NULL: every entry and every row that
// `verify` compares is NOT NULL or is compared with the signed ledger, so the damage is named
// where it is found rather than stopping the read.
#pragma once

#include <memory>

#include "case_key.hpp"
#include "evidence/status.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// `key` null: a plaintext case. The connection keeps `key` alive while it is open.
Status InstallLedgerViews(sql::Database& db, std::shared_ptr<const CaseKey> key);

// The statements that write the three tables, each column sealed exactly as its view opens it
// (the same column and row names), kept here beside the views so the two cannot drift apart.
//   kInsertEntry    (seq, entry, leaf_hash, time, action, item, incident)
//   kInsertItem     (exhibit, number, sha256, size, name, kind, media_type, captured, ingested,
//                    note, parent, entry_seq, metadata)
//   kInsertMessage  (item, idx, time, sender, direction, system, message)
extern const char* const kInsertEntry;
extern const char* const kInsertItem;
extern const char* const kInsertMessage;

}  // namespace evidence
