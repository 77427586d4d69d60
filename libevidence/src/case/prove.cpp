// Case::Prove and Case::ProveConsistency (`evidence prove`), and the consistency proofs and key
// history an export carries: RFC 9162 proofs computed from the ledger's stored leaf hashes through
// the merkle:: API, always against a signed checkpoint (docs/merkle.md, docs/bundle.md).
#include <map>
#include <set>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "ledger_payloads.hpp"
#include "ledger_source.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

std::string Short(const Sha256Digest& h) { return HexEncode(h).substr(0, 16) + "..."; }

// The newest checkpoint, and a hash source over exactly the entries it covers, checked against
// its signed root so that no proof is ever computed from a ledger that no longer matches.
struct Head {
  SignedCheckpoint cp;
  std::string note;
};

Result<Head> NewestHead(const Case& c) {
  Head h;
  EVIDENCE_ASSIGN_OR_RETURN(h.note, c.LatestCheckpoint());
  auto parsed = ParseCheckpointNote(h.note);
  if (!parsed.ok()) return parsed.status().WithContext("the newest checkpoint");
  h.cp = std::move(parsed).value();
  return h;
}

Status CheckRoot(const merkle::HashSource& source, const Checkpoint& cp) {
  EVIDENCE_ASSIGN_OR_RETURN(merkle::Hash root, merkle::RootAt(source, cp.size));
  if (root != cp.root) {
    return Status::Corruption("the ledger's root at " + std::to_string(cp.size) + " entries is " +
                              Short(root) + ", but the newest checkpoint signed " + Short(cp.root) +
                              " (run `evidence verify`)");
  }
  return Status::Ok();
}

nlohmann::json HexList(const std::vector<Sha256Digest>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(HexEncode(h));
  return out;
}

}  // namespace

Result<InclusionProofs> Case::Prove(std::string_view id) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  InclusionProofs out;
  const char* column = "item";
  if (auto item = GetItem(id); item.ok()) {
    out.id = item->exhibit;
  } else if (item.status().code() != StatusCode::kNotFound) {
    return item.status();
  } else if (auto inc = GetIncident(id); inc.ok()) {
    out.id = inc->id;
    column = "incident";
  } else if (inc.status().code() != StatusCode::kNotFound) {
    return inc.status();
  } else {
    return Status::NotFound("no exhibit or incident " + std::string(id) + " in this case");
  }

  EVIDENCE_ASSIGN_OR_RETURN(Head head, NewestHead(*this));
  const Checkpoint& cp = head.cp.checkpoint;
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source, LedgerHashSource::Load(s_->db, cp.size));
  EVIDENCE_RETURN_IF_ERROR(CheckRoot(source, cp));
  out.checkpoint = head.note;
  out.tree_size = cp.size;
  out.root = cp.root;

  EVIDENCE_ASSIGN_OR_RETURN(auto st, s_->db.Prepare(std::string("SELECT seq, entry FROM entries "
                                                                "WHERE ") +
                                                    column + " = ?1 AND seq < ?2 ORDER BY seq"));
  st.Bind(1, out.id).Bind(2, static_cast<std::int64_t>(cp.size));
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    EntryProof p;
    p.seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    Bytes bytes = st.ColumnBlob(1);
    p.entry.assign(AsChars(bytes));
    // The stored leaf hash is what the checkpoint commits to; the bytes must still hash to it.
    EVIDENCE_ASSIGN_OR_RETURN(p.leaf_hash, source.LeafHash(p.seq));
    if (merkle::LeafHash(bytes) != p.leaf_hash) {
      return Status::Corruption(
          "entry " + std::to_string(p.seq) +
          ": its bytes no longer match its leaf hash (run `evidence verify`)");
    }
    EVIDENCE_ASSIGN_OR_RETURN(p.inclusion_path, merkle::InclusionProof(source, p.seq, cp.size));
    out.entries.push_back(std::move(p));
  }
  return out;
}

Result<ConsistencyProofs> ConsistencyFrom(const CaseInfo& info, const KeyHistory& keys,
                                          const merkle::HashSource& source,
                                          const Sha256Digest& new_root, std::string_view old_note) {
  auto parsed = ParseCheckpointNote(old_note);
  if (!parsed.ok()) {
    return Status::InvalidArgument("not a signed checkpoint: " + parsed.status().message());
  }
  const Checkpoint& old = parsed->checkpoint;
  if (old.origin != info.origin) {
    return Status::InvalidArgument("a checkpoint of \"" + old.origin + "\", not of this case (\"" +
                                   info.origin + "\")");
  }
  auto verified = VerifyCaseCheckpoint(keys, old_note);
  if (!verified.ok()) {
    return Status::VerificationFailed(
        "the older checkpoint (tree size " + std::to_string(old.size) +
        ") is not signed by this case's key: " + verified.status().message());
  }
  ConsistencyProofs out;
  out.old_size = old.size;
  out.old_root = old.root;
  out.old_signer = KeyForSize(keys.epochs, old.size)->fingerprint;
  out.new_size = source.size();
  out.new_root = new_root;
  if (old.size == 0) {
    return Status::InvalidArgument("a checkpoint of the empty tree proves nothing");
  }
  if (old.size > out.new_size) {
    return Status::VerificationFailed(
        "consistency: the older checkpoint commits to " + std::to_string(old.size) +
        " entries, but the ledger's newest checkpoint to only " + std::to_string(out.new_size) +
        ": entries were removed after being signed");
  }
  EVIDENCE_ASSIGN_OR_RETURN(merkle::Hash root_then, merkle::RootAt(source, old.size));
  if (root_then != old.root) {
    return Status::VerificationFailed(
        "consistency: the older checkpoint signed root " + Short(old.root) + " at " +
        std::to_string(old.size) + " entries, but this ledger's root at that size is " +
        Short(root_then) + ": entries before " + std::to_string(old.size) +
        " were rewritten since that checkpoint was handed out");
  }
  EVIDENCE_ASSIGN_OR_RETURN(out.path, merkle::ConsistencyProof(source, old.size, out.new_size));
  // Belt and braces: what we hand out must verify with the RFC algorithm.
  EVIDENCE_RETURN_IF_ERROR(
      merkle::VerifyConsistency(old.size, out.new_size, old.root, new_root, out.path));
  return out;
}

