// VerifyBundle: the officer's offline check of a bundle (docs/bundle.md, docs/verify-bundle.md).
// bundle_verify_scan.cpp reads the archive once; this file checks what it read, in the order of
// docs/bundle.md "What verify-bundle checks", one report line per check and per item.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "bagit.hpp"
#include "bundle_format.hpp"
#include "bundle_verify.hpp"
#include "bundle_verify_history.hpp"
#include "bundle_verify_items.hpp"
#include "bundle_verify_members.hpp"
#include "bundle_verify_records.hpp"
#include "bundle_verify_scan.hpp"
#include "bundle_verify_timestamps.hpp"
#include "evidence/bundle.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/printable.hpp"
#include "evidence/signing.hpp"
#include "ledger_payloads.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "tsa_ca.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;
using bundle_internal::Checks;
using bundle_internal::DisclosedEntry;
using bundle_internal::Records;
using bundle_internal::ScanResult;
using bundle_internal::Sha256Hex;
using bundle_internal::VerifiedBundle;

using bundle_format::kBagInfo;
using bundle_format::kBagitTxt;
using bundle_format::kKeys;
using bundle_format::kManifest;
using bundle_format::kSignature;
using bundle_format::kSignerPem;
using bundle_format::kTagManifest;

std::string Prefix(const std::string& hex) { return hex.substr(0, 16) + "..."; }

const std::string* Tag(const ScanResult& s, const std::string& path) {
  auto it = s.tag_files.find(path);
  return it == s.tag_files.end() ? nullptr : &it->second;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// A file an option names; errors are about `argument`, the option's field name.
Result<std::string> ReadArgumentFile(const fs::path& path, const std::string& argument) {
  auto text = ReadSmallFile(path, kMaxNoteSize);
  if (!text.ok()) return text.status().AboutArgument(argument);
  return text;
}

// options.trust or options.fingerprint (`argument`): "SHA256:<hex>" or (trust only) a PEM file.
// Returns the fingerprint to require.
Result<std::string> TrustedFingerprint(const std::string& trust, const std::string& argument) {
  std::string lower = trust;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind("sha256:", 0) == 0) {
    std::string hex = lower.substr(7);
    if (hex.size() != 64 || !HexDecode(hex).ok()) {
      return Status::InvalidArgument("\"" + trust + "\" is not SHA256: followed by 64 hex digits")
          .AboutArgument(argument);
    }
    return "SHA256:" + hex;
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::string pem, ReadArgumentFile(trust, argument));
  auto key = PublicKey::FromPem(pem);
  if (!key.ok()) {
    return Status::InvalidArgument(trust + ": " + key.status().message()).AboutArgument(argument);
  }
  return key->Fingerprint();
}

// ---- BagIt (check 2) ----

struct Bag {
  bool manifest_ok = false;
  std::map<std::string, std::string> manifest;  // decoded path -> sha256
  std::vector<std::pair<std::string, std::string>> info;
};

void CheckBagitTxt(const ScanResult& s, Checks& c) {
  const std::string* t = Tag(s, kBagitTxt);
  if (t == nullptr) {
    c.Fail("bagit", kBagitTxt, "missing from the bundle");
  } else if (*t != bagit::kBagitTxt) {
    c.Fail("bagit", kBagitTxt,
           "is not exactly \"BagIt-Version: 1.0\\nTag-File-Character-Encoding: UTF-8\\n\"");
  } else {
    c.Ok("bagit", kBagitTxt, "BagIt-Version 1.0, UTF-8");
  }
}

