// The `data` of each ledger action as a typed value (docs/case-format.md "Ledger entries").
//
// A ledger entry is hostile input: anyone with the case folder can rewrite one and recompute its
// leaf hash. Its `data` is therefore parsed here, once, with type and range checks, and the rest
// of the library reads the structs below instead of raw JSON. A value you hold was checked:
//   - every required field is present with its JSON type, every optional one has its type when
//     present, and no field outside the action's list is accepted;
//   - identifiers match their patterns (exhibit ids PREFIX-NNNN, incidents INC-NNNN, case UUIDs,
//     key fingerprints SHA256:<hex>), digests are 64 lower-case hex digits, times are RFC 3339,
//     numbers are unsigned and at most 2^63 - 1 (what SQLite can hold), and text is bounded.
//
// Every error is kCorruption and names the entry and the field, e.g.
//   entry 7 (item.ingested): field "size": expected an unsigned integer
// Nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/status.hpp"

namespace evidence::payload {

// Bounds on text fields. A command-line argument is at most 128 KiB on Linux, so no command writes
// longer text; the bounds keep a forged entry from making every reader copy megabytes.
inline constexpr std::size_t kMaxTextBytes = 256 * 1024;  // notes, diary text, reasons
inline constexpr std::size_t kMaxNameBytes = 4096;        // file names, paths, bundle names
inline constexpr std::size_t kMaxJsonDepth = 32;          // free-form objects (metadata)
inline constexpr std::uint64_t kMaxUnsigned = 0x7fffffffffffffffULL;  // SQLite's INTEGER

struct CaseCreated {
  static constexpr std::string_view kAction = "case.created";
  std::string case_uuid;  // "case"
  std::string name;
  std::string owner;
  std::string origin;          // "evidence.case/<uuid>"
  std::string exhibit_prefix;  // 1-16 of A-Z 0-9
  std::uint64_t format = 0;    // 1
};

struct KeyAdded {
  static constexpr std::string_view kAction = "key.added";
  std::string key;          // signed-note key name
  std::string public_key;   // base64 of the 32 raw Ed25519 bytes
  std::string fingerprint;  // SHA256:<64 hex>
  std::string vkey;         // signed-note verifier key; key_history.cpp parses it further
  // A rotation carries all three (checked by key_history.cpp, which says which is missing).
  std::optional<std::string> previous_fingerprint;
  std::optional<std::string> previous_vkey;
  std::optional<std::string> endorsement;  // base64 of a 64-byte signature
};

struct ItemIngested {
  static constexpr std::string_view kAction = "item.ingested";
  std::string item;  // exhibit id
  std::string sha256;
  std::uint64_t size = 0;
  std::string name;                     // display name (valid UTF-8)
  std::optional<std::string> name_hex;  // exact bytes, when the name is not UTF-8
  std::string kind;                     // lower-case token, e.g. "photo"
  std::string media_type;               // type/subtype
  std::optional<std::string> note;
  std::optional<std::string> incident;
  std::optional<std::string> parent;         // a WhatsApp export's media: the export's exhibit
  std::optional<std::string> member;         // ... and its name in the zip
  std::optional<std::string> received_from;  // received from a bundle: the sender's case UUID
  std::optional<std::uint64_t> source_entry;
  std::optional<std::string> bundle;