Result<ConsistencyProofs> Case::ProveConsistency(std::string_view old_checkpoint) const {
  EVIDENCE_ASSIGN_OR_RETURN(Head head, NewestHead(*this));
  const Checkpoint& cp = head.cp.checkpoint;
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(s_->db, s_->info.uuid));
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source, LedgerHashSource::Load(s_->db, cp.size));
  EVIDENCE_RETURN_IF_ERROR(CheckRoot(source, cp));
  EVIDENCE_ASSIGN_OR_RETURN(ConsistencyProofs out,
                            ConsistencyFrom(s_->info, keys, source, cp.root, old_checkpoint));
  out.checkpoint = head.note;
  return out;
}

Result<std::string> CaseState::BundleConsistencyJson(const Checkpoint& now,
                                                     std::uint64_t export_seq,
                                                     const std::optional<std::string>& extra_note,
                                                     std::uint64_t* count) {
  *count = 0;
  // The checkpoints this case has handed out: the one of each earlier export (sealed right after
  // its export.created entry) and each time-stamped one.
  std::set<std::uint64_t> sizes;
  std::set<std::string> stamped_sha256;
  {
    EVIDENCE_ASSIGN_OR_RETURN(
        auto st, db.Prepare("SELECT seq, action, entry FROM entries WHERE seq < ?1 AND action IN "
                            "('export.created', 'timestamp.attached') ORDER BY seq"));
    st.Bind(1, static_cast<std::int64_t>(export_seq));
    for (;;) {
      EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
      if (st.ColumnText(1) == "export.created") {
        sizes.insert(seq + 1);
        continue;
      }
      Bytes bytes = st.ColumnBlob(2);
      auto e = ParseLedgerEntry(AsChars(bytes));
      if (!e.ok()) return e.status();
      EVIDENCE_ASSIGN_OR_RETURN(payload::TimestampAttached stamp,
                                payload::ParseAs<payload::TimestampAttached>(*e));
      sizes.insert(stamp.checkpoint_size);
      stamped_sha256.insert(stamp.checkpoint_sha256);
    }
  }
  std::map<std::uint64_t, std::string> notes;  // by size, first note of that size
  EVIDENCE_RETURN_IF_ERROR(ForEachCheckpoint(db, [&](const CheckpointRow& cp) {
    bool wanted = sizes.count(cp.size) ||
                  stamped_sha256.count(DigestHex(Sha256::Of(std::string_view(cp.note))));
    if (wanted && cp.size < now.size && !notes.count(cp.size)) notes[cp.size] = cp.note;
    return Status::Ok();
  }));
  std::optional<std::uint64_t> extra_size;
  if (extra_note) {
    if (auto p = ParseCheckpointNote(*extra_note); p.ok()) extra_size = p->checkpoint.size;
  }
  if (notes.empty() && !extra_note) return std::string();

  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(db, info.uuid));
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source, LedgerHashSource::Load(db, now.size));
  nlohmann::json out = nlohmann::json::array();
  auto add = [&](std::string_view note) -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(ConsistencyProofs p,
                              ConsistencyFrom(info, keys, source, now.root, note));
    out.push_back({{"from_size", p.old_size},
                   {"from_root", HexEncode(p.old_root)},
                   {"to_size", p.new_size},
                   {"path", HexList(p.path)}});
    return Status::Ok();
  };
  if (extra_note) {
    Status st = add(*extra_note);
    if (!st.ok())
      return st.WithContext("the checkpoint to prove from").AboutArgument("since_checkpoint");
  }
  for (const auto& [size, note] : notes) {
    if (extra_size == size) continue;
    Status st = add(note);
    if (!st.ok()) {
      return st.WithContext("the checkpoint of size " + std::to_string(size) +
                            " handed out earlier");
    }
  }
  std::sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["from_size"].get<std::uint64_t>() < b["from_size"].get<std::uint64_t>();
  });
  *count = out.size();
  return out.dump(2) + "\n";
}

Result<std::string> CaseState::BundleKeysJson() {
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(db, info.uuid));
  if (!keys.problems.empty()) {
    return Status::Corruption("keys: " + keys.problems.front() + " (run `evidence verify`)");
  }
  if (keys.epochs.size() < 2) return std::string();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : keys.epochs) {
    nlohmann::json j = {{"entry", e.seq},
                        {"key", e.name},
                        {"fingerprint", e.fingerprint},
                        {"public_key_pem", e.key.ToPem()}};
    if (e.endorsed_by) j["endorsed_by"] = *e.endorsed_by;
    out.push_back(j);
  }
  return out.dump(2) + "\n";
}

}  // namespace evidence
