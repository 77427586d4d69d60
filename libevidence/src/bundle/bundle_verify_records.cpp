#include "bundle_verify_records.hpp"

#include <cstdio>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bundle_format.hpp"
#include "bundle_verify_members.hpp"
#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "evidence/merkle.hpp"

namespace evidence::bundle_internal {

std::string Sha256Hex(std::string_view bytes) { return DigestHex(Sha256::Of(bytes)); }

namespace {

std::string KeyIdHex(std::uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", id);
  return buf;
}

const std::string* Find(const std::map<std::string, std::string>& files, const std::string& k) {
  auto it = files.find(k);
  return it == files.end() ? nullptr : &it->second;
}

struct Line {
  std::size_t number = 0;  // 1-based line number in ledger.jsonl
  std::string bytes;
  std::optional<LedgerEntry> entry;
};

std::vector<Line> CheckLedger(const std::string& path, const std::string& text, Checks& c) {
  std::vector<Line> lines;
  std::size_t mark = c.Mark();
  if (text.empty()) {
    c.Fail("ledger", path,
           "no entries: a bundle discloses at least case.created and export.created");
    return lines;
  }
  std::optional<std::uint64_t> last_seq;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    Line line;
    line.number = lines.size() + 1;
    std::string where = path + " line " + std::to_string(line.number);
    if (nl == std::string::npos) {
      c.Fail("ledger", where, "does not end with a newline");
      nl = text.size();
    }
    line.bytes = text.substr(pos, nl - pos);
    pos = nl + 1;
    auto entry = ParseLedgerEntry(line.bytes);
    if (!entry.ok()) {
      c.Fail("ledger", where, "not a canonical ledger entry: " + entry.status().message());
    } else {
      if (last_seq && entry->seq <= *last_seq) {
        c.Fail("ledger", where,
               "entry " + std::to_string(entry->seq) + " comes after entry " +
                   std::to_string(*last_seq) + " (lines must be in increasing seq order)");
      }
      last_seq = entry->seq;
      line.entry = std::move(entry).value();
    }
    lines.push_back(std::move(line));
  }
  if (!c.FailedSince(mark)) {
    c.Ok("ledger", path,
         std::to_string(lines.size()) + " canonical entries in seq order, entry " +
             std::to_string(lines.front().entry->seq) + " to " +
             std::to_string(lines.back().entry->seq));
  }
  return lines;
}

void CheckKeyBinding(Records& r, const std::string& pem_path, Checks& c) {
  std::string raw_b64 = Base64Encode(r.key->raw());
  for (const auto& [seq, d] : r.entries) {
    if (d.entry.action != "key.added") continue;
    auto pk = d.entry.data.find("public_key");
    if (pk == d.entry.data.end() || !pk->is_string() || pk->get<std::string>() != raw_b64) continue;
    std::string name;
    if (auto k = d.entry.data.find("key"); k != d.entry.data.end() && k->is_string()) {
      name = k->get<std::string>();
    }
    c.Ok("signature", pem_path,
         "the key added by " + r.label + "entry " + std::to_string(seq) + " (key " + name +
             "), fingerprint " + r.fingerprint);
    if (r.key_name.empty()) r.key_name = name;
    return;
  }
  c.Fail("signature", pem_path,
         r.fingerprint + " is not the key of any disclosed key.added entry in " + r.prefix +
             "ledger.jsonl");
}

void CheckCheckpoint(Records& r, const std::string& path, const std::string& note, Checks& c) {
  r.checkpoint_sha256 = Sha256Hex(note);
  auto parsed = ParseCheckpointNote(note);
  if (!parsed.ok()) {
    c.Fail("checkpoint", path, "not a signed checkpoint: " + parsed.status().message());
    return;
  }
  r.checkpoint = *parsed;
  if (!r.key) {
    c.Fail("checkpoint", path, "not checked: no usable signer.pub.pem");
    return;
  }
  // The key name is whatever the signature line says; the key id ties that name to this key.
  std::string found;
  const NoteSignature* ours = nullptr;
  for (const auto& sig : parsed->signatures) {
    if (sig.key_id == KeyId(sig.key_name, *r.key)) {
      ours = &sig;
      break;
    }
    found += (found.empty() ? "" : ", ") + sig.key_name + " (id " + KeyIdHex(sig.key_id) + ")";
  }
  if (ours == nullptr) {
    c.Fail("checkpoint", path,
           "no signature line by the signer's key " + r.fingerprint +
               (found.empty() ? std::string() : "; signed by " + found));
    return;
  }
  auto verified = VerifyCheckpointNote(note, ours->key_name, *r.key);
  if (!verified.ok()) {
    c.Fail("checkpoint", path, verified.status().message());
    return;
  }
  r.checkpoint_verified = true;
  const Checkpoint& cp = parsed->checkpoint;
  std::string expected_origin = "evidence.case/" + r.case_uuid;
  if (!r.case_uuid.empty() && cp.origin != expected_origin) {
    c.Fail("checkpoint", path,
           "origin \"" + cp.origin + "\" is not this case's \"" + expected_origin + "\"");
  }
  if (!r.key_name.empty() && r.key_name != ours->key_name) {
    c.Fail("checkpoint", path,
           "signed under the key name " + ours->key_name + ", but the key.added entry names " +
               r.key_name);
  }
  r.key_name = ours->key_name;
  c.Ok("checkpoint", path,
       "size " + std::to_string(cp.size) + ", root " + Base64Encode(cp.root) + ", origin " +
           cp.origin + ", signed by " + ours->key_name + " (key id " + KeyIdHex(ours->key_id) +
           ")");
}

void CheckProofs(Records& r, const std::string& path, const std::string& text,
                 const std::vector<Line>& lines, Checks& c) {
  auto parsed = ParseProofsJson(text, path);
  if (!parsed.ok()) {
    c.Fail("proof", path, parsed.status().message());
    return;
  }
  if (!r.checkpoint) {
    c.Fail("proof", path, "not checked: there is no readable checkpoint to prove against");
    return;
  }
  const Checkpoint& cp = r.checkpoint->checkpoint;
  if (parsed->tree_size != cp.size) {
    c.Fail("proof", path,
           "tree_size " + std::to_string(parsed->tree_size) +
               " differs from the checkpoint's size " + std::to_string(cp.size));
  }
  const std::vector<ProofElement>& elements = parsed->entries;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    std::string subject =
        line.entry ? r.label + "entry " + std::to_string(line.entry->seq)
                   : r.prefix + bundle_format::kLedgerName + " line " + std::to_string(line.number);
    if (i >= elements.size()) {
      c.Fail("proof", subject, "no element for it in " + path);
      continue;
    }
    const ProofElement& el = elements[i];
    if (!el.problem.empty()) {
      c.Fail("proof", subject, el.problem);
      continue;
    }
    std::uint64_t s = el.seq;
    if (line.entry && s != line.entry->seq) {
      c.Fail("proof", subject,
             path + " element " + std::to_string(i) + " is for seq " + std::to_string(s) +
                 ", but line " + std::to_string(line.number) + " of ledger.jsonl is entry " +
                 std::to_string(line.entry->seq));
      continue;
    }
    merkle::Hash leaf_hash = merkle::LeafHash(AsBytes(line.bytes));
    if (el.leaf_hash && *el.leaf_hash != leaf_hash) {
      c.Fail("proof", subject,
             "leaf_hash in " + path + " is not the hash of the ledger line (" +
                 DigestHex(leaf_hash) + ")");
      continue;
    }
    Status st = merkle::VerifyInclusion(s, cp.size, leaf_hash, el.inclusion_path, cp.root);
    if (!st.ok()) {
      c.Fail("proof", subject,
             "inclusion proof in the tree of size " + std::to_string(cp.size) +
                 " does not verify: " + st.message());
      continue;
    }
    if (!line.entry) continue;  // the line itself already failed
    c.Ok("proof", subject,
         line.entry->action + ": leaf " + std::to_string(s) + " of the tree of size " +
             std::to_string(cp.size) + " leads to the checkpoint's root");
    if (r.checkpoint_verified) r.entries[line.entry->seq].proven = true;
  }
  if (elements.size() > lines.size()) {
    c.Fail("proof", path,
           std::to_string(elements.size() - lines.size()) +
               " more elements than ledger.jsonl has lines");
  }
}

}  // namespace