void CheckBagInfo(const ScanResult& s, Bag& bag, Checks& c) {
  const std::string* t = Tag(s, kBagInfo);
  if (t == nullptr) {
    c.Fail("bagit", kBagInfo, "missing from the bundle");
    return;
  }
  auto info = bagit::ParseBagInfo(*t);
  if (!info.ok()) {
    c.Fail("bagit", kBagInfo, info.status().message());
    return;
  }
  bag.info = *info;
  std::vector<std::string> missing;
  for (const char* label : {"Bagging-Date", "Payload-Oxum", "Bag-Size", "External-Identifier",
                            "Contact-Name", "Internal-Sender-Description", "Bag-Software-Agent"}) {
    bool found = std::any_of(bag.info.begin(), bag.info.end(),
                             [&](const auto& kv) { return kv.first == label; });
    if (!found) missing.push_back(label);
  }
  if (!missing.empty()) c.Fail("bagit", kBagInfo, "lacks the label(s) " + Join(missing, ", "));
  std::uint64_t bytes = 0;
  for (const auto& [path, f] : s.payload) bytes += f.size;
  std::string actual = bagit::PayloadOxum(bytes, s.payload.size());
  for (const auto& [label, value] : bag.info) {
    if (label != "Payload-Oxum") continue;
    if (value != actual) {
      c.Fail("bagit", kBagInfo,
             "Payload-Oxum " + value + " does not match the payload (" + actual + ": " +
                 std::to_string(bytes) + " bytes in " + std::to_string(s.payload.size()) +
                 " files)");
    } else if (missing.empty()) {
      c.Ok("bagit", kBagInfo, "required labels present; Payload-Oxum " + value + " matches");
    }
  }
}

void CheckManifest(const ScanResult& s, Bag& bag, Checks& c) {
  const std::string* t = Tag(s, kManifest);
  if (t == nullptr) {
    c.Fail("bagit", kManifest, "missing from the bundle");
    return;
  }
  auto lines = bagit::ParseManifest(*t);
  if (!lines.ok()) {
    c.Fail("bagit", kManifest, lines.status().message());
    return;
  }
  bag.manifest_ok = true;
  c.Ok("bagit", kManifest, std::to_string(lines->size()) + " payload files listed");
  for (const auto& line : *lines) {
    bag.manifest[line.path] = line.sha256;
    if (!bundle_format::IsPayload(line.path)) {
      c.Fail("payload", line.path, "manifest-sha256.txt lists a path outside data/");
      continue;
    }
    auto it = s.payload.find(line.path);
    if (it == s.payload.end()) {
      c.Fail("payload", line.path, "listed in manifest-sha256.txt but missing from the bundle");
    } else if (it->second.sha256 != line.sha256) {
      c.Fail("payload", line.path,
             "sha256 " + it->second.sha256 + ", but manifest-sha256.txt says " + line.sha256);
    } else {
      c.Ok("payload", line.path,
           "sha256 " + Prefix(line.sha256) + " matches, " + std::to_string(it->second.size) +
               " bytes");
    }
  }
  for (const auto& [path, f] : s.payload) {
    if (!bag.manifest.count(path)) c.Fail("payload", path, "not listed in manifest-sha256.txt");
  }
}

void CheckTagManifest(const ScanResult& s, Checks& c) {
  const std::string* t = Tag(s, kTagManifest);
  if (t == nullptr) {
    c.Fail("bagit", kTagManifest, "missing from the bundle");
    return;
  }
  auto lines = bagit::ParseManifest(*t);
  if (!lines.ok()) {
    c.Fail("bagit", kTagManifest, lines.status().message());
    return;
  }
  std::set<std::string> listed;
  for (const auto& line : *lines) {
    listed.insert(line.path);
    if (bundle_format::IsPayload(line.path)) {
      c.Fail("bagit", line.path,
             "tagmanifest-sha256.txt lists a payload file (it belongs in manifest-sha256.txt)");
      continue;
    }
    if (line.path == kTagManifest || line.path == kSignature) {
      c.Fail("bagit", line.path, "tagmanifest-sha256.txt cannot list itself or its signature");
      continue;
    }
    const std::string* bytes = Tag(s, line.path);
    if (bytes == nullptr) {
      c.Fail("bagit", line.path, "listed in tagmanifest-sha256.txt but missing from the bundle");
      continue;
    }
    std::string sha = Sha256Hex(*bytes);
    if (sha != line.sha256) {
      c.Fail("bagit", line.path,
             "sha256 " + sha + ", but tagmanifest-sha256.txt says " + line.sha256);
    } else {
      c.Ok("bagit", line.path, "sha256 " + Prefix(sha) + " matches tagmanifest-sha256.txt");
    }
  }
  for (const auto& [path, bytes] : s.tag_files) {
    if (path == kTagManifest || path == kSignature || listed.count(path)) continue;
    c.Fail("bagit", path,
           "not listed in tagmanifest-sha256.txt, so the signature does not cover it");
  }
}

// ---- Signature and trust (check 3) ----

