// `evidence encrypt`: a plaintext case converted in place into an encrypted one
// (docs/case-format.md "Encrypting an existing case").
//
// The encrypted case is built beside the plaintext one in tmp/encrypt.staging: the key files
// sealed under one KEK, every object written again under its keyed name, and a new ledger whose
// rows are copied with the same statements the case writes with (ledger_views.hpp), plus a signed
// case.encrypted entry. Renaming that folder to tmp/encrypt.ready is the one commit point; before
// it the plaintext case is untouched, after it RollForward moves each file into place,
// overwriting the plaintext file it replaces with zeros first. FinishEncryption (case_encrypt.hpp)
// runs on every open, so a crash at any point leaves either case, never a mix.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <set>
#include <sstream>

#include "case_encrypt.hpp"
#include "case_paths.hpp"
#include "case_state.hpp"
#include "custody_file.hpp"
#include "evidence/key_file.hpp"
#include "evidence/small_file.hpp"
#include "fd_io.hpp"
#include "file_system.hpp"
#include "ledger_schema.hpp"
#include "ledger_source.hpp"
#include "ledger_views.hpp"
#include "signing_key_file.hpp"
#include "status_macros.hpp"
#include "unique_fd.hpp"

namespace evidence {

namespace {

fs::path StagingDir(const fs::path& dir) { return dir / "tmp" / "encrypt.staging"; }
fs::path ReadyDir(const fs::path& dir) { return dir / "tmp" / "encrypt.ready"; }
// In the staging folder: the plaintext objects (paths relative to the case) to overwrite once the
// conversion is committed.
constexpr const char* kPlaintextList = "plaintext-objects";
constexpr std::size_t kMaxKeyFile = 64 * 1024;
// A custody record is a bundle's ledger or items file, held in memory by export as well.
constexpr std::size_t kMaxCustodyFile = 1024 * 1024 * 1024;

// An exclusive flock on a staging folder: held by the converting process for the whole
// conversion, so that another process's open waits for it (or leaves its staging alone) instead
// of finishing or removing it under its feet. The lock follows the folder through its rename.
// kBusy when `wait` is false and another process holds it.
Result<UniqueFd> LockFolder(const fs::path& folder, bool wait) {
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return ErrnoStatus(errno, folder, "cannot open");
  int rc;
  do {
    rc = ::flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EWOULDBLOCK) return Status::Busy(folder.string() + ": another process holds it");
    return ErrnoStatus(errno, folder, "cannot lock");
  }
  return fd;
}

// Overwrites a plaintext file with zeros and makes that durable before the file goes, so that
// the blocks it held no longer keep the evidence in clear, as far as the file system rewrites
// blocks in place (docs/case-format.md says where it does not). A missing file is fine (the step
// ran before a crash); anything but a regular file is left to the rename or removal that follows.
Status Overwrite(FileSystem& fsys, const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, path, "cannot stat");
  }
  if (!S_ISREG(st.st_mode)) return Status::Ok();
  EVIDENCE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fsys.OpenForOverwrite(path));
  const Bytes zeros(64 * 1024, 0);
  for (off_t left = st.st_size; left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<off_t>(left, zeros.size()));
    EVIDENCE_RETURN_IF_ERROR(file->Append(ByteView(zeros.data(), n)));
    left -= static_cast<off_t>(n);
  }
  EVIDENCE_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

Status OverwriteAndRemove(FileSystem& fsys, const fs::path& path) {
  EVIDENCE_RETURN_IF_ERROR(Overwrite(fsys, path));
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return Status::Ok();
  return fsys.Remove(path);
}

// Every file below `root`, listed before any is moved.
std::vector<fs::path> FilesBelow(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path());
  }
  return out;
}

