// A case: the folder that holds one victim's evidence, its custody ledger and its signing key
// (docs/case-format.md). Everything a user does to evidence goes through this class, and every such
// action appends ledger entries and ends with a freshly signed checkpoint.
//
// Thread safety: a Case is used from one thread at a time. Several processes may open the same
// case; writers are serialised by SQLite's lock and wait up to a few seconds before failing with
// kBusy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/hash.hpp"
#include "evidence/item.hpp"
#include "evidence/key_file.hpp"
#include "evidence/messages.hpp"
#include "evidence/status.hpp"
#include "evidence/timestamp.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// Taken and returned by reference or inside Result only: a caller of the method includes the
// header that defines it (bundle.hpp, incident.hpp, ledger.hpp, report.hpp).
struct ExportOptions;
struct ExportOutcome;
struct Incident;
struct IncidentChanges;
struct IncidentInput;
struct LedgerEntry;
struct LinkedMessage;
struct LinkedMessageQuote;
struct ReceiveOutcome;
struct ReportData;
struct VerifyBundleOptions;
class Upload;

// Supplies the passphrase of the case's keys: when an encrypted case opens, or when a plaintext
// case whose signing key alone is sealed first signs.
using PassphraseProvider = std::function<Result<std::string>()>;

struct CaseOptions {
  std::string name;                   // human title of the case
  std::string owner = "owner";        // who keeps the case; also the signing key's name (slugged)
  std::string exhibit_prefix = "EX";  // exhibits are <PREFIX>-<NNNN>
  // The passphrase that seals the signing key and the case key, which encrypts everything else
  // at rest. nullopt: a plaintext case, its key stored unencrypted (init --no-passphrase).
  std::optional<std::string> passphrase;
  // The cost of deriving the key-encryption key from the passphrase (scrypt, docs/key-file.md).
  // The default is the one to use; only tests that open a case hundreds of times lower it.
  ScryptParams scrypt = ScryptParams::Default();
};

struct CaseInfo {
  int format = 1;
  std::string uuid;
  std::string name;
  std::string owner;
  std::string created;  // RFC 3339
  std::string origin;   // checkpoint origin: evidence.case/<uuid>
  std::string exhibit_prefix;
  std::string key_name;
  std::string key_fingerprint;  // SHA256:<hex of SHA-256 of the DER public key>
  bool key_encrypted = false;
  // The case's content is encrypted at rest under its case key (docs/case-format.md "Encryption
  // at rest"): every case made with a passphrase. Opening it needs the passphrase.
  bool encrypted = false;
};

struct IngestOptions {
  std::string note;
  std::optional<std::string> kind;      // overrides the detected kind
  std::optional<std::string> incident;  // INC-NNNN to link to; must exist
  // For message exports whose dates do not show whether the day or the month comes first.
  DateOrder date_order = DateOrder::kUnknown;
};

struct IngestOutcome {
  std::filesystem::path source;
  std::string exhibit;
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  std::string kind;
  bool duplicate = false;      // the bytes were already exhibit `exhibit`; nothing was recorded
  std::uint64_t messages = 0;  // parsed out of a message export
  std::vector<std::string> children;  // media inside an export, stored as child items
  std::vector<std::string> errors;    // extraction problems (the item is kept regardless)
  std::vector<std::string> warnings;  // as Item::warnings, recorded with the item
};

// One parsed message as stored in the case.
struct StoredMessage {
  std::string item;  // the export's exhibit id
  Message message;
};

struct MessageFilter {
  std::optional<std::string> item;
  std::optional<std::string> sender;  // case-insensitive substring
  std::optional<std::string> since;   // compared with the message time as written
  std::optional<std::string> until;
};

// A search through messages one page at a time (Case::SearchMessages): the app's conversation
// pages, which open as fast with 10,000 messages as with 200.
struct MessageSearch {
  MessageFilter filter;
  std::optional<std::string> text;  // case-insensitive substring of the text or an attachment name
  std::size_t offset = 0;           // counted among the messages the search selects
  std::size_t limit = 200;
};

struct MessagePage {
  std::vector<StoredMessage> messages;  // at most `limit` of the selected, from `offset` on
  std::uint64_t matching = 0;           // every message the search selects
  std::uint64_t total = 0;              // every message of filter.item (of the case without one)
  std::vector<std::string> senders;     // each sender named among `total` once, sorted
};

// An export that holds messages, summed up (Case::MessageExports).
struct MessageExport {
  std::string item;
  std::uint64_t messages = 0;  // calls included
  std::uint64_t calls = 0;
  std::optional<std::string> first;  // the first and the last message time as written, in
  std::optional<std::string> last;   // export order; none when no message has a time
};

