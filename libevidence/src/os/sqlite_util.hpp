// The one RAII wrapper around SQLite used by the case. Every call returns a Status whose message
// carries SQLite's own words; SQLITE_BUSY becomes kBusy so the CLI can say "the case is locked".
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"

namespace evidence::sql {

class Database;
class StatementCache;

// A prepared statement. Bind parameters are 1-based, columns 0-based, as in SQLite. One from
// Database::Prepare goes back to its connection's cache when destroyed (reset, bindings cleared).
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& o) noexcept
      : db_(o.db_),
        stmt_(o.stmt_),
        cache_(std::move(o.cache_)),
        sql_(std::move(o.sql_)),
        bind_error_(o.bind_error_) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, ByteView blob);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::string>& text);

  // Advances: true when a row is ready, false when done. Errors come back as a Status.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();
  Status Reset();

  std::int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  Bytes ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const;
  std::optional<std::string> ColumnOptionalText(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache,
            std::string_view sql)
      : db_(db), stmt_(stmt), cache_(std::move(cache)), sql_(sql) {}
  // Gives the statement back to the cache, or finalizes it.
  void Release();
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
  std::string sql_;  // the text it was prepared from: its key in the cache
  Status bind_error_;
};

class Database {
 public:
  // Opens (never creates unless `create`) the database at `path` with a busy timeout.
  static Result<Database> Open(const std::filesystem::path& path, bool create, int busy_timeout_ms);
  Database() = default;
  ~Database();
  Database(Database&& o) noexcept
      : db_(o.db_), cache_(std::move(o.cache_)), transactions_(o.transactions_) {
    o.db_ = nullptr;
  }
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  // Compiles `sql`, or takes an idle compiled copy of the same text from the connection's cache:
  // an ingest runs the same dozen statements for every file, and compiling them each time was a
  // large share of the thread that records them.
  Result<Statement> Prepare(std::string_view sql);
  std::int64_t Changes() const;

  // The Status for the connection's last error, with `context`.
  Status LastError(std::string_view context, int rc) const;

  // How many Transactions were begun on this connection: tells state kept for one transaction
  // (LedgerWriter) from a later one.
  std::uint64_t transactions_begun() const { return transactions_; }

 private:
  friend class Transaction;
  explicit Database(sqlite3* db);
  void Close();
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
  std::uint64_t transactions_ = 0;
};

// BEGIN IMMEDIATE on construction (so writers serialise up front instead of deadlocking on
// upgrade); ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_), done_(o.done_) { o.done_ = true; }
  Transaction& operator=(Transaction&&) = delete;
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
  bool done_ = false;
};

}  // namespace evidence::sql
