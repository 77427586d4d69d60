// LedgerWriter: the one owner of writes to the ledger's `entries`, `nodes` and `checkpoints`
// tables (schemas/ledger.sql). It lives for one write transaction. Before anything is appended or
// signed it checks that the ledger is the ledger the case's newest signed checkpoint commits to
// (docs/reliability.md "The guard"), so that a case folder edited by someone without the key is
// never signed over. Not thread-safe; one per transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/checkpoint.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "evidence/signing.hpp"
#include "key_history.hpp"
#include "ledger_source.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// The newest row of `checkpoints` (by insertion order), its signature checked against the case's
// key history and its origin against `origin`. Size and root come from the signed text.
struct SignedHead {
  std::int64_t id = 0;
  std::string note;
  Checkpoint checkpoint;
};

// kVerificationFailed naming the checkpoint when the newest one does not verify (a newer row whose
// signature fails is never skipped for an older one that passes); kCorruption when there is none.
Result<SignedHead> NewestSignedCheckpoint(sql::Database& db, const std::vector<KeyEpoch>& keys,
                                          std::string_view origin);

// One row of `checkpoints` as stored: `size` is the unsigned column, never trusted for a decision
// (the signed note says the size), only for picking rows.
struct CheckpointRow {
  std::int64_t id = 0;
  std::uint64_t size = 0;
  std::string note;
};

// Every row of `checkpoints`, oldest first (by insertion order, as NewestSignedCheckpoint).
Status ForEachCheckpoint(sql::Database& db,
                         const std::function<Status(const CheckpointRow&)>& visit);

// The error every writer returns when the guard refuses: kVerificationFailed, "the case does not
// verify: <detail>; nothing was recorded (run `evidence verify`)".
Status CaseDoesNotVerify(std::string_view detail);

class LedgerWriter {
 public:
  // Inside the caller's open write transaction, checks in O(log n) reads (plus one per key.added
  // entry):
  //  - the newest checkpoint's signature verifies (key in force at its size, the case's origin);
  //  - the ledger holds exactly the entries it covers;
  //  - the root of the stored tree (cached subtrees, else leaf hashes) at that size is its root;
  //  - every key.added entry is in that signed tree and the last one's key is `signer`, the key
  //    that is about to sign.
  // Entries are then appended on top of the verified subtree roots, so the next checkpoint commits
  // to the signed history even if rows below it were edited. Any failure is CaseDoesNotVerify
  // (or the I/O error met); nothing has been written.
  static Result<LedgerWriter> Begin(sql::Database& db, std::string_view case_uuid,
                                    std::string_view origin, const PublicKey& signer);

  // For `init`: the ledger must be empty and have no checkpoint.
  static Result<LedgerWriter> BeginEmpty(sql::Database& db);

  // Entries in the ledger, including those appended through this writer.
  std::uint64_t size() const { return appender_->size(); }
  // The size of the signed checkpoint the guard checked (0 for BeginEmpty).
  std::uint64_t signed_size() const { return signed_size_; }
  // Whether entries were appended that no checkpoint covers yet.
  bool unsealed() const { return appender_->size() != sealed_size_; }

  // Appends `entry` as seq size() with its index columns (schemas/ledger.sql) and the cache nodes
  // it completes. `entry.seq` is set here. Returns the seq.
  Result<std::uint64_t> Append(LedgerEntry entry, const std::optional<std::string>& item,
                               const std::optional<std::string>& incident);

  // The entry `seq`, parsed, once its bytes are shown to be the leaf the signed root commits to
  // (an inclusion proof, O(log n)); entries this writer appended are taken as they are. Code that
  // decides what to append from an earlier entry reads it here. CaseDoesNotVerify otherwise.
  Result<LedgerEntry> ReadVerified(std::uint64_t seq);

  // Signs a checkpoint over every entry with `key` (the `signer` of Begin) and stores it, when
  // anything was appended since the signed checkpoint. The root is computed from the verified
  // subtree roots and the appended leaves, never re-read from the tables.
  Status Seal(const SigningKey& key, std::string_view key_name, std::string_view origin);

 private:
  LedgerWriter() = default;

  sql::Database* db_ = nullptr;
  std::uint64_t signed_size_ = 0;  // the guard's anchor; entries below it are proven on read
  std::uint64_t sealed_size_ = 0;  // covered by a signed checkpoint (the anchor, or Seal's)
  merkle::Hash signed_root_{};
  std::optional<LedgerHashSource> source_;  // over [0, signed_size_), for inclusion proofs
  std::optional<LedgerAppender> appender_;  // set by Begin and BeginEmpty
};

// Rewrites every node of the cache from the stored leaf hashes, in one streaming pass with
// O(log n) memory, inside the caller's open transaction (schemas/ledger.sql `nodes` must exist).
Status RebuildNodeCache(sql::Database& db);

}  // namespace evidence