// The steps after the commit point. Each moves one file of tmp/encrypt.ready into place, after
// overwriting the plaintext file it replaces, so a file still in the folder is a step still to do
// and the whole can run again from any point after a crash. The ledger's -wal and -shm go before
// the new ledger arrives: SQLite would otherwise replay the old journal onto it.
Status RollForward(FileSystem& fsys, const fs::path& dir) {
  const fs::path ready = ReadyDir(dir);
  std::error_code ec;
  for (const fs::path& file : FilesBelow(ready / "objects")) {
    const fs::path dest = dir / file.lexically_relative(ready);
    if (!fs::is_directory(dest.parent_path(), ec)) {
      EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(dest.parent_path(), 0700));
    }
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(file, dest));
  }
  for (const fs::path& file : FilesBelow(ready / "keys")) {
    const fs::path dest = dir / "keys" / file.filename();
    EVIDENCE_RETURN_IF_ERROR(Overwrite(fsys, dest));
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(file, dest));
  }
  for (const fs::path& file : FilesBelow(ready / "custody")) {
    const fs::path dest = dir / file.lexically_relative(ready);
    EVIDENCE_RETURN_IF_ERROR(Overwrite(fsys, dest));
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(file, dest));
  }
  if (fs::exists(ready / "ledger.sqlite", ec)) {
    const std::string ledger = LedgerPath(dir).string();
    EVIDENCE_RETURN_IF_ERROR(Overwrite(fsys, ledger));
    for (const char* journal : {"-wal", "-shm", "-journal"}) {
      EVIDENCE_RETURN_IF_ERROR(OverwriteAndRemove(fsys, ledger + journal));
    }
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(ready / "ledger.sqlite", LedgerPath(dir)));
  }
  if (fs::exists(ready / "case.json", ec)) {
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(ready / "case.json", CaseJsonPath(dir)));
  }
  EVIDENCE_RETURN_IF_ERROR(fsys.SyncFileSystem(dir));
  if (fs::exists(ready / kPlaintextList, ec)) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string list,
                              ReadSmallFile(ready / kPlaintextList, 64 * 1024 * 1024));
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
      // Written by this code, but the folder is hostile input: only a path of the object store.
      const fs::path rel(line);
      if (line.rfind("objects/", 0) != 0 || line.find("..") != std::string::npos) {
        return Status::Corruption((ready / kPlaintextList).string() + ": not an object: \"" + line +
                                  "\"");
      }
      EVIDENCE_RETURN_IF_ERROR(OverwriteAndRemove(fsys, dir / rel));
      // An emptied objects/XX folder would still name the first byte of a plaintext SHA-256.
      if (fs::is_empty((dir / rel).parent_path(), ec)) fs::remove((dir / rel).parent_path(), ec);
    }
  }
  EVIDENCE_RETURN_IF_ERROR(fsys.SyncFileSystem(dir));
  fs::remove_all(ready, ec);
  if (ec) return ErrnoStatus(ec.value(), ready, "cannot remove");
  return fsys.SyncDir(dir / "tmp");
}

// Copies every row `select` returns into the statement `insert`, column i to parameter i + 1,
// each value with its type and bytes as stored.
Status CopyRows(sql::Database& db, std::string_view select, const char* insert, int columns) {
  EVIDENCE_ASSIGN_OR_RETURN(auto from, db.Prepare(select));
  EVIDENCE_ASSIGN_OR_RETURN(auto to, db.Prepare(insert));
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, from.Step());
    if (!row) return Status::Ok();
    for (int i = 0; i < columns; ++i) to.BindColumn(i + 1, from, i);
    EVIDENCE_RETURN_IF_ERROR(to.Run());
  }
}

