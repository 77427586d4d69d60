#include "bundle_verify_history.hpp"

#include "bundle_format.hpp"
#include "bundle_verify_members.hpp"

#include <nlohmann/json.hpp>

#include "evidence/bytes.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/merkle.hpp"

namespace evidence::bundle_internal {

namespace {

using bundle_format::kConsistency;

std::string Prefix(const Sha256Digest& h) { return HexEncode(h).substr(0, 16) + "..."; }

}  // namespace

std::vector<KeyEpoch> CheckKeyHistory(const Records& r, Checks& c) {
  std::vector<KeyEpoch> epochs;
  for (const auto& [seq, d] : r.entries) {
    if (d.entry.action != "key.added" || !d.proven) continue;
    auto epoch =
        ReadKeyAdded(seq, d.entry.data, r.case_uuid, epochs.empty() ? nullptr : &epochs.back());
    std::string subject = r.label + "entry " + std::to_string(seq);
    if (!epoch.ok()) {
      c.Fail("key", subject, epoch.status().message());
      continue;
    }
    if (epoch->endorsed_by) {
      c.Ok("key", subject,
           "key.added: " + epoch->fingerprint + " endorsed by the key it replaces, " +
               *epoch->endorsed_by);
    }
    epochs.push_back(std::move(epoch).value());
  }
  if (r.key && r.checkpoint && r.checkpoint_verified) {
    const KeyEpoch* due = KeyForSize(epochs, r.checkpoint->checkpoint.size);
    if (due != nullptr && !(due->key == *r.key)) {
      c.Fail("signature", r.prefix + "signer.pub.pem",
             r.fingerprint + " was replaced by key " + due->fingerprint + " (entry seq " +
                 std::to_string(due->seq) +
                 ") before the checkpoint: after a rotation only the new key may sign");
    }
  }
  return epochs;
}

std::optional<std::string> Endorsement(const std::vector<KeyEpoch>& epochs,
                                       const std::string& trusted_fingerprint,
                                       const std::string& signer_fingerprint) {
  // Epochs are a chain: each rotation is endorsed by the epoch before it.
  std::size_t start = epochs.size();
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    if (epochs[i].fingerprint == trusted_fingerprint) start = i;
  }
  std::string seqs;
  for (std::size_t i = start + 1; i < epochs.size(); ++i) {
    if (!epochs[i].endorsed_by || *epochs[i].endorsed_by != epochs[i - 1].fingerprint) break;
    seqs += (seqs.empty() ? "" : ", ") + std::to_string(epochs[i].seq);
    if (epochs[i].fingerprint == signer_fingerprint) {
      return "signer " + signer_fingerprint + " endorsed by trusted key " + trusted_fingerprint +
             " (entry seq " + seqs + ")";
    }
  }
  return std::nullopt;
}

std::vector<CarriedProof> CheckConsistencyProofs(const std::map<std::string, std::string>& files,
                                                 const Records& main, Checks& c) {
  std::vector<CarriedProof> out;
  auto it = files.find(kConsistency);
  if (it == files.end()) return out;
  auto parsed = ParseConsistencyJson(it->second, kConsistency);
  if (!parsed.ok()) {
    c.Fail("consistency", kConsistency, parsed.status().message());
    return out;
  }
  for (const ConsistencyElement& el : *parsed) {
    CarriedProof p;
    p.from_size = el.from_size;
    p.from_root = el.from_root;
    p.problem = el.problem;
    std::string subject = std::string(kConsistency) + " from size " + std::to_string(p.from_size);
    const std::vector<merkle::Hash>& hashes = el.path;
    if (p.problem.empty() && (!main.checkpoint || !main.checkpoint_verified)) {
      p.problem = "not checked: the bundle's checkpoint does not verify";
    }
    if (p.problem.empty()) {
      const Checkpoint& now = main.checkpoint->checkpoint;
      if (el.to_size != now.size) {
        p.problem = "to_size " + std::to_string(el.to_size) + " is not the checkpoint's size " +
                    std::to_string(now.size);
      } else if (Status st = merkle::VerifyConsistency(p.from_size, now.size, p.from_root, now.root,
                                                       hashes);
                 !st.ok()) {
        p.problem = "the consistency proof does not verify: " + st.message();
      } else {
        p.verified = true;
        c.Ok("consistency", subject,
             "the tree of size " + std::to_string(p.from_size) + " (root " + Prefix(p.from_root) +
                 ") is a prefix of the checkpoint's tree of size " + std::to_string(now.size));
      }
    }
    if (!p.verified) c.Fail("consistency", subject, p.problem);
    out.push_back(std::move(p));
  }
  return out;
}

