// Private state shared by the files that implement evidence::Case (case.cpp, ingest.cpp,
// verify.cpp). Not part of the public API.
#pragma once

#include <optional>
#include <string>

#include "describe.hpp"
#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/signing.hpp"
#include "file_system.hpp"
#include "object_store.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// How long a writer waits for another process's lock before giving up with kBusy.
inline constexpr int kLockTimeoutMs = 5000;

// Everything one item needs in the database (see State::RecordItem).
struct ItemRecord {
  std::string exhibit;
  std::int64_t number = 0;
  const StagedObject* staged = nullptr;
  std::string raw_name;
  Description desc;
  std::string note;
  std::optional<std::string> incident;
  std::optional<std::string> parent;
  nlohmann::json extra_entry_data = nlohmann::json::object();
};

struct Case::State {
  fs::path dir;
  CaseInfo info;
  sql::Database db;
  FileSystem* fs = &FileSystem::Default();
  ObjectStore objects;
  PassphraseProvider passphrase;
  PublicKey public_key;
  std::optional<SigningKey> signing_key;  // loaded on the first signature

  State(fs::path d, sql::Database database, PublicKey key)
      : dir(std::move(d)),
        db(std::move(database)),
        objects(dir, FileSystem::Default()),
        public_key(std::move(key)) {}

  // Appends one entry inside the caller's open transaction and returns its seq.
  Result<std::uint64_t> AppendEntry(std::string_view action, nlohmann::json data,
                                    const std::optional<std::string>& item,
                                    const std::optional<std::string>& incident);

  // Appends the item.ingested entry and inserts the items row, inside the caller's transaction.
  Result<std::uint64_t> RecordItem(const ItemRecord& record);
  // Appends item.metadata when there is anything to say; `messages` may be null.
  Status RecordMetadata(const std::string& exhibit, const Sha256Digest& sha256,
                        const Description& desc, const nlohmann::json& messages);

  // Loads (and if needed decrypts) the signing key.
  Result<const SigningKey*> Key();

  // Signs a checkpoint over all entries inside the caller's open transaction, if any were added
  // since the newest checkpoint.
  Status SealLocked();
};

// Paths inside a case.
inline fs::path CaseJsonPath(const fs::path& dir) { return dir / "case.json"; }
inline fs::path LedgerPath(const fs::path& dir) { return dir / "ledger.sqlite"; }
inline fs::path KeyFilePath(const fs::path& dir, std::string_view key_name) {
  return dir / "keys" / (std::string(key_name) + ".key");
}
inline fs::path PublicKeyPath(const fs::path& dir, std::string_view key_name) {
  return dir / "keys" / (std::string(key_name) + ".pub.pem");
}

}  // namespace evidence