// Calls are stored as messages (Message::call set); this selects among them.
struct CallFilter {
  std::optional<std::string> item;
  std::optional<std::string> number;  // case-insensitive substring of the number or contact name
  std::optional<std::string> type;    // a Call::type, or "missed" for every IsMissedCallType
  std::optional<std::string> since;   // compared with the call time as written
  std::optional<std::string> until;
};

// How much a case holds, counted without reading what it holds (Case::Counts).
struct CaseCounts {
  std::uint64_t items = 0;      // exhibits, as Case::Items() lists them
  std::uint64_t incidents = 0;  // diary entries, as Case::Incidents() lists them
  std::uint64_t messages = 0;   // messages parsed out of exports, calls not included
  std::uint64_t calls = 0;      // calls parsed out of call logs (items of kind "calls")
};

struct LogFilter {
  std::optional<std::string> item;
  std::optional<std::string> incident;
  std::optional<std::string> action;
  std::optional<std::string> since;  // RFC 3339 lower bound on entry time (inclusive)
  std::optional<std::string> until;  // upper bound (inclusive)
};

// What `verify` found. Each failure names what failed, which file/entry/checkpoint, and which
// check.
struct VerifyReport {
  std::uint64_t objects_checked = 0;
  std::uint64_t bytes_hashed = 0;
  std::uint64_t entries_checked = 0;
  std::uint64_t checkpoints_checked = 0;
  std::uint64_t items_checked = 0;
  std::string key_fingerprint;
  std::vector<std::string> failures;
  std::vector<std::string> warnings;  // not evidence problems: leftovers of interrupted commands
  bool ok() const { return failures.empty(); }
};

// One ledger entry with its RFC 9162 inclusion proof (`prove ID`).
struct EntryProof {
  std::uint64_t seq = 0;
  std::string entry;  // the entry's exact canonical bytes: the Merkle leaf
  Sha256Digest leaf_hash{};
  std::vector<Sha256Digest> inclusion_path;  // PATH(seq, D[0:tree_size]), leaf to root
};

// An item's or an incident's entries, each proven against the newest signed checkpoint.
struct InclusionProofs {
  std::string id;          // the exhibit or incident id as the case spells it
  std::string checkpoint;  // the newest signed checkpoint note, exactly as signed
  std::uint64_t tree_size = 0;
  Sha256Digest root{};
  std::vector<EntryProof> entries;
};

// RFC 9162 consistency proof from an older checkpoint of this case to the newest one.
struct ConsistencyProofs {
  std::uint64_t old_size = 0;
  Sha256Digest old_root{};
  std::string old_signer;  // fingerprint of the key that signed the older checkpoint
  std::uint64_t new_size = 0;
  Sha256Digest new_root{};
  std::vector<Sha256Digest> path;  // PROOF(old_size, D[0:new_size])
  std::string checkpoint;          // the newest signed checkpoint note
};

// What `key rotate` did.
struct KeyRotation {
  std::string key_name;
  std::string old_fingerprint;
  std::string new_fingerprint;
  std::uint64_t entry = 0;  // seq of the key.added entry
};

// A time-stamp request made for the latest checkpoint (Case::RequestTimestamp).
struct TimestampRequestOutcome {
  Bytes request;                  // DER TimeStampReq, to send to a TSA
  std::uint64_t tree_size = 0;    // of the checkpoint it covers
  Sha256Digest imprint{};         // SHA-256 of that checkpoint's signed body
  std::string nonce;              // hex
  std::filesystem::path pending;  // the copy kept in the case until the response is attached
};

// A response taken into the case (Case::AttachTimestamp).
struct TimestampAttachOutcome {
  TimestampToken token;
  std::uint64_t tree_size = 0;   // of the checkpoint the token covers
  std::string token_sha256;      // of the stored .tsr
  std::filesystem::path stored;  // CASE/timestamps/<size>.tsr
  std::uint64_t entry = 0;       // seq of the timestamp.attached entry
};

// The components a Case is a facade over (src/case/case_state.hpp).
struct CaseState;

class Case {
 public:
  // Creates a new case in `dir` (which must not exist, or be an empty folder): case.json, the
  // ledger with its case.created and key.added entries, the owner's key, and a first checkpoint.
  // kAlreadyExists if `dir` already holds a case or anything else.
  static Result<Case> Create(const std::filesystem::path& dir, const CaseOptions& options);