void CheckSinceCheckpoint(const std::string& note, const std::string& option, const Records& main,
                          const std::vector<KeyEpoch>& epochs,
                          const std::vector<CarriedProof>& proofs, Checks& c) {
  const std::string& subject = option;
  if (!main.key || !main.checkpoint || !main.checkpoint_verified) {
    c.Fail("consistency", subject, "not checked: the bundle's own checkpoint does not verify");
    return;
  }
  auto parsed = ParseCheckpointNote(note);
  if (!parsed.ok()) {
    c.Fail("consistency", subject, "not a signed checkpoint: " + parsed.status().message());
    return;
  }
  const Checkpoint& was = parsed->checkpoint;
  const Checkpoint& now = main.checkpoint->checkpoint;
  // The older checkpoint must carry the signature of the key in force at its size, as the
  // bundle's disclosed key.added entries tell it; without rotations that is the bundle's signer.
  std::string key_name = main.key_name;
  PublicKey key = *main.key;
  if (const KeyEpoch* due = KeyForSize(epochs, was.size); due != nullptr) {
    key_name = due->name;
    key = due->key;
  }
  if (auto old = VerifyCheckpointNote(note, key_name, key); !old.ok()) {
    c.Fail("consistency", subject,
           "the older checkpoint is not signed by the key this case had at " +
               std::to_string(was.size) + " entries (" + key.Fingerprint() +
               "): " + old.status().message());
    return;
  }
  if (was.origin != now.origin) {
    c.Fail("consistency", subject,
           "the older checkpoint is of " + was.origin + ", the bundle of " + now.origin);
  } else if (was.size > now.size) {
    c.Fail("consistency", subject,
           "the older checkpoint has " + std::to_string(was.size) + " entries, the bundle's only " +
               std::to_string(now.size) + ": the ledger shrank");
  } else if (was.size == now.size) {
    if (was.root != now.root) {
      c.Fail("consistency", subject,
             "both checkpoints have size " + std::to_string(now.size) +
                 " but different roots: the ledger was rewritten");
    } else {
      c.Ok("consistency", subject, "the same tree of size " + std::to_string(now.size));
    }
  } else {
    const CarriedProof* match = nullptr;
    for (const auto& p : proofs) {
      if (p.from_size == was.size && (match == nullptr || p.from_root == was.root)) match = &p;
    }
    if (match == nullptr) {
      c.Fail("consistency", subject,
             "the bundle carries no consistency proof from size " + std::to_string(was.size) +
                 " in evidence/consistency.json: nothing shows that its ledger extends the older "
                 "checkpoint (export it with options.since_checkpoint)");
    } else if (match->from_root != was.root) {
      c.Fail("consistency", subject,
             "the bundle's ledger had root " + Prefix(match->from_root) + " at size " +
                 std::to_string(was.size) + ", but the older checkpoint signed " +
                 Prefix(was.root) + ": the ledger was rewritten since");
    } else if (!match->verified) {
      c.Fail("consistency", subject,
             "the consistency proof from size " + std::to_string(was.size) +
                 " does not verify: " + match->problem);
    } else {
      c.Ok("consistency", subject,
           "size " + std::to_string(was.size) + " to " + std::to_string(now.size) +
               ": the consistency proof verifies, the ledger only grew since the older "
               "checkpoint");
    }
  }
}

}  // namespace evidence::bundle_internal