// Every row of the plaintext ledger at `old_ledger`, copied into `db` (a new ledger with the case
// key's views) in one transaction: the three tables with encrypted columns through the insert
// statements that seal them, the others as they are. `encrypted` names the objects.
Status CopyLedger(sql::Database& db, const fs::path& old_ledger, const ObjectStore& encrypted) {
  // items.sha256 is the object's name in objects/, which in an encrypted case is its keyed name.
  EVIDENCE_RETURN_IF_ERROR(
      db.DefineFunction("evidence_keyed_name", 1, true, [&encrypted](sql::FunctionCall& call) {
        auto digest = DigestFromHex(call.Text(0));
        if (!digest.ok()) return call.ReturnError(digest.status().WithContext("items.sha256"));
        call.ReturnText(encrypted.NameFor(*digest));
      }));
  EVIDENCE_ASSIGN_OR_RETURN(auto attach, db.Prepare("ATTACH DATABASE ?1 AS old"));
  EVIDENCE_RETURN_IF_ERROR(attach.Bind(1, old_ledger.string()).Run());
  // A deferred transaction: BEGIN IMMEDIATE would also ask for the write lock of the attached
  // plaintext ledger, which the converting command holds on its own connection.
  EVIDENCE_RETURN_IF_ERROR(db.Exec("BEGIN DEFERRED"));
  Status copied = [&]() -> Status {
    EVIDENCE_RETURN_IF_ERROR(CopyRows(db,
                                      "SELECT seq, entry, leaf_hash, time, action, item, incident "
                                      "FROM old.entries ORDER BY seq",
                                      kInsertEntry, 7));
    EVIDENCE_RETURN_IF_ERROR(CopyRows(db,
                                      "SELECT exhibit, number, evidence_keyed_name(sha256), size, "
                                      "name, kind, media_type, captured, ingested, note, "
                                      "parent, entry_seq, metadata FROM old.items ORDER BY rowid",
                                      kInsertItem, 13));
    EVIDENCE_RETURN_IF_ERROR(
        CopyRows(db,
                 "SELECT item, idx, time, sender, direction, system, message FROM old.messages "
                 "ORDER BY rowid",
                 kInsertMessage, 7));
    EVIDENCE_RETURN_IF_ERROR(
        db.Exec("INSERT INTO main.meta SELECT * FROM old.meta;"
                "INSERT INTO main.nodes SELECT * FROM old.nodes;"
                "INSERT INTO main.checkpoints SELECT * FROM old.checkpoints;"));
    return db.Exec("COMMIT");
  }();
  if (!copied.ok()) {
    (void)db.Exec("ROLLBACK");
    return copied;
  }
  return db.Exec("DETACH DATABASE old");
}

// The signing key files (the one in force and every rotated one) sealed again under `kek`, and
// the case key file, written into `keys_dir`. A signing key file that is already sealed must open
// with the new passphrase: one derivation opens every key of an encrypted case.
Status StageKeys(FileSystem& fsys, const CaseState& s, const CaseKey& case_key,
                 const seal::Kek& kek, const std::string& passphrase, const fs::path& keys_dir) {
  const std::string& uuid = s.info.uuid;
  EVIDENCE_ASSIGN_OR_RETURN(std::string sealed_case_key, SealCaseKey(case_key, uuid, kek));
  EVIDENCE_RETURN_IF_ERROR(
      WriteFileAtomically(fsys, keys_dir / "case-key.sealed", sealed_case_key, 0600));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(s.dir / "keys", ec)) {
    if (e.path().extension() != ".key" || !e.is_regular_file(ec) || e.is_symlink(ec)) continue;
    EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(e.path(), kMaxKeyFile));
    EVIDENCE_ASSIGN_OR_RETURN(KeyFileInfo info, InspectKeyFile(text));
    if (info.case_uuid != uuid) {
      return Status::Corruption(e.path().string() + ": key file belongs to another case");
    }
    auto key =
        OpenSigningKey(text, uuid, info.encrypted ? std::optional(passphrase) : std::nullopt);
    if (!key.ok()) return key.status().WithContext(e.path().string());
    EVIDENCE_ASSIGN_OR_RETURN(std::string sealed,
                              SealSigningKeyWith(*key, info.key_name, uuid, &kek));
    EVIDENCE_RETURN_IF_ERROR(
        WriteFileAtomically(fsys, keys_dir / e.path().filename(), sealed, 0600));
  }
  if (ec) return ErrnoStatus(ec.value(), s.dir / "keys", "cannot list");
  return Status::Ok();
}

// The custody records of received bundles (custody/<k>/<path>) sealed under `key` as a receive
// into an encrypted case seals them, written read-only under `staging`/custody.
Status StageCustody(FileSystem& fsys, const fs::path& dir, const CaseKey& key,
                    const fs::path& staging) {
  std::error_code ec;
  const fs::path root = dir / "custody";
  if (!fs::is_directory(root, ec)) return Status::Ok();
  for (const fs::path& file : FilesBelow(root)) {
    const fs::path rel = file.lexically_relative(root);
    const std::string folder = rel.begin()->string();
    std::uint64_t k = 0;
    auto [end, err] = std::from_chars(folder.data(), folder.data() + folder.size(), k);
    // Only the folders receive makes; anything else is not a custody record and stays as it is
    // (verify names it).
    if (err != std::errc() || end != folder.data() + folder.size()) continue;
    const std::string path = file.lexically_relative(root / folder).generic_string();
    EVIDENCE_ASSIGN_OR_RETURN(std::string content, ReadSmallFile(file, kMaxCustodyFile));
    EVIDENCE_ASSIGN_OR_RETURN(std::string sealed, SealCustodyFile(&key, k, path, content));
    const fs::path dest = staging / "custody" / rel;
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return ErrnoStatus(ec.value(), dest.parent_path(), "cannot create");
    EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, dest, sealed, 0444));
  }
  return Status::Ok();
}