std::optional<PublicKey> CheckSignature(const ScanResult& s, Checks& c) {
  std::optional<PublicKey> key;
  if (const std::string* pem = Tag(s, kSignerPem); pem != nullptr) {
    if (auto k = PublicKey::FromPem(*pem); k.ok()) key = *k;
  }
  const std::string* sig = Tag(s, kSignature);
  const std::string* tm = Tag(s, kTagManifest);
  if (sig == nullptr) {
    c.Fail("signature", kSignature, "missing from the bundle");
  } else if (tm == nullptr) {
    c.Fail("signature", kSignature, "not checked: tagmanifest-sha256.txt is missing");
  } else if (!key) {
    c.Fail("signature", kSignature, "not checked: no usable evidence/signer.pub.pem");
  } else if (sig->size() != PublicKey::kSignatureSize) {
    c.Fail("signature", kSignature,
           "is " + std::to_string(sig->size()) + " bytes, not a 64-byte Ed25519 signature");
  } else if (Status st = key->Verify(AsBytes(*tm), AsBytes(*sig)); !st.ok()) {
    c.Fail("signature", kSignature,
           "does not verify over tagmanifest-sha256.txt with evidence/signer.pub.pem (" +
               key->Fingerprint() + "): " + st.message());
  } else {
    c.Ok("signature", kSignature,
         "Ed25519 signature over tagmanifest-sha256.txt verifies with evidence/signer.pub.pem (" +
             key->Fingerprint() + ")");
  }
  return key;
}

// Sets report.signer_confirmed. Without --trust or --fingerprint the line passes (an intact
// bundle from an unknown key is still an intact bundle) unless --require-trust is given; the
// command's last line then says the signer is unconfirmed (docs/verify-bundle.md).
void CheckTrust(const std::optional<PublicKey>& key, const std::optional<std::string>& trusted,
                const VerifyBundleOptions& options, const std::vector<KeyEpoch>& epochs,
                BundleReport& report, Checks& c) {
  if (!key) {
    c.Fail("trust", kSignerPem, "not checked: the bundle has no usable signer key");
    return;
  }
  std::string fp = key->Fingerprint();
  if (!trusted) {
    if (options.require_trust) {
      c.Fail("trust", kSignerPem,
             "the signer " + fp +
                 " is unconfirmed and options.require_trust was given: name the sender's key with "
                 "options.fingerprint or options.trust");
    } else {
      c.Ok("trust", kSignerPem,
           "UNCONFIRMED: not checked against a known key; confirm the fingerprint " + fp +
               " with the sender by another channel");
    }
  } else if (*trusted == fp) {
    report.signer_confirmed = true;
    c.Ok("trust", kSignerPem,
         std::string("the exporter is the ") + (options.fingerprint ? "expected" : "trusted") +
             " key " + fp);
  } else if (options.fingerprint) {
    c.Fail(
        "trust", kSignerPem,
        "fingerprint mismatch: the bundle is signed by " + fp + ", not by " + *trusted +
            " (options.fingerprint); a case can copy its owner's name and key name, not the key");
  } else if (auto chain = bundle_internal::Endorsement(epochs, *trusted, fp)) {
    // The trusted key signed the rotation to the signer (key.added entries, disclosed and proven).
    report.signer_confirmed = true;
    c.Ok("trust", kSignerPem, *chain);
  } else {
    c.Fail("trust", kSignerPem,
           "the exporter's key " + fp + " is not the trusted key " + *trusted + " (options.trust " +
               options.trust.value_or("") + ")");
  }
}