Records CheckRecords(const std::map<std::string, std::string>& tag_files, const std::string& prefix,
                     const std::string& label, Checks& c) {
  Records r;
  r.prefix = prefix;
  r.label = label;

  std::string pem_path = prefix + bundle_format::kSignerPemName;
  if (const std::string* pem = Find(tag_files, pem_path); pem == nullptr) {
    c.Fail("signature", pem_path, "missing from the bundle");
  } else if (auto key = PublicKey::FromPem(*pem); !key.ok()) {
    c.Fail("signature", pem_path, "not an Ed25519 public key: " + key.status().message());
  } else {
    r.key = *key;
    r.fingerprint = key->Fingerprint();
  }

  std::string ledger_path = prefix + bundle_format::kLedgerName;
  std::vector<Line> lines;
  if (const std::string* text = Find(tag_files, ledger_path); text == nullptr) {
    c.Fail("ledger", ledger_path, "missing from the bundle");
  } else {
    lines = CheckLedger(ledger_path, *text, c);
  }
  for (const auto& line : lines) {
    if (line.entry) r.entries.emplace(line.entry->seq, DisclosedEntry{*line.entry, line.bytes});
  }
  if (auto it = r.entries.find(0);
      it != r.entries.end() && it->second.entry.action == "case.created") {
    auto uuid = it->second.entry.data.find("case");
    if (uuid != it->second.entry.data.end() && uuid->is_string()) {
      r.case_uuid = uuid->get<std::string>();
    }
  }
  if (r.case_uuid.empty() && !lines.empty()) {
    c.Fail("ledger", label + "entry 0",
           "the case.created entry (with the case UUID) is not disclosed in " + ledger_path);
  }
  if (r.key) CheckKeyBinding(r, pem_path, c);

  std::string checkpoint_path = prefix + bundle_format::kCheckpointName;
  if (const std::string* note = Find(tag_files, checkpoint_path); note == nullptr) {
    c.Fail("checkpoint", checkpoint_path, "missing from the bundle");
  } else {
    CheckCheckpoint(r, checkpoint_path, *note, c);
  }

  std::string proofs_path = prefix + bundle_format::kProofsName;
  if (const std::string* text = Find(tag_files, proofs_path); text == nullptr) {
    c.Fail("proof", proofs_path, "missing from the bundle");
  } else {
    CheckProofs(r, proofs_path, *text, lines, c);
  }
  return r;
}

}  // namespace evidence::bundle_internal