// Every object of the case written again, encrypted, under its keyed name in `staging`/objects
// (keyed names never collide with plaintext ones); `*plaintext` lists the objects to overwrite
// after the commit point. Each object is read through the plaintext store, so its hash is checked
// once more on the way. Returns the number of objects.
Result<std::uint64_t> StageObjects(FileSystem& fsys, const CaseState& s,
                                   const std::vector<Item>& items, const ObjectStore& encrypted,
                                   const fs::path& staging, std::string* plaintext) {
  std::set<std::string> done;
  for (const Item& item : items) {
    if (!done.insert(DigestHex(item.sha256)).second) continue;
    EVIDENCE_ASSIGN_OR_RETURN(StagedObject staged,
                              encrypted.StageFrom([&](const std::function<Status(ByteView)>& sink) {
                                return s.objects.Stream(item.sha256, item.size, sink);
                              }));
    const fs::path dest = staging / encrypted.RelativePathFor(item.sha256);
    std::error_code ec;
    Status moved = fs::is_directory(dest.parent_path(), ec)
                       ? Status::Ok()
                       : fsys.CreateDir(dest.parent_path(), 0700);
    if (moved.ok()) moved = fsys.Rename(staged.temp_path, dest);
    if (!moved.ok()) {
      encrypted.Discard(staged);
      return moved;
    }
    *plaintext += s.objects.RelativePathFor(item.sha256) + "\n";
  }
  return done.size();
}

// The new ledger at `path`: the plaintext ledger's rows with their evidence columns sealed under
// `key`, then a case.encrypted entry and a checkpoint signed with the case's key. Appending goes
// through the same guard as every command (LedgerWriter), which reads the copy back through the
// views and requires it to be the ledger its newest checkpoint commits to. The connection is
// closed on return, so the file stands alone (no -wal).
Status BuildLedger(CaseState& s, const CaseInfo& info, std::shared_ptr<const CaseKey> key,
                   const ObjectStore& encrypted, const fs::path& path, std::uint64_t objects) {
  EVIDENCE_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path, true, kLockTimeoutMs));
  EVIDENCE_RETURN_IF_ERROR(db.Exec(internal::kLedgerSchemaSql));
  EVIDENCE_RETURN_IF_ERROR(InstallLedgerViews(db, key));
  EVIDENCE_RETURN_IF_ERROR(CopyLedger(db, LedgerPath(s.dir), encrypted));
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t entries, LedgerSize(db));
  CaseState fresh(s.dir, key, std::move(db), s.public_key);
  fresh.info = info;
  fresh.signing_key = std::move(s.signing_key);
  {
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(fresh.db));
    nlohmann::json data = {{"objects", objects}, {"entries", entries}};
    EVIDENCE_RETURN_IF_ERROR(
        fresh.AppendEntry("case.encrypted", data, std::nullopt, std::nullopt).status());
    EVIDENCE_RETURN_IF_ERROR(fresh.SealLocked());
    EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  }
  fresh.writer.reset();
  return fresh.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// case.json as it is, with "encrypted": true.
Result<std::string> EncryptedCaseJson(const fs::path& dir) {
  EVIDENCE_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(CaseJsonPath(dir), 64 * 1024));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(CaseJsonPath(dir).string() + ": malformed: not a JSON object");
  }
  j["encrypted"] = true;
  return j.dump(2) + "\n";
}

// Removes the staging folder unless the conversion reached its commit point.
class StagingRollback {
 public:
  explicit StagingRollback(fs::path staging) : staging_(std::move(staging)) {}
  ~StagingRollback() {
    if (armed_) {
      std::error_code ec;
      fs::remove_all(staging_, ec);
    }
  }
  void Disarm() { armed_ = false; }

 private:
  fs::path staging_;
  bool armed_ = true;
};

}  // namespace

