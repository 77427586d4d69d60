#pragma once
namespace evidence::internal {
// The contents of schemas/ledger.sql.
extern const char* const kLedgerSchemaSql;
}  // namespace evidence::internal
