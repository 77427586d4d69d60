// The bundle format, in one place: the name of every member, where each kind of member goes, and
// the bounds a reader keeps. The writer (case/export.cpp), the reader and verifier
// (bundle_verify*.cpp) and `receive` (case/receive.cpp) all take them from here, so a renamed or
// added member cannot reach one of them without the others. docs/bundle.md describes the format in
// prose; this header is its code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace evidence::bundle_format {

// Paths are relative to the bundle's one top folder.

// BagIt tag files (RFC 8493), at the top.
inline constexpr char kBagitTxt[] = "bagit.txt";
inline constexpr char kBagInfo[] = "bag-info.txt";
inline constexpr char kManifest[] = "manifest-sha256.txt";
inline constexpr char kTagManifest[] = "tagmanifest-sha256.txt";
inline constexpr char kSignature[] = "tagmanifest-sha256.sig";  // Ed25519 over kTagManifest

// The payload: every original, and nothing else.
inline constexpr char kPayloadDir[] = "data/";

// The evidence/ folder: the custody records and their proofs.
inline constexpr char kEvidenceDir[] = "evidence/";
inline constexpr char kItems[] = "evidence/items.json";
inline constexpr char kIncidents[] = "evidence/incidents.json";
inline constexpr char kLedger[] = "evidence/ledger.jsonl";
inline constexpr char kProofs[] = "evidence/proofs.json";
inline constexpr char kCheckpoint[] = "evidence/checkpoint";
inline constexpr char kSignerPem[] = "evidence/signer.pub.pem";
inline constexpr char kReport[] = "evidence/report.html";
inline constexpr char kVerifying[] = "evidence/VERIFYING.txt";
inline constexpr char kConsistency[] = "evidence/consistency.json";  // only after a rotation or
inline constexpr char kKeys[] = "evidence/keys.json";                // an earlier checkpoint
inline constexpr char kTimestampsDir[] = "evidence/timestamps/";     // <N>.tsr, <N>.checkpoint
inline constexpr char kCustodyDir[] = "evidence/custody/";           // <k>/: earlier custodians

// The members of one custodian's records inside evidence/ (and inside each evidence/custody/<k>/):
// the same file names, relative to that folder.
inline constexpr char kLedgerName[] = "ledger.jsonl";
inline constexpr char kProofsName[] = "proofs.json";
inline constexpr char kCheckpointName[] = "checkpoint";
inline constexpr char kSignerPemName[] = "signer.pub.pem";
inline constexpr char kConsistencyName[] = "consistency.json";
inline constexpr char kKeysName[] = "keys.json";
inline constexpr char kTimestampsName[] = "timestamps/";

// ---- Layout rules ----

// True for a member of the payload (under data/).
bool IsPayload(std::string_view rel);

// data/items/<exhibit>/<name>: the payload file of an item, its name made safe by
// bagit::PayloadName. The exporter writes it there and verify-bundle requires it there.
std::string ItemPayloadPath(const std::string& exhibit, const std::string& raw_name);

// evidence/custody/<k>/, the records of the k-th earlier custodian (1 is the oldest).
std::string CustodyFolder(std::uint64_t k);

// evidence/timestamps/<n>.tsr and the checkpoint of size n it covers.
std::string TimestampToken(std::uint64_t n);
std::string TimestampCheckpoint(std::uint64_t n);

// True for the members of evidence/ that are the exporter's own custody records (ledger excerpt,
// proofs, checkpoint, key, consistency proofs, key history, time-stamps), which `receive` keeps
// as CASE/custody/<k>/ and a later export carries as evidence/custody/<k>/. Items, incidents, the
// report and VERIFYING.txt are derived from them and are not kept.
bool IsCustodyRecord(std::string_view rel);

// ---- Limits ----

// The bounds that keep a hostile archive from taking unbounded time or memory. docs/bundle.md
// ("What verify-bundle checks", 1) and docs/verify-bundle.md give the reasons.
struct Limits {
  std::uint64_t max_members = 100'000;
  std::uint64_t max_tag_file = 64ull << 20;    // one tag file or file under evidence/
  std::uint64_t max_tag_total = 256ull << 20;  // all of them together (they are kept in memory)
  std::uint64_t max_member = 1ull << 40;       // any payload member
  // A bomb: more than max_expansion * compressed bytes read + expansion_slack produced. Deflate
  // and gzip top out near 1030:1, so a 1000:1 rule would only trip after ~2 GiB of zeros; 100:1
  // trips after ~70 MiB while legitimate evidence (mostly compressed media) stays far below it.
  std::uint64_t max_expansion = 100;
  std::uint64_t expansion_slack = 64ull << 20;
  // A payload total may exceed bag-info's Payload-Oxum by this much before reading stops (the
  // check itself is exact; this only bounds the work done on a bundle that is already wrong).
  std::uint64_t oxum_slack = 64ull << 20;
  std::uint64_t max_path = 4096;               // bytes in one member name
  std::uint64_t max_path_total = 64ull << 20;  // bytes in all member names (kept for duplicates)
  std::size_t block = 1 << 20;                 // read and hash in blocks of this size
};

}  // namespace evidence::bundle_format
