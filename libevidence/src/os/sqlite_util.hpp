// The one RAII wrapper around SQLite used by the case. Every call returns a Status whose message
// carries SQLite's own words; SQLITE_BUSY becomes kBusy so the CLI can say "the case is locked".
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
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
  // Binds column `col` of `row`'s current row with its type and bytes as they are, for copying
  // rows between databases without reading them as one type.
  Statement& BindColumn(int index, const Statement& row, int col);

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

// One call of an application-defined SQL function (Database::DefineFunction): its arguments, and
// the one result it sets. Valid only during the call.
class FunctionCall {
 public:
  int size() const { return argc_; }
  bool IsNull(int i) const { return sqlite3_value_type(argv_[i]) == SQLITE_NULL; }
  bool IsText(int i) const { return sqlite3_value_type(argv_[i]) == SQLITE_TEXT; }
  // The argument as SQLite converts it.
  std::int64_t Int(int i) const { return sqlite3_value_int64(argv_[i]); }
  std::string_view Text(int i) const;
  ByteView Blob(int i) const;

  void ReturnNull() { sqlite3_result_null(ctx_); }
  void ReturnText(std::string_view text);
  void ReturnBlob(ByteView blob);
  // The result is argument `i` as it came, type and all.
  void ReturnArgument(int i) { sqlite3_result_value(ctx_, argv_[i]); }
  // Fails the statement that called the function; its Step() returns `status`'s message.
  void ReturnError(const Status& status);

 private:
  friend class Database;
  FunctionCall(sqlite3_context* ctx, int argc, sqlite3_value** argv)
      : ctx_(ctx), argc_(argc), argv_(argv) {}
  sqlite3_context* ctx_;
  int argc_;
  sqlite3_value** argv_;
};
using ScalarFunction = std::function<void(FunctionCall&)>;

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

  // Defines the scalar SQL function `name` of `args` arguments on this connection only, for as
  // long as it is open. `deterministic`: the same arguments always give the same result.
  Status DefineFunction(const std::string& name, int args, bool deterministic, ScalarFunction fn);

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