// keys.json repeats the key.added entries for checking by hand; it must say what they say.
void CheckKeysJson(const ScanResult& s, const std::vector<KeyEpoch>& epochs, Checks& c) {
  const std::string* t = Tag(s, kKeys);
  if (t == nullptr) return;
  auto keys = bundle_internal::ParseKeysJson(*t);
  if (!keys.ok()) {
    c.Fail("key", kKeys, keys.status().message());
    return;
  }
  std::vector<std::string> problems;
  if (keys->size() != epochs.size()) {
    problems.push_back("lists " + std::to_string(keys->size()) +
                       " keys, the disclosed key.added entries " + std::to_string(epochs.size()));
  }
  for (std::size_t i = 0; i < std::min(keys->size(), epochs.size()); ++i) {
    const auto& k = (*keys)[i];
    const KeyEpoch& e = epochs[i];
    std::string el = "element " + std::to_string(i) + " ";
    if (k.entry != e.seq) problems.push_back(el + "names entry " + std::to_string(k.entry));
    if (k.key != e.name)
      problems.push_back(el + "\"key\" differs from entry " + std::to_string(e.seq));
    if (k.fingerprint != e.fingerprint)
      problems.push_back(el + "\"fingerprint\" differs from entry " + std::to_string(e.seq));
    auto pem = PublicKey::FromPem(k.public_key_pem);
    if (!pem.ok() || !(*pem == e.key))
      problems.push_back(el + "\"public_key_pem\" is not the key of entry " +
                         std::to_string(e.seq));
    if (k.endorsed_by != e.endorsed_by)
      problems.push_back(el + "\"endorsed_by\" differs from entry " + std::to_string(e.seq));
  }
  if (problems.empty()) {
    c.Ok("key", kKeys,
         "lists the " + std::to_string(epochs.size()) + " keys of the disclosed key.added entries");
  } else {
    c.Fail("key", kKeys, Join(problems, "; "));
  }
}

// ---- Export (check 7) ----

void CheckExport(const ScanResult& s, const Records& main, const std::set<std::string>& exhibits,
                 const std::set<std::string>& incidents, BundleReport& report, Checks& c) {
  std::optional<payload::ExportCreated> chosen;
  const DisclosedEntry* chosen_entry = nullptr;
  std::uint64_t chosen_seq = 0;
  for (const auto& [seq, d] : main.entries) {
    if (d.entry.action != payload::ExportCreated::kAction) continue;
    auto p = payload::ParseAs<payload::ExportCreated>(d.entry);
    if (!p.ok()) {
      c.Fail("ledger", "entry " + std::to_string(seq), p.status().message());
      continue;
    }
    // Several exports may be disclosed; the one of this bundle names its top folder.
    if (!chosen || p->bundle == s.top_folder || chosen->bundle != s.top_folder) {
      chosen = std::move(p).value();
      chosen_entry = &d;
      chosen_seq = seq;
    }
  }
  if (!chosen) {
    c.Fail("export", bundle_format::kLedger, "no readable export.created entry is disclosed");
    return;
  }
  report.exported = chosen_entry->entry.time;
  std::string subject = "entry " + std::to_string(chosen_seq);
  std::vector<std::string> problems;
  if (chosen->bundle != s.top_folder) {
    problems.push_back("names the bundle \"" + chosen->bundle + "\", but the top folder is \"" +
                       s.top_folder + "\"");
  }
  std::string actual;
  if (const std::string* m = Tag(s, kManifest); m != nullptr) actual = Sha256Hex(*m);
  if (chosen->manifest_sha256 != actual) {
    problems.push_back("records manifest_sha256 " + chosen->manifest_sha256 +
                       ", but manifest-sha256.txt hashes to " +
                       (actual.empty() ? "nothing (missing)" : actual));
  }
  const auto& listed = chosen->items;
  if (std::set<std::string>(listed.begin(), listed.end()) != exhibits) {
    problems.push_back("lists the items [" + Join(listed, ", ") +
                       "], but evidence/items.json has [" +
                       Join({exhibits.begin(), exhibits.end()}, ", ") + "]");
  }
  const auto& listed_incidents = chosen->incidents;
  if (std::set<std::string>(listed_incidents.begin(), listed_incidents.end()) != incidents) {
    problems.push_back("lists the incidents [" + Join(listed_incidents, ", ") +
                       "], but evidence/incidents.json has [" +
                       Join({incidents.begin(), incidents.end()}, ", ") + "]");
  }
  if (problems.empty()) {
    c.Ok("export", subject,
         "export.created records the SHA-256 of manifest-sha256.txt (" + Prefix(actual) +
             ") and the " + std::to_string(exhibits.size()) + " disclosed items");
  } else {
    c.Fail("export", subject, "export.created " + Join(problems, "; "));
  }
}

