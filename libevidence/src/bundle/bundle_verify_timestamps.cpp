// The time-stamp part of VerifyBundle (bundle_verify_timestamps.hpp).
#include "bundle_verify_timestamps.hpp"
#include "bundle_format.hpp"

#include <charconv>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bundle_verify_members.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/hash.hpp"
#include "evidence/merkle.hpp"
#include "evidence/timestamp.hpp"
#include "small_file.hpp"

namespace evidence::bundle_internal {

namespace {

namespace fs = std::filesystem;

// The consistency proof from `old` to the records' checkpoint in <prefix>consistency.json, checked
// here; false when there is none or it does not verify (that file's own check reports why).
bool ProvenConsistent(const std::map<std::string, std::string>& tag_files, const Records& r,
                      const Checkpoint& old) {
  const Checkpoint& now = r.checkpoint->checkpoint;
  if (old.size == now.size) return old.root == now.root;
  auto it = tag_files.find(r.prefix + bundle_format::kConsistencyName);
  if (it == tag_files.end()) return false;
  auto proofs = ParseConsistencyJson(it->second, r.prefix + bundle_format::kConsistencyName);
  if (!proofs.ok()) return false;
  for (const auto& p : *proofs) {
    if (!p.problem.empty() || p.from_size != old.size || p.to_size != now.size ||
        p.from_root != old.root) {
      continue;
    }
    if (merkle::VerifyConsistency(old.size, now.size, old.root, now.root, p.path).ok()) {
      return true;
    }
  }
  return false;
}

void CheckOne(const std::map<std::string, std::string>& tag_files, const Records& r,
              const std::vector<KeyEpoch>* epochs, const std::string& path, const std::string& der,
              std::uint64_t n, const std::optional<std::string>& ca, Checks& c,
              BundleTimestamp* t) {
  std::string cp_path =
      r.prefix + bundle_format::kTimestampsName + std::to_string(n) + ".checkpoint";
  auto cp_file = tag_files.find(cp_path);
  if (cp_file == tag_files.end()) {
    c.Fail("timestamp", path, "the checkpoint it covers, " + cp_path + ", is not in the bundle");
    return;
  }
  if (!r.key || !r.checkpoint) {
    c.Fail("timestamp", path,
           "not checked: the records it belongs to have no usable signer key or checkpoint");
    return;
  }
  // A case that rotated its key signed the earlier checkpoint with the key in force then.
  const KeyEpoch* epoch = epochs != nullptr ? KeyForSize(*epochs, n) : nullptr;
  std::string key_name = epoch != nullptr ? epoch->name : r.key_name;
  const PublicKey& key = epoch != nullptr ? epoch->key : *r.key;
  std::string fingerprint = epoch != nullptr ? epoch->fingerprint : r.fingerprint;
  auto old = VerifyCheckpointNote(cp_file->second, key_name, key);
  if (!old.ok()) {
    c.Fail(
        "timestamp", path,
        cp_path + " is not a checkpoint signed by " + fingerprint + ": " + old.status().message());
    return;
  }
  const Checkpoint& was = old->checkpoint;
  const Checkpoint& now = r.checkpoint->checkpoint;
  if (was.origin != now.origin || was.size != n || was.size > now.size) {
    c.Fail("timestamp", path,
           cp_path + " is the checkpoint of " + was.origin + " at size " +
               std::to_string(was.size) + ", not an earlier checkpoint (size " + std::to_string(n) +
               ") of " + now.origin + ", whose checkpoint has size " + std::to_string(now.size));
    return;
  }
  TimestampCheck check{Sha256::Of(std::string_view(old->body)), std::nullopt, ca};
  auto token = VerifyTimestampResponse(AsBytes(der), check);
  if (!token.ok()) {
    c.Fail("timestamp", path,
           std::string(token.status().code() == StatusCode::kVerificationFailed
                           ? ""
                           : "not a valid time-stamp: ") +
               token.status().message());
    return;
  }
  t->gen_time = token->gen_time;
  t->tsa = token->tsa_name;
  t->serial = token->serial;
  t->policy = token->policy;
  t->chain_checked = token->chain_checked;
  t->consistent = ProvenConsistent(tag_files, r, was);
  t->ok = true;
  c.Ok("timestamp", path,
       "checkpoint of size " + std::to_string(n) + " existed at " + token->gen_time +
           " (TSA: " + token->tsa_name + ", serial " + token->serial + "); " +
           (token->chain_checked
                ? "the TSA certificate chains to options.tsa_ca"
                : "the TSA certificate chain was not checked (give options.tsa_ca)") +
           "; " +
           (t->consistent ? "the bundle's ledger extends that checkpoint (consistency proof)"
                          : "no consistency proof ties it to the bundle's checkpoint"));
}

}  // namespace

void CheckTimestamps(const std::map<std::string, std::string>& tag_files,
                     const std::vector<const Records*>& records,
                     const std::vector<KeyEpoch>& main_epochs,
                     const std::optional<std::string>& tsa_ca_pem, Checks& c,
                     std::vector<BundleTimestamp>* out) {
  for (const Records* r : records) {
    const std::string dir = r->prefix + bundle_format::kTimestampsName;
    for (auto it = tag_files.lower_bound(dir);
         it != tag_files.end() && it->first.rfind(dir, 0) == 0; ++it) {
      const std::string& path = it->first;
      std::string_view name(path);
      name.remove_prefix(dir.size());
      if (name.ends_with(".checkpoint")) continue;  // checked with its token
      std::uint64_t n = 0;
      std::string_view stem = name.substr(0, name.size() >= 4 ? name.size() - 4 : 0);
      auto [p, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), n);
      if (!name.ends_with(".tsr") || stem.empty() || ec != std::errc() ||
          p != stem.data() + stem.size()) {
        c.Fail("timestamp", path, "not a token named <tree size>.tsr");
        continue;
      }
      BundleTimestamp t;
      t.file = path;
      t.checkpoint_size = n;
      const std::vector<KeyEpoch>* epochs =
          r == records.front() && !main_epochs.empty() ? &main_epochs : nullptr;
      CheckOne(tag_files, *r, epochs, path, it->second, n, tsa_ca_pem, c, &t);
      out->push_back(std::move(t));
    }
  }
}

}  // namespace evidence::bundle_internal