  // Opens an existing case. kNotFound / kInvalidArgument when `dir` is not a case. An encrypted
  // case asks `passphrase` at once and unlocks its case key and signing key with one derivation
  // ("wrong passphrase" is kInvalidArgument, and changes nothing); another asks it only if a
  // command needs to sign.
  static Result<Case> Open(const std::filesystem::path& dir, PassphraseProvider passphrase = {});

  // Converts the plaintext case in `dir` into an encrypted one under `passphrase` (`evidence
  // encrypt`, docs/case-format.md "Encrypting an existing case"): a new case key, every object,
  // the ledger's evidence columns and the signing keys sealed, and a case.encrypted entry. Crash
  // safe: the case is the plaintext one until one rename commits the encrypted one, which every
  // Open then finishes. The plaintext files are overwritten with zeros and removed.
  // kInvalidArgument when the case is already encrypted or the passphrase is empty;
  // kVerificationFailed, naming the first failure, when the case does not verify;
  // errors of Open and kIoError otherwise, the case left as it was unless the commit was reached.
  // `params`: the scrypt cost of the new key files (tests that open the case hundreds of times
  // lower it).
  static Status Encrypt(const std::filesystem::path& dir, const std::string& passphrase,
                        const ScryptParams& params = ScryptParams::Default());

  Case(Case&&) noexcept;
  Case& operator=(Case&&) noexcept;
  ~Case();

  const CaseInfo& info() const;
  const std::filesystem::path& dir() const;

  // Ingests one regular file: copies it into the object store while hashing it, extracts metadata,
  // and records the item with its entries in one transaction. A file already in the case is
  // reported as a duplicate and records nothing. The transaction also signs a checkpoint over
  // its entries, so no crash can leave entries that no checkpoint covers.
  Result<IngestOutcome> Ingest(const std::filesystem::path& file, const IngestOptions& options);

  // Begins ingesting a file whose bytes the caller receives in pieces (upload.hpp): `name` is the
  // file's name as its sender gave it (a browser's), recorded as Ingest records a file's name.
  // Only its last component is kept (after the last '/' or '\\'); kInvalidArgument (argument
  // "name") when that is empty, "." or "..", holds a NUL byte or is longer than 255 bytes, which no
  // file name on disk could be. kNotFound for an unknown options.incident. Nothing is written to
  // the case until Upload::Finish, except the staged copy in tmp/ that the Upload removes.
  Result<Upload> BeginUpload(std::string name, const IngestOptions& options);

  // The largest file whose whole plaintext an encrypted case holds in memory while it is
  // ingested, for the metadata extractors and the message parsers (nothing is written to disk in
  // clear). Past it the file is still stored whole and verifies, but only its type is read, and
  // the item carries a warning saying so. Set when the case opens from the memory the system has
  // available (docs/architecture.md, "Plaintext for the parsers"); a caller that knows better may
  // change it. No effect on a plaintext case, whose parsers can read the staged copy instead.
  void LimitPlaintextInMemory(std::uint64_t bytes);

  // Ingests `files` as Ingest does each, in that order, using every core: files are staged and
  // hashed in parallel, then recorded in batches (one group fsync and one transaction per batch of
  // up to 256 files or 0.5 s). Exhibit ids follow the order of `files`, never thread timing.
  // `on_item` is called in that order once each file is recorded (or found a duplicate, with the
  // exhibit it already is). The first file that cannot be ingested stops the command: the files
  // before it stay recorded, it and those after it are not, and the error names it. Each batch's
  // transaction signs a checkpoint over its entries.
  Status IngestFiles(const std::vector<std::filesystem::path>& files, const IngestOptions& options,
                     const std::function<void(const IngestOutcome&)>& on_item);

  // Loads the signing key now (asking for the passphrase if it is encrypted), so that a command
  // that will append fails on a wrong passphrase before it records anything.
  Status Unlock();

  // Signs a checkpoint over the whole ledger if entries were appended since the last one.
  Status Seal();

  Result<std::vector<Item>> Items() const;
  // kNotFound if there is no such exhibit.
  Result<Item> GetItem(std::string_view exhibit) const;

  Result<std::vector<LedgerEntry>> Log(const LogFilter& filter) const;

  // Records a diary entry and returns its id (INC-NNNN). kInvalidArgument, recording nothing, for a
  // time that cannot be read or lies in the future, `until` before `at`, an unknown behaviour, an
  // empty account, or an unknown exhibit. The entries and their signed checkpoint are written in
  // one transaction: nothing is left for the caller to seal.
  Result<std::string> RecordIncident(const IncidentInput& input);