// bag-info.txt repeats facts that the signed records establish; they must agree.
void CheckBagInfoAgainstRecords(const Bag& bag, const Records& main, Checks& c) {
  for (const auto& [label, value] : bag.info) {
    if (label == "External-Identifier" && !main.case_uuid.empty() && value != main.case_uuid) {
      c.Fail("bagit", kBagInfo,
             "External-Identifier " + value + " is not the case UUID " + main.case_uuid +
                 " of the case.created entry");
    } else if (label == "Evidence-Signer-Fingerprint" && !main.fingerprint.empty() &&
               value != main.fingerprint) {
      c.Fail("bagit", kBagInfo,
             "Evidence-Signer-Fingerprint " + value + " is not the signer's " + main.fingerprint);
    } else if (label == "Evidence-Checkpoint-Size" && main.checkpoint &&
               value != std::to_string(main.checkpoint->checkpoint.size)) {
      c.Fail("bagit", kBagInfo,
             "Evidence-Checkpoint-Size " + value + " is not the checkpoint's size " +
                 std::to_string(main.checkpoint->checkpoint.size));
    }
  }
}

// ---- Custody (docs/bundle.md "Received evidence") ----

std::vector<std::uint64_t> CustodyFolders(const ScanResult& s) {
  std::set<std::uint64_t> ks;
  const std::string root = bundle_format::kCustodyDir;
  for (const auto& [path, bytes] : s.tag_files) {
    if (path.rfind(root, 0) != 0) continue;
    std::string_view rest(path);
    rest.remove_prefix(root.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) continue;
    std::uint64_t k = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + slash, k);
    if (ec == std::errc() && p == rest.data() + slash && rest[0] != '0') ks.insert(k);
  }
  return {ks.begin(), ks.end()};
}

std::string Where(const Records& r) {
  return r.label.empty() ? "the exporter's ledger" : r.label.substr(0, r.label.size() - 1);
}

void CheckCustodyLink(const Records& folder, std::uint64_t k,
                      const std::vector<const Records*>& later, Checks& c) {
  std::string subject = "custody " + std::to_string(k);
  for (const Records* r : later) {
    for (const auto& [seq, d] : r->entries) {
      if (d.entry.action != payload::BundleReceived::kAction) continue;
      // A malformed entry names nothing; it fails as a ledger line of its own records' check.
      auto p = payload::ParseAs<payload::BundleReceived>(d.entry);
      if (!p.ok() || p->checkpoint_sha256 != folder.checkpoint_sha256 ||
          p->signer_fingerprint != folder.fingerprint) {
        continue;
      }
      if (p->sender_case != folder.case_uuid) {
        c.Fail("custody", subject,
               "bundle.received entry " + std::to_string(seq) + " in " + Where(*r) +
                   " names sender case " + p->sender_case +
                   ", but the folder's records are of case " + folder.case_uuid);
        return;
      }
      c.Ok("custody", subject,
           "case " + folder.case_uuid + ", signer " + folder.fingerprint +
               ": named by bundle.received entry " + std::to_string(seq) + " in " + Where(*r));
      return;
    }
  }
  c.Fail("custody", subject,
         "no disclosed bundle.received entry (in the exporter's ledger or a later custody folder) "
         "names this folder's checkpoint (sha256 " +
             folder.checkpoint_sha256 + ") and signer " + folder.fingerprint);
}

// Items taken in with `receive` record where they came from; the sender's records must agree.
void CheckReceivedItems(const std::vector<const Records*>& all, Checks& c) {
  for (const Records* r : all) {
    for (const auto& [seq, d] : r->entries) {
      if (d.entry.action != payload::ItemIngested::kAction) continue;
      auto p = payload::ParseAs<payload::ItemIngested>(d.entry);
      if (!p.ok()) {
        // The exporter's malformed entries are reported by the item check.
        if (!r->label.empty())
          c.Fail("ledger", r->label + "entry " + std::to_string(seq), p.status().message());
        continue;
      }
      if (!p->received_from) continue;
      const std::string& from = *p->received_from;
      std::string subject = r->label + p->item;
      const Records* sender = nullptr;
      for (const Records* other : all) {
        if (other != r && !other->label.empty() && other->case_uuid == from) sender = other;
      }
      if (sender == nullptr || !p->source_entry) {
        c.Fail("custody", subject,
               "received from case " + from +
                   (p->source_entry ? ", but no custody folder carries that case's records"
                                    : ", but its entry has no source_entry"));
        continue;
      }
      std::uint64_t source = *p->source_entry;
      auto it = sender->entries.find(source);
      std::optional<payload::ItemIngested> original;
      if (it != sender->entries.end() &&
          it->second.entry.action == payload::ItemIngested::kAction) {
        if (auto q = payload::ParseAs<payload::ItemIngested>(it->second.entry); q.ok()) {
          original = std::move(q).value();
        }
      }
      if (!original) {
        c.Fail("custody", subject,
               "received from case " + from + ", but its item.ingested entry " +
                   std::to_string(source) + " is not disclosed (or not readable) in " +
                   Where(*sender));
      } else if (original->sha256 != p->sha256) {
        c.Fail("custody", subject,
               "received from case " + from + ", but the sha256 differs from entry " +
                   std::to_string(source) + " in " + Where(*sender));
      } else {
        c.Ok("custody", subject,
             "received from case " + from + ": sha256 matches its item.ingested entry " +
                 std::to_string(source) + " in " + Where(*sender));
      }
    }
  }
}

