#include "ledger_writer.hpp"

#include <algorithm>

#include "keyring.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

std::string Num(std::uint64_t n) { return std::to_string(n); }
std::string Short(const merkle::Hash& h) { return HexEncode(h).substr(0, 16) + "..."; }

}  // namespace

Status CaseDoesNotVerify(std::string_view detail) {
  return Status::VerificationFailed("the case does not verify: " + std::string(detail) +
                                    "; nothing was recorded (run `evidence verify`)");
}

Result<SignedHead> NewestSignedCheckpoint(sql::Database& db, const std::vector<KeyEpoch>& keys,
                                          std::string_view origin) {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db.Prepare("SELECT id, note FROM checkpoints ORDER BY id DESC LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption("the case has no signed checkpoint (run `evidence verify`)");
  SignedHead head;
  head.id = st.ColumnInt(0);
  head.note = st.ColumnText(1);
  const std::string label = "checkpoint " + std::to_string(head.id);
  KeyHistory history;
  history.epochs = keys;
  auto verified = VerifyCaseCheckpoint(history, head.note);
  if (!verified.ok()) {
    return Status::VerificationFailed(
        label + ", the newest: signature check failed: " + verified.status().message());
  }
  if (verified->checkpoint.origin != origin) {
    return Status::VerificationFailed(label + ", the newest: signed for origin \"" +
                                      verified->checkpoint.origin + "\", not this case's");
  }
  head.checkpoint = verified->checkpoint;
  return head;
}

Status ForEachCheckpoint(sql::Database& db,
                         const std::function<Status(const CheckpointRow&)>& visit) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st,
                            db.Prepare("SELECT id, size, note FROM checkpoints ORDER BY id"));
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    EVIDENCE_RETURN_IF_ERROR(
        visit({st.ColumnInt(0), static_cast<std::uint64_t>(st.ColumnInt(1)), st.ColumnText(2)}));
  }
}

Result<LedgerWriter> LedgerWriter::BeginEmpty(sql::Database& db) {
  LedgerWriter w;
  w.db_ = &db;
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t size, LedgerSize(db));
  EVIDENCE_ASSIGN_OR_RETURN(auto cps, db.Prepare("SELECT 1 FROM checkpoints LIMIT 1"));
  EVIDENCE_ASSIGN_OR_RETURN(bool has_checkpoint, cps.Step());
  if (size != 0 || has_checkpoint) return CaseDoesNotVerify("a new ledger is not empty");
  EVIDENCE_ASSIGN_OR_RETURN(LedgerAppender appender, LedgerAppender::Resume(db, 0, {}));
  w.appender_.emplace(std::move(appender));
  w.signed_root_ = merkle::EmptyRoot();
  return w;
}

Result<LedgerWriter> LedgerWriter::Begin(sql::Database& db, std::string_view case_uuid,
                                         std::string_view origin, const PublicKey& signer) {
  LedgerWriter w;
  w.db_ = &db;
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(db, std::string(case_uuid)));
  if (!keys.problems.empty()) return CaseDoesNotVerify("keys: " + keys.problems.front());
  if (keys.epochs.empty()) return CaseDoesNotVerify("the ledger has no key.added entry");

  // (1) The newest checkpoint is signed by the key in force at its size.
  auto head = NewestSignedCheckpoint(db, keys.epochs, origin);
  if (!head.ok()) {
    const StatusCode code = head.status().code();
    if (code != StatusCode::kCorruption && code != StatusCode::kVerificationFailed) {
      return head.status();
    }
    return CaseDoesNotVerify(head.status().message());
  }
  const Checkpoint& cp = head->checkpoint;
  const std::string label =
      "checkpoint " + std::to_string(head->id) + " (tree size " + Num(cp.size) + ")";
  w.signed_size_ = cp.size;
  w.sealed_size_ = cp.size;
  w.signed_root_ = cp.root;

  // (2) It covers exactly the entries there are: nothing unsealed, nothing deleted.
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t size, LedgerSize(db));
  if (size != cp.size) {
    return CaseDoesNotVerify("the ledger holds " + Num(size) + " entries, but its newest signed " +
                             label + " covers " + Num(cp.size));
  }

  // (3) The stored tree has the signed root. The cache is tried first (O(log n)); if it disagrees,
  // the leaf hashes decide, and a cache that was only damaged is rebuilt from them.
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource cached, LedgerHashSource::Load(db, cp.size));
  auto peaks = SubtreePeaks(cached, cp.size);
  if (!peaks.ok() && peaks.status().code() != StatusCode::kCorruption) return peaks.status();
  if (peaks.ok() && RootOfPeaks(*peaks) == cp.root) {
    w.source_.emplace(std::move(cached));
  } else {
    EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource leaves,
                              LedgerHashSource::LoadTrustingCacheBelow(db, cp.size, 0));
    peaks = SubtreePeaks(leaves, cp.size);
    if (!peaks.ok()) {
      if (peaks.status().code() != StatusCode::kCorruption) return peaks.status();
      return CaseDoesNotVerify(peaks.status().message());
    }
    const merkle::Hash root = RootOfPeaks(*peaks);
    if (root != cp.root) {
      return CaseDoesNotVerify("the ledger's root at " + Num(cp.size) + " entries is " +
                               Short(root) + ", but " + label + " signed " + Short(cp.root) +
                               ": entries were altered");
    }
    EVIDENCE_RETURN_IF_ERROR(RebuildNodeCache(db));
    w.source_.emplace(std::move(leaves));
  }
  EVIDENCE_ASSIGN_OR_RETURN(LedgerAppender appender,
                            LedgerAppender::Resume(db, cp.size, std::move(peaks).value()));
  w.appender_.emplace(std::move(appender));

  // (4) The keys are the signed ones, and the key about to sign is the one in force.
  for (const auto& epoch : keys.epochs) {
    if (epoch.seq >= cp.size) {
      return CaseDoesNotVerify("key.added entry " + Num(epoch.seq) +
                               " is not covered by the newest signed checkpoint");
    }
    EVIDENCE_RETURN_IF_ERROR(w.ReadVerified(epoch.seq).status());
  }
  const KeyEpoch& current = keys.epochs.back();
  if (!(current.key == signer)) {
    return CaseDoesNotVerify("the signing key " + signer.Fingerprint() +
                             " is not the key in force in the ledger (" + current.fingerprint +
                             ", entry " + Num(current.seq) +
                             "): the key file was replaced; it was not used");
  }
  return w;
}