Status FinishEncryption(const fs::path& dir) {
  std::error_code ec;
  const fs::path ready = ReadyDir(dir);
  if (fs::exists(ready, ec)) {
    auto lock = LockFolder(ready, true);
    // Gone while we waited: the process converting the case finished it.
    if (!fs::exists(ready, ec)) return Status::Ok();
    if (!lock.ok()) return lock.status();
    return RollForward(FileSystem::Default(), dir);
  }
  const fs::path staging = StagingDir(dir);
  if (fs::exists(staging, ec)) {
    // A conversion still running holds the lock and is left alone; one that died before its
    // commit point is taken back. Best effort: a case on read-only media opens as it is.
    auto lock = LockFolder(staging, false);
    if (lock.ok()) fs::remove_all(staging, ec);
  }
  return Status::Ok();
}

// Builds the encrypted case in the staging folder while holding the plaintext ledger's write
// lock (no command writes to it meanwhile), then commits by renaming the folder. The plaintext
// case is closed before RollForward overwrites its files.
Status Case::Encrypt(const fs::path& dir, const std::string& passphrase,
                     const ScryptParams& params) {
  if (passphrase.empty()) {
    return Status::InvalidArgument("the passphrase is empty");
  }
  FileSystem& fsys = FileSystem::Default();
  UniqueFd lock;
  Status committed;
  {
    EVIDENCE_ASSIGN_OR_RETURN(
        Case c, Case::Open(dir, [passphrase]() -> Result<std::string> { return passphrase; }));
    CaseState& s = *c.s_;
    if (s.info.encrypted) {
      return Status::InvalidArgument(dir.string() + ": the case is already encrypted");
    }
    // Never encrypt damage: what is converted must be a case that verifies.
    EVIDENCE_ASSIGN_OR_RETURN(VerifyReport report, c.Verify());
    if (!report.ok()) {
      return Status::VerificationFailed(dir.string() + ": the case does not verify (" +
                                        report.failures.front() +
                                        "), so it is not encrypted; run `evidence verify`");
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::vector<Item> items, c.Items());
    EVIDENCE_RETURN_IF_ERROR(s.Key().status());
    EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s.db));

    const fs::path staging = StagingDir(dir);
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(staging, 0700));
    StagingRollback rollback(staging);
    EVIDENCE_ASSIGN_OR_RETURN(lock, LockFolder(staging, true));
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(staging / "keys", 0700));
    EVIDENCE_RETURN_IF_ERROR(fsys.CreateDir(staging / "objects", 0700));

    EVIDENCE_ASSIGN_OR_RETURN(seal::Kek kek, seal::Kek::ForSealing(passphrase, params));
    EVIDENCE_ASSIGN_OR_RETURN(CaseKey generated, CaseKey::Generate());
    auto key = std::make_shared<const CaseKey>(std::move(generated));
    EVIDENCE_RETURN_IF_ERROR(StageKeys(fsys, s, *key, kek, passphrase, staging / "keys"));
    EVIDENCE_RETURN_IF_ERROR(StageCustody(fsys, dir, *key, staging));
    ObjectStore encrypted(dir, fsys, key.get());
    std::string plaintext;
    EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t objects,
                              StageObjects(fsys, s, items, encrypted, staging, &plaintext));
    EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, staging / kPlaintextList, plaintext, 0600));
    CaseInfo info = s.info;
    info.encrypted = true;
    EVIDENCE_RETURN_IF_ERROR(
        BuildLedger(s, info, key, encrypted, staging / "ledger.sqlite", objects));
    std::error_code ec;
    if (fs::exists(staging / "ledger.sqlite-wal", ec)) {
      return Status::IoError((staging / "ledger.sqlite-wal").string() +
                             ": the new ledger was not checkpointed");
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::string case_json, EncryptedCaseJson(dir));
    EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(fsys, staging / "case.json", case_json, 0644));
    EVIDENCE_RETURN_IF_ERROR(fsys.SyncFileSystem(dir));
    // The commit point.
    EVIDENCE_RETURN_IF_ERROR(fsys.Rename(staging, ReadyDir(dir)));
    rollback.Disarm();
    committed = fsys.SyncDir(dir / "tmp");
  }
  // Past the commit point the conversion is finished whatever happens to the sync: the next open
  // would finish it anyway.
  Status finished = RollForward(fsys, dir);
  return committed.ok() ? finished : committed;
}

}  // namespace evidence