BundleSigner SignerOf(const Records& r, std::string role) {
  BundleSigner s;
  s.role = std::move(role);
  s.key_name = r.key_name;
  s.fingerprint = r.fingerprint;
  s.case_uuid = r.case_uuid;
  if (r.checkpoint) s.tree_size = r.checkpoint->checkpoint.size;
  return s;
}

// The options, read and checked before any work on the archive: a usage error comes first.
struct UsableOptions {
  std::optional<std::string> trusted;  // the fingerprint the exporter must have or chain to
  std::optional<std::string> since_note;
  std::optional<std::string> tsa_ca_pem;
};

Result<UsableOptions> ReadOptions(const VerifyBundleOptions& options) {
  UsableOptions u;
  if (options.trust && options.fingerprint) {
    return Status::InvalidArgument("a trusted key and a fingerprint were both given; give one")
        .AboutArgument("fingerprint");
  }
  if (options.trust) {
    EVIDENCE_ASSIGN_OR_RETURN(u.trusted, TrustedFingerprint(*options.trust, "trust"));
  }
  if (options.fingerprint) {
    if (options.fingerprint->rfind("SHA256:", 0) != 0 &&
        options.fingerprint->rfind("sha256:", 0) != 0) {
      return Status::InvalidArgument("\"" + *options.fingerprint +
                                     "\" is not SHA256: followed by 64 hex digits")
          .AboutArgument("fingerprint");
    }
    EVIDENCE_ASSIGN_OR_RETURN(u.trusted, TrustedFingerprint(*options.fingerprint, "fingerprint"));
  }
  if (options.since_checkpoint) {
    EVIDENCE_ASSIGN_OR_RETURN(u.since_note,
                              ReadArgumentFile(*options.since_checkpoint, "since_checkpoint"));
    if (auto parsed = ParseCheckpointNote(*u.since_note); !parsed.ok()) {
      return Status::InvalidArgument(options.since_checkpoint->string() + ": " +
                                     parsed.status().message())
          .AboutArgument("since_checkpoint");
    }
  }
  if (options.tsa_ca) {
    EVIDENCE_ASSIGN_OR_RETURN(u.tsa_ca_pem, ReadTsaCa(*options.tsa_ca, "tsa_ca"));
  }
  return u;
}

// Every custodian's records carried in evidence/custody/<k>/, checked, and each one's link to the
// custodian who took it in. `main` is the exporter's. Returns all of them, the exporter's first.
std::vector<Records> CheckCustody(const ScanResult& scan, Records main, BundleReport& report,
                                  Checks& c) {
  std::vector<std::uint64_t> ks = CustodyFolders(scan);
  std::vector<Records> custody;
  custody.reserve(ks.size());
  for (std::uint64_t k : ks) {
    std::string label = "custody " + std::to_string(k) + " ";
    custody.push_back(
        bundle_internal::CheckRecords(scan.tag_files, bundle_format::CustodyFolder(k), label, c));
    report.signers.push_back(SignerOf(custody.back(), "custodian " + std::to_string(k)));
  }
  for (std::size_t i = 0; i < custody.size(); ++i) {
    // Custodian k's records were taken in by a later custodian or by the exporter.
    std::vector<const Records*> later = {&main};
    for (std::size_t j = i + 1; j < custody.size(); ++j) later.push_back(&custody[j]);
    CheckCustodyLink(custody[i], ks[i], later, c);
  }
  std::vector<Records> all;
  all.reserve(custody.size() + 1);
  all.push_back(std::move(main));
  for (auto& r : custody) all.push_back(std::move(r));
  return all;
}