  // Appends an amendment; the original account stays in the ledger. Same checks as RecordIncident.
  Status AmendIncident(std::string_view id, const IncidentChanges& changes);

  // Links exhibits to an incident (one item.linked entry each; links already made are skipped).
  // kNotFound for an unknown incident or exhibit, recording nothing.
  Status LinkItems(std::string_view incident, const std::vector<std::string>& exhibits);

  // Links messages of the export `exhibit` (their Message::index) to an incident: one item.linked
  // entry naming them (docs/diary.md "Linking messages"), which also links the export. Messages
  // already linked to it are skipped; nothing is recorded when none is left. kNotFound for an
  // unknown incident or exhibit; kInvalidArgument (argument "messages") for an empty list, an
  // exhibit that holds no messages or an index the export does not hold ("EX-0001 has no message
  // 3 (it holds 3)"); nothing is recorded then.
  Status LinkMessages(std::string_view incident, std::string_view exhibit,
                      const std::vector<std::uint64_t>& indices);

  // Messages parsed out of exports, in export order.
  Result<std::vector<StoredMessage>> Messages(const MessageFilter& filter) const;
  // One page of the messages a search selects, in export order, with the counts and senders a
  // page shows, from one pass that holds no more than the page: memory does not grow with the
  // export. An offset past the last match gives no messages and the counts. The same reading and
  // filters as Messages.
  Result<MessagePage> SearchMessages(const MessageSearch& search) const;
  // Every export with at least one message, in exhibit order, summed without holding a message.
  Result<std::vector<MessageExport>> MessageExports() const;
  // What each linked message (Incident::messages) says, in the order of `links`, each export read
  // once. A message the case does not hold comes back with `found` false rather than failing:
  // the incident is still shown, and `verify` names the link.
  Result<std::vector<LinkedMessageQuote>> QuoteMessages(
      const std::vector<LinkedMessage>& links) const;
  // Calls parsed out of call logs (messages whose `call` is set), in export order.
  Result<std::vector<StoredMessage>> Calls(const CallFilter& filter) const;

  // The numbers a summary shows, one SQL count each over the ledger's structure columns, which
  // are not encrypted (docs/case-format.md): no entry, message or object is read or decrypted, so
  // it stays fast with very many messages. Only the kind of each item is decrypted, to tell call
  // logs apart. The rows counted are the index `verify` checks against the signed ledger.
  Result<CaseCounts> Counts() const;

  // All incidents ordered by `at`, folded from the ledger.
  Result<std::vector<Incident>> Incidents() const;
  Result<Incident> GetIncident(std::string_view id) const;

  // Everything the pattern report shows, for the whole case or a window (RFC 3339 UTC bounds,
  // inclusive): incidents that happened in it, the exhibits they link and those captured in it,
  // capture times and messages in it, and the newest checkpoint as the integrity anchor.
  Result<ReportData> GatherReport(const std::optional<std::string>& since,
                                  const std::optional<std::string>& until) const;

  // Writes a bundle (docs/bundle.md) of the selection to options.out and records it with an
  // export.created entry. The entry is committed only once the archive is complete, and the
  // archive appears (by rename) only then: a failed export leaves neither behind.
  // kNotFound for an unknown item or incident; kAlreadyExists if `out` exists and !force.
  Result<ExportOutcome> Export(const ExportOptions& options);

  // Verifies a bundle and, only if it verifies, takes its items into this case under their
  // original hashes and exhibit ids, keeps the sender's records (custody/<k>/) and appends a
  // bundle.received entry. kVerificationFailed (recording nothing) if the bundle does not verify;
  // kAlreadyExists if an exhibit id is taken here by other bytes.
  Result<ReceiveOutcome> Receive(const std::filesystem::path& bundle, const std::string& note,
                                 const VerifyBundleOptions& options);

  // Builds an RFC 3161 request over the latest checkpoint's signed body and
  // keeps a copy under CASE/timestamps/pending/ so that the response can be checked against it.
  // Records no ledger entry: that would make the checkpoint it covers stale at once.
  Result<TimestampRequestOutcome> RequestTimestamp();

  // Checks a TSA's response (DER TimeStampResp in `response`) against the pending request it
  // answers (imprint, nonce, signature; with `tsa_ca_pem`, a PEM file, also the chain), then
  // stores it as CASE/timestamps/<size>.tsr and appends a timestamp.attached entry, sealed by a
  // new checkpoint in the same transaction (call Unlock() first). On any failure nothing is
  // recorded or stored: kInvalidArgument for an unusable file (garbage, a refused request, no
  // pending request), kVerificationFailed when it does not answer a pending request or its
  // signature or chain does not verify, kAlreadyExists when that checkpoint already has a token.
  Result<TimestampAttachOutcome> AttachTimestamp(
      const std::filesystem::path& response,
      const std::optional<std::filesystem::path>& tsa_ca_pem);

