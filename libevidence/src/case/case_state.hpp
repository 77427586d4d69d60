// CaseState: the components evidence::Case is a facade over (the connection, the catalog, the
// object store, the keys and the ledger writer of the open transaction) and the steps every
// command shares (Writer, CheckLedger, AppendEntry, Key, SealLocked). Each command is in the file
// of its job in this folder: case.cpp (create, open, lists, extract), ingest.cpp and
// ingest_batch.cpp (through ingest_step.hpp), incidents.cpp, keys.cpp, messages.cpp, prove.cpp,
// report.cpp, timestamps.cpp, verify.cpp (CaseVerifier), export.cpp and receive.cpp. Not part of
// the public API.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "case_key.hpp"
#include "catalog.hpp"
// The types of Case's methods (case.hpp only declares them), which the files here implement.
#include "evidence/bundle.hpp"
#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "evidence/report.hpp"
#include "evidence/signing.hpp"
#include "file_system.hpp"
#include "key_history.hpp"
#include "keyring.hpp"
#include "ledger_writer.hpp"
#include "object_store.hpp"
#include "passphrase_seal.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// How long a writer waits for another process's lock before giving up with kBusy.
inline constexpr int kLockTimeoutMs = 5000;

// The passphrase typed when an encrypted case opened (or was created) and the KEK it gave for the
// case key's salt, which seals a rotated signing key so that one unlock still opens both.
struct CaseUnlock {
  std::unique_ptr<seal::Unlocker> unlocker;
  const seal::Kek* kek = nullptr;  // owned by `unlocker`
};

struct CaseState {
  fs::path dir;
  CaseInfo info;
  // An encrypted case's key (null for a plaintext case), unlocked when the case opens. Held by
  // the connection's functions as well (ledger_views.hpp), and declared before `db` so that it
  // outlives it here too.
  std::shared_ptr<const CaseKey> case_key;
  CaseUnlock unlock;  // empty for a plaintext case
  sql::Database db;
  FileSystem* fs = &FileSystem::Default();
  ObjectStore objects;
  Catalog catalog{db, objects};  // items, messages, exhibit numbers; borrows `db` and `objects`
  PassphraseProvider passphrase;
  PublicKey public_key;                   // the current key (the last key.added entry's)
  fs::path key_file;                      // its sealed private key (keys.cpp)
  std::optional<SigningKey> signing_key;  // loaded on the first signature
  // The ledger's writer for the open transaction, begun by its first append or seal, which is when
  // the guard runs (ledger_writer.hpp). Declared after `db`, whose statements it holds.
  std::optional<LedgerWriter> writer;
  std::uint64_t writer_transaction = 0;  // db.transactions_begun() when it was begun

  CaseState(fs::path d, std::shared_ptr<const CaseKey> content_key, sql::Database database,
            PublicKey key)
      : dir(std::move(d)),
        case_key(std::move(content_key)),
        db(std::move(database)),
        objects(dir, FileSystem::Default(), case_key.get()),
        public_key(std::move(key)) {}

  // The writer of the caller's open transaction; the first call in a transaction runs the guard
  // (CaseDoesNotVerify when the ledger is not the one its newest signed checkpoint commits to, or
  // the key about to sign is not the key in force).
  Result<LedgerWriter*> Writer();

  // CheckSignedLedger (ledger_check.hpp) for the readers: every public method that shows, proves
  // or exports anything calls it first. It runs again only when another connection has committed
  // since (SQLite's data_version): this connection's own appends are built on the verified
  // subtree roots (LedgerWriter), so a ledger checked once stays checked through them, and
  // `export` does not hash the whole ledger a second time after sealing.
  Status CheckLedger();
  std::optional<std::int64_t> ledger_checked_at;  // the data_version it was checked at

  // Appends one entry inside the caller's open transaction and returns its seq. Writer() first.
  Result<std::uint64_t> AppendEntry(std::string_view action, nlohmann::json data,
                                    const std::optional<std::string>& item,
                                    const std::optional<std::string>& incident);

  // Loads (and if needed decrypts) the signing key.
  Result<const SigningKey*> Key();

  // Signs a checkpoint over all entries inside the caller's open transaction, if any were added
  // since the newest checkpoint. Writer() first.
  Status SealLocked();

  // evidence/consistency.json of a bundle whose checkpoint is `now` (export.created entry
  // `export_seq`): proofs from every checkpoint handed out before (by earlier exports, or
  // time-stamped) and from `extra_note` when given (prove.cpp). Empty when there is nothing
  // to prove.
  Result<std::string> BundleConsistencyJson(const Checkpoint& now, std::uint64_t export_seq,
                                            const std::optional<std::string>& extra_note,
                                            std::uint64_t* count);

  // evidence/keys.json of a bundle: every key the case has had, oldest first. Empty when the case
  // never rotated its key.
  Result<std::string> BundleKeysJson();
};

// Case::ProveConsistency against the ledger seen through `source` (size() leaves, root
// `new_root`).
Result<ConsistencyProofs> ConsistencyFrom(const CaseInfo& info, const KeyHistory& keys,
                                          const merkle::HashSource& source,
                                          const Sha256Digest& new_root, std::string_view old_note);

}  // namespace evidence