  // The file name's exact bytes: name_hex decoded when present, else name.
  std::string RawName() const;
};

struct MessagesSummary {
  std::string format;  // lower-case token
  std::uint64_t count = 0;
  std::string sha256;  // of the messages' canonical JSON lines
  bool complete = false;
  std::optional<nlohmann::json> fields;  // object
  std::vector<std::string> warnings;
  // How much of the export was read (ExportSummary); absent when the parser does not count.
  std::optional<std::uint64_t> read_count;
  std::optional<std::string> read_unit;  // "lines", "records", "messages"
  std::optional<std::uint64_t> unparsed_count;
  std::optional<std::string> first_unparsed;
};

struct ItemMetadata {
  static constexpr std::string_view kAction = "item.metadata";
  std::string item;
  std::string sha256;
  nlohmann::json metadata = nlohmann::json::object();  // an object, at most kMaxJsonDepth deep
  std::optional<std::string> captured;                 // RFC 3339, offset optional
  std::vector<std::string> errors;
  std::optional<MessagesSummary> messages;
  // What every view of the item must show (docs/messages.md, "Never silent"): a message export
  // that yielded nothing or was only partly read, a conversation no format recognised.
  std::vector<std::string> warnings;
};

struct ItemAnnotated {
  static constexpr std::string_view kAction = "item.annotated";
  std::optional<std::string> item;
  std::string note;
};

struct ItemAccessed {
  static constexpr std::string_view kAction = "item.accessed";
  std::string item;
  std::string sha256;
  std::string purpose;  // lower-case token, "extract"
  std::string to;       // destination path
};

struct ItemLinked {
  static constexpr std::string_view kAction = "item.linked";
  std::string item;
  std::string incident;
  std::string sha256;
  // Which messages of the export `item` the link is about (Message::index), strictly increasing;
  // empty when the wire has no "messages": the whole item.
  std::vector<std::uint64_t> messages;
};

// The account's fields are those of IncidentAccount (incident.hpp); `where` is optional on the
// wire and "" here when absent, `behaviours` has at least one element and `what` is not blank.
struct IncidentRecorded : IncidentAccount {
  static constexpr std::string_view kAction = "incident.recorded";
  std::string incident;
};

// `changes` has at least one field.
struct IncidentAmended {
  static constexpr std::string_view kAction = "incident.amended";
  std::string incident;
  IncidentAccountChanges changes;
  std::optional<std::string> reason;
};

struct ExportCreated {
  static constexpr std::string_view kAction = "export.created";
  std::string bundle;  // the bundle's top folder
  std::string manifest_sha256;
  std::vector<std::string> items;      // exhibit ids
  std::vector<std::string> incidents;  // incident ids
  std::optional<std::string> recipient;
};

// No command writes it yet; the fields are those a verification record needs at least.
struct BundleVerified {
  static constexpr std::string_view kAction = "bundle.verified";
  std::string bundle;
  std::string manifest_sha256;
};

struct BundleReceived {
  static constexpr std::string_view kAction = "bundle.received";
  std::string bundle;
  std::string manifest_sha256;
  std::string checkpoint_sha256;
  std::uint64_t checkpoint_size = 0;
  std::string signer_fingerprint;
  std::string sender_case;         // UUID
  std::vector<std::string> items;  // exhibit ids given here
  std::uint64_t custody = 0;       // custody/<k>/ written by this receive
  std::vector<std::uint64_t> custody_carried;
  std::optional<std::string> note;
};

struct TimestampAttached {
  static constexpr std::string_view kAction = "timestamp.attached";
  std::uint64_t checkpoint_size = 0;  // at least 1
  std::string checkpoint_sha256;
  std::string imprint;
  std::string root;      // 64 hex
  std::string gen_time;  // RFC 3339, UTC ("Z")
  std::string tsa;       // not empty
  std::string serial;    // lower-case hex
  std::string policy;    // dotted OID
  std::string nonce;     // lower-case hex
  bool chain_checked = false;
  std::string token;  // exactly "timestamps/<checkpoint_size>.tsr"
  std::string token_sha256;
};

// A plaintext case converted to an encrypted one (`evidence encrypt`): what was re-written under
// the case key.
struct CaseEncrypted {
  static constexpr std::string_view kAction = "case.encrypted";
  std::uint64_t objects = 0;  // objects re-written encrypted
  std::uint64_t entries = 0;  // ledger entries before this one, copied with sealed columns
};

// One alternative per entry of kLedgerActions, in the same order.
using Payload =
    std::variant<CaseCreated, KeyAdded, ItemIngested, ItemMetadata, ItemAnnotated, ItemLinked,
                 ItemAccessed, IncidentRecorded, IncidentAmended, ExportCreated, BundleVerified,
                 BundleReceived, TimestampAttached, CaseEncrypted>;

// Parses `data` of entry `seq` whose action is `action`. kCorruption naming the entry and the field
// (or the unknown action).
Result<Payload> Parse(std::uint64_t seq, std::string_view action, const nlohmann::json& data);
inline Result<Payload> Parse(const LedgerEntry& e) { return Parse(e.seq, e.action, e.data); }

// Parses `data` of entry `seq` as the payload T (one of the alternatives of Payload).
template <typename T>
Result<T> ParseAs(std::uint64_t seq, const nlohmann::json& data);

// Parses `e` as the payload T; kCorruption when e's action is not T::kAction.
template <typename T>
Result<T> ParseAs(const LedgerEntry& e) {
  if (e.action != T::kAction) {
    return Status::Corruption("entry " + std::to_string(e.seq) + " is a " + e.action +
                              " entry, not " + std::string(T::kAction));
  }
  return ParseAs<T>(e.seq, e.data);
}

// The checks of Parse, for code that only needs to know the entry is well-formed.
Status Check(std::uint64_t seq, std::string_view action, const nlohmann::json& data);

// Patterns, shared with code that checks values outside ledger entries (case.json, bundles).
bool IsExhibitId(std::string_view s);    // [A-Z0-9]{1,16}-[0-9]{4,18}
bool IsIncidentId(std::string_view s);   // INC-[0-9]{4,18}
bool IsUuid(std::string_view s);         // 8-4-4-4-12 lower-case hex
bool IsSha256Hex(std::string_view s);    // 64 lower-case hex digits
bool IsFingerprint(std::string_view s);  // SHA256:<64 lower-case hex digits>
// YYYY-MM-DDTHH:MM:SS[.fraction] then Z or ±HH:MM (optional unless `offset_required`).
bool IsRfc3339(std::string_view s, bool offset_required);

}  // namespace evidence::payload