  // The newest signed checkpoint note, exactly as signed. kVerificationFailed, naming it, when
  // the newest checkpoint's signature does not verify against the case's keys (an older one is
  // never returned in its place); kCorruption when there is none.
  Result<std::string> LatestCheckpoint() const;

  // An original's bytes in an anonymous memory file, sealed against change, for a program that
  // shows or hands out the original without a copy on disk (the app). The item is the one the
  // signed ledger records, and the object is read, decrypted and re-hashed before the descriptor
  // is returned, so what is read from it is the evidence; a failed check is kVerificationFailed
  // naming the item. The caller owns the descriptor and closes it; the original is held in
  // memory until then. With `handed_to` (where the copy goes, in words) an item.accessed entry
  // with purpose "download" is recorded, as Extract records one: the bytes are about to leave the
  // case. Without it nothing is recorded: showing an original is not a custody event, any more
  // than `show` or the report are.
  Result<int> OpenOriginal(std::string_view exhibit,
                           const std::optional<std::string>& handed_to = std::nullopt);

  // Copies an original out to `dest_dir` under its original name, after checking its hash, and
  // records an item.accessed entry. kAlreadyExists if the file exists and !overwrite.
  Result<std::filesystem::path> Extract(std::string_view exhibit,
                                        const std::filesystem::path& dest_dir, bool overwrite);

  // The full check of `evidence verify` (docs/cli.md). The Status is about being unable to run the
  // check (I/O); what does not verify is in the report.
  Result<VerifyReport> Verify() const;

  // The entries about exhibit or incident `id`, each with its inclusion proof against the newest
  // checkpoint (docs/merkle.md). kNotFound when the case has no such exhibit or incident;
  // kCorruption when the ledger no longer matches its newest checkpoint.
  Result<InclusionProofs> Prove(std::string_view id) const;

  // The consistency proof from `old_checkpoint` (a signed note) to the newest checkpoint.
  // kInvalidArgument when the note is malformed or of another case (origin); kVerificationFailed,
  // naming what, when it is not signed by the key this case had at its size, when it is larger
  // than the ledger, or when its root is not this ledger's root at its size (the ledger was
  // rewritten since).
  Result<ConsistencyProofs> ProveConsistency(std::string_view old_checkpoint) const;

  // Makes a new signing key, stored like the current one (encrypted with `passphrase`, or
  // unencrypted for std::nullopt), and appends a key.added entry endorsed by the current key, which
  // must unlock (a wrong passphrase changes nothing). Checkpoints from then on are signed by the
  // new key; the old private key file is removed once the rotation is committed.
  Result<KeyRotation> RotateKey(const std::optional<std::string>& passphrase);

  // Re-wraps every key file of the case (each signing key file in keys/ and the case key file)
  // under `new_passphrase`, crash-safely and all or nothing (docs/key-file.md, "Changing the
  // passphrase"). The keys, the ledger and the evidence do not change, and no entry is appended.
  // kInvalidArgument, changing nothing: a case whose key has no passphrase; an empty new
  // passphrase (argument "new_passphrase"); "<key file>: wrong passphrase" (argument
  // "old_passphrase"). kCorruption naming the file for a damaged key file; kBusy when another
  // writer holds the case or changed its key files meanwhile. `params`: the scrypt cost of the
  // new wrapping.
  Status ChangePassphrase(const std::string& old_passphrase, const std::string& new_passphrase,
                          const ScryptParams& params = ScryptParams::Default());

  // The owner's public key, PEM.
  Result<std::string> PublicKeyPem() const;
  // The verifier key string "<name>+<key id>+<base64 key>" of the C2SP signed-note format.
  Result<std::string> VerifierKey() const;

 private:
  using State = CaseState;
  explicit Case(std::unique_ptr<State> state);
  // Adds message counts, call counts and message events in the window (bounds in Unix ms) to
  // `data`.
  Status GatherMessages(std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                        ReportData* data) const;
  std::unique_ptr<State> s_;
};

// The default case folder: $EVIDENCE_CASE, else $XDG_DATA_HOME/evidence/default, else
// ~/.local/share/evidence/default.
std::filesystem::path DefaultCaseDir();

}  // namespace evidence
EVIDENCE_PUBLIC_END