Result<LedgerEntry> LedgerWriter::ReadVerified(std::uint64_t seq) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT entry FROM entries WHERE seq = ?"));
  st.Bind(1, static_cast<std::int64_t>(seq));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return CaseDoesNotVerify("entry " + Num(seq) + " is missing");
  const Bytes bytes = st.ColumnBlob(0);
  (void)st.Reset();
  if (seq < signed_size_) {
    const merkle::Hash leaf = merkle::LeafHash(bytes);
    auto proven = [&](const LedgerHashSource& source) -> Result<bool> {
      auto proof = merkle::InclusionProof(source, seq, signed_size_);
      if (!proof.ok()) {
        if (proof.status().code() == StatusCode::kCorruption) return false;
        return proof.status();
      }
      return merkle::VerifyInclusion(seq, signed_size_, leaf, *proof, signed_root_).ok();
    };
    EVIDENCE_ASSIGN_OR_RETURN(bool ok, proven(*source_));
    if (!ok) {
      // The cache may be damaged where the guard did not look; the leaf hashes have the last word.
      EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource leaves,
                                LedgerHashSource::LoadTrustingCacheBelow(*db_, signed_size_, 0));
      EVIDENCE_ASSIGN_OR_RETURN(ok, proven(leaves));
    }
    if (!ok) {
      return CaseDoesNotVerify("entry " + Num(seq) +
                               " is not the entry the signed checkpoint covers (it was altered)");
    }
  }
  auto entry = ParseLedgerEntry(AsChars(bytes));
  if (!entry.ok()) return CaseDoesNotVerify("entry " + Num(seq) + ": " + entry.status().message());
  return entry;
}

Result<std::uint64_t> LedgerWriter::Append(LedgerEntry e, const std::optional<std::string>& item,
                                           const std::optional<std::string>& incident) {
  e.seq = appender_->size();
  EVIDENCE_ASSIGN_OR_RETURN(std::string bytes, e.Encode());
  return appender_->Append(AsBytes(bytes), e.time, e.action, item, incident);
}

Status LedgerWriter::Seal(const SigningKey& key, std::string_view key_name,
                          std::string_view origin) {
  if (appender_->size() == sealed_size_) return Status::Ok();
  Checkpoint cp{std::string(origin), appender_->size(), RootOfPeaks(appender_->peaks())};
  EVIDENCE_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(cp, key_name, key));
  EVIDENCE_ASSIGN_OR_RETURN(
      auto insert, db_->Prepare("INSERT INTO checkpoints(size, note, created) VALUES (?, ?, ?)"));
  EVIDENCE_RETURN_IF_ERROR(
      insert.Bind(1, static_cast<std::int64_t>(cp.size)).Bind(2, note).Bind(3, NowRfc3339()).Run());
  sealed_size_ = cp.size;
  return Status::Ok();
}

Status RebuildNodeCache(sql::Database& db) {
  EVIDENCE_RETURN_IF_ERROR(db.Exec("DELETE FROM nodes"));
  EVIDENCE_ASSIGN_OR_RETURN(auto insert,
                            db.Prepare("INSERT INTO nodes(size, level, hash) VALUES (?, ?, ?)"));
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, leaf_hash FROM entries ORDER BY seq"));
  NodeStack tree;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Bytes b = st.ColumnBlob(1);
    merkle::Hash leaf{};
    // A damaged ledger gets no cache past the damage; proofs there recompute (and fail there).
    if (static_cast<std::uint64_t>(st.ColumnInt(0)) != tree.size() || b.size() != leaf.size()) {
      break;
    }
    std::copy(b.begin(), b.end(), leaf.begin());
    EVIDENCE_RETURN_IF_ERROR(
        tree.Append(leaf, [&](std::uint64_t size, unsigned level, const merkle::Hash& h) {
          return insert.Bind(1, static_cast<std::int64_t>(size))
              .Bind(2, static_cast<std::int64_t>(level))
              .BindBlob(3, h)
              .Run();
        }));
  }
  return Status::Ok();
}

}  // namespace evidence