// The checks of docs/bundle.md "What verify-bundle checks", 2 onwards, in that order, on an archive
// that was read to its end.
void CheckContents(const ScanResult& scan, const UsableOptions& u,
                   const VerifyBundleOptions& options, VerifiedBundle& verified, Checks& c) {
  BundleReport& report = verified.report;
  Bag bag;
  CheckBagitTxt(scan, c);
  CheckBagInfo(scan, bag, c);
  CheckTagManifest(scan, c);
  CheckManifest(scan, bag, c);

  std::optional<PublicKey> key = CheckSignature(scan, c);

  Records main = bundle_internal::CheckRecords(scan.tag_files, bundle_format::kEvidenceDir, "", c);
  std::vector<KeyEpoch> epochs = bundle_internal::CheckKeyHistory(main, c);
  CheckTrust(key, u.trusted, options, epochs, report, c);
  CheckKeysJson(scan, epochs, c);
  report.case_uuid = main.case_uuid;
  report.signers.push_back(SignerOf(main, "exporter"));
  CheckBagInfoAgainstRecords(bag, main, c);

  std::set<std::string> exhibits, incidents;
  bundle_internal::CheckItems(scan, bag.manifest_ok ? &bag.manifest : nullptr, main, report,
                              &exhibits, &verified.items, c);
  bundle_internal::CheckIncidents(scan, main, &incidents, c);
  CheckExport(scan, main, exhibits, incidents, report, c);

  std::vector<Records> records = CheckCustody(scan, std::move(main), report, c);
  std::vector<const Records*> all;
  for (const auto& r : records) all.push_back(&r);
  CheckReceivedItems(all, c);

  bundle_internal::CheckTimestamps(scan.tag_files, all, epochs, u.tsa_ca_pem, c,
                                   &report.timestamps);
  auto carried = bundle_internal::CheckConsistencyProofs(scan.tag_files, records.front(), c);
  if (u.since_note) {
    bundle_internal::CheckSinceCheckpoint(*u.since_note, options.since_checkpoint->string(),
                                          records.front(), epochs, carried, c);
  }
}

// Every string of the report that may come from the archive, as printable UTF-8.
void MakePrintable(BundleReport& report) {
  for (auto& check : report.checks) {
    check.subject = PrintableText(check.subject);
    check.detail = PrintableText(check.detail);
  }
  report.top_folder = PrintableText(report.top_folder);
  report.case_uuid = PrintableText(report.case_uuid);
  report.exported = PrintableText(report.exported);
  for (auto& signer : report.signers) {
    signer.key_name = PrintableText(signer.key_name);
    signer.case_uuid = PrintableText(signer.case_uuid);
  }
}

}  // namespace

namespace bundle_internal {

Result<VerifiedBundle> VerifyBundleWithItems(const fs::path& file,
                                             const VerifyBundleOptions& options,
                                             PayloadSink* sink) {
  EVIDENCE_ASSIGN_OR_RETURN(UsableOptions usable, ReadOptions(options));
  EVIDENCE_ASSIGN_OR_RETURN(ScanResult scan,
                            bundle_internal::ScanArchive(file, {}, sink, options.age_identities));

  VerifiedBundle verified;
  BundleReport& report = verified.report;
  report.file = file.string();
  report.top_folder = scan.top_folder;
  Checks c(&report.checks);
  if (scan.refusal) {
    report.checks.push_back(*scan.refusal);
  } else {
    c.Ok("archive", file.filename().string(),
         scan.format + " archive, " + std::to_string(scan.members) +
             " members in one top folder \"" + scan.top_folder +
             "\", no links, devices, absolute paths or duplicates");
    CheckContents(scan, usable, options, verified, c);
    for (const auto& [path, f] : scan.payload) report.payload_bytes += f.size;
  }
  MakePrintable(report);
  // A refused archive was not read to the end: its files are not the bundle's.
  if (!scan.refusal) report.tag_files = std::move(scan.tag_files);
  if (!report.ok()) verified.items.clear();
  return verified;
}

}  // namespace bundle_internal

Result<BundleReport> VerifyBundle(const fs::path& file, const VerifyBundleOptions& options) {
  EVIDENCE_ASSIGN_OR_RETURN(bundle_internal::VerifiedBundle v,
                            bundle_internal::VerifyBundleWithItems(file, options));
  return std::move(v.report);
}

}  // namespace evidence
