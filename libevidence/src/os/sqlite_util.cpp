#include "sqlite_util.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace evidence::sql {

// Idle prepared statements of one connection, by their SQL text. Shared with the statements it
// handed out, so that one that outlives its Database is finalized instead of returned.
class StatementCache {
 public:
  // An idle statement for `sql`, or nullptr.
  sqlite3_stmt* Take(std::string_view sql) {
    std::lock_guard lock(mu_);
    auto it = idle_.find(sql);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return stmt;
  }

  // Keeps `stmt` (already reset) for reuse; false if the cache is closed or full, and the caller
  // finalizes it.
  bool Give(const std::string& sql, sqlite3_stmt* stmt) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    auto it = idle_.find(sql);
    if (it == idle_.end()) {
      // SQL built at run time (filters, IN lists) must not grow the cache without bound.
      if (idle_.size() >= kMaxTexts) return false;
      it = idle_.emplace(sql, std::vector<sqlite3_stmt*>()).first;
    }
    if (it->second.size() >= kMaxIdlePerText) return false;
    it->second.push_back(stmt);
    return true;
  }

  // Finalizes every idle statement; statements given back later are finalized by their owner.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [sql, stmts] : idle_) {
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    }
    idle_.clear();
  }

 private:
  static constexpr std::size_t kMaxTexts = 128;
  static constexpr std::size_t kMaxIdlePerText = 4;
  std::mutex mu_;
  bool closed_ = false;
  std::map<std::string, std::vector<sqlite3_stmt*>, std::less<>> idle_;
};

namespace {
Status FromCode(sqlite3* db, std::string_view context, int rc) {
  if ((rc & 0xff) == SQLITE_FULL) {
    // One line naming the file, in the words users search for (exit status 3, docs/cli.md).
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    return Status::IoError(std::string(file && *file ? file : "ledger.sqlite") +
                           ": no space left on device (disk full)");
  }
  std::string msg(context);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return Status::Corruption(msg);
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(msg);
    default:
      return Status::IoError(msg);
  }
}
}  // namespace

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  // Reset first: a statement left mid-way through its rows would keep its read transaction.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (!cache_ || !cache_->Give(sql_, stmt_)) sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  cache_.reset();
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    Release();
    db_ = o.db_;
    stmt_ = o.stmt_;
    cache_ = std::move(o.cache_);
    sql_ = std::move(o.sql_);
    bind_error_ = o.bind_error_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = FromCode(db_, "bind", rc);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = FromCode(db_, "bind", rc);
  return *this;
}
Statement& Statement::BindBlob(int index, ByteView blob) {
  // A zero-length blob must still be a blob, not NULL: SQLite wants a non-null pointer for that.
  static const std::uint8_t kEmpty = 0;
  const void* p = blob.empty() ? &kEmpty : blob.data();
  int rc = sqlite3_bind_blob(stmt_, index, p, static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = FromCode(db_, "bind", rc);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindColumn(int index, const Statement& row, int col) {
  sqlite3_bind_value(stmt_, index, sqlite3_column_value(row.stmt_, col));
  return *this;
}
Statement& Statement::BindOptional(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FromCode(db_, "sqlite", rc);
}

Status Statement::Run() {
  auto r = Step();
  if (!r.ok()) return r.status();
  return Reset();
}

Status Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
  return Status::Ok();
}

std::int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::ColumnText(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}
Bytes Statement::ColumnBlob(int col) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? Bytes(p, p + n) : Bytes();
}
bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::optional<std::string> Statement::ColumnOptionalText(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnText(col);
}

Result<Database> Database::Open(const std::filesystem::path& path, bool create,
                                int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) return FromCode(raw, "cannot open " + path.string(), rc);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  // FULL: a committed entry survives power loss; the custody chain is worth the fsyncs.
  // temp_store MEMORY: a sort or temporary index over decrypted columns (an encrypted case's
  // ledger views) must never spill to a temporary file on disk.
  auto s =
      db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
  if (!s.ok()) return s;
  return db;
}

Database::Database(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}

Database::~Database() { Close(); }

void Database::Close() {
  // The cached statements first: sqlite3_close_v2 keeps a connection with unfinalized statements
  // open as a zombie until they go.
  if (cache_) cache_->Close();
  cache_.reset();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    Close();
    db_ = o.db_;
    cache_ = std::move(o.cache_);
    transactions_ = o.transactions_;
    o.db_ = nullptr;
  }
  return *this;
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromCode(db_, "sqlite", rc);
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  if (sqlite3_stmt* idle = cache_ ? cache_->Take(sql) : nullptr) {
    return Statement(db_, idle, cache_, sql);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromCode(db_, "sqlite prepare", rc);
  return Statement(db_, stmt, cache_, sql);
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

std::string_view FunctionCall::Text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv_[i]));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(argv_[i])))
           : std::string_view();
}
ByteView FunctionCall::Blob(int i) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_value_blob(argv_[i]));
  return p ? ByteView(p, static_cast<std::size_t>(sqlite3_value_bytes(argv_[i]))) : ByteView();
}
void FunctionCall::ReturnText(std::string_view text) {
  // An empty text, not NULL: SQLite takes a null pointer for NULL.
  sqlite3_result_text(ctx_, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
}
void FunctionCall::ReturnBlob(ByteView blob) {
  static const std::uint8_t kEmpty = 0;  // a zero-length blob, not NULL (as BindBlob)
  sqlite3_result_blob(ctx_, blob.empty() ? &kEmpty : blob.data(), static_cast<int>(blob.size()),
                      SQLITE_TRANSIENT);
}
void FunctionCall::ReturnError(const Status& status) {
  sqlite3_result_error(ctx_, status.message().c_str(), -1);
  sqlite3_result_error_code(
      ctx_, status.code() == StatusCode::kCorruption ? SQLITE_CORRUPT : SQLITE_ERROR);
}

Status Database::DefineFunction(const std::string& name, int args, bool deterministic,
                                ScalarFunction fn) {
  auto* owned = new ScalarFunction(std::move(fn));
  auto call = [](sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    FunctionCall c(ctx, argc, argv);
    (*static_cast<ScalarFunction*>(sqlite3_user_data(ctx)))(c);
  };
  auto destroy = [](void* p) { delete static_cast<ScalarFunction*>(p); };
  // SQLITE_DIRECTONLY: a view or trigger stored in the file cannot call it; only the statements
  // this process prepares (and its TEMP views) can.
  const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY | (deterministic ? SQLITE_DETERMINISTIC : 0);
  // sqlite3_create_function_v2 calls `destroy` on `owned` itself when it fails.
  int rc = sqlite3_create_function_v2(db_, name.c_str(), args, flags, owned, call, nullptr, nullptr,
                                      destroy);
  if (rc != SQLITE_OK) return FromCode(db_, "sqlite function " + name, rc);
  return Status::Ok();
}

Status Database::LastError(std::string_view context, int rc) const {
  return FromCode(db_, context, rc);
}

Result<Transaction> Transaction::Begin(Database& db) {
  auto s = db.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) {
    if (s.code() == StatusCode::kBusy) {
      return Status::Busy(
          "the case is busy: another evidence process held its lock for the whole lock timeout");
    }
    return s;
  }
  ++db.transactions_;
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (!done_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  auto s = db_->Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace evidence::sql
