// Signed checkpoints: C2SP signed notes (c2sp.org/signed-note) whose text is a C2SP tlog-checkpoint
// (c2sp.org/tlog-checkpoint), signed with Ed25519. Pure code: no I/O, no clock, no database. The
// formats are described in docs/checkpoint.md.
//
//   evidence.case/<case uuid>\n<tree size>\n<base64 root hash>\n
//   \n
//   — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\n
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/export.hpp"
#include "evidence/hash.hpp"
#include "evidence/signing.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// Parsers refuse notes larger than this (1 MiB) ...
inline constexpr std::size_t kMaxNoteSize = 1 << 20;
// ... or with more signature lines than this (the spec requires accepting at least 16).
inline constexpr std::size_t kMaxNoteSignatures = 100;

// The three mandatory lines of a tlog-checkpoint: the tree head of a log at one size.
struct Checkpoint {
  std::string origin;      // the log's identity; non-empty, one line
  std::uint64_t size = 0;  // number of leaves
  Sha256Digest root{};     // RFC 6962 Merkle tree hash at `size`

  // The note text: origin "\n" decimal size "\n" base64(root) "\n". This is what is signed.
  std::string Body() const;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The signed-note key id of an Ed25519 key: the first 4 bytes, big-endian, of
// SHA-256(key_name || 0x0A || 0x01 || 32-byte public key). Requires nothing of key_name.
std::uint32_t KeyId(std::string_view key_name, const PublicKey& key);

// The standard verifier key text "<name>+<8 hex digit key id>+<base64(0x01 || public key)>", as
// used by golang.org/x/mod/sumdb/note and the transparency-dev tools.
// Requires ValidKeyName(key_name).
std::string VerifierKey(std::string_view key_name, const PublicKey& key);
// Reads a verifier key back into (name, key). kInvalidArgument when malformed or when the key id
// does not match the name and key; kUnsupported when the algorithm byte is not 0x01 (Ed25519).
Result<std::pair<std::string, PublicKey>> ParseVerifierKey(std::string_view vkey);

// One Ed25519-shaped signature line of a note: "— <key_name> base64(key_id || signature)".
struct NoteSignature {
  std::string key_name;
  std::uint32_t key_id = 0;
  std::array<std::uint8_t, PublicKey::kSignatureSize> signature{};

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A signed note split into its parts. Nothing in it has been verified.
struct SignedNote {
  std::string text;  // the signed text, including its final newline
  // Signature lines whose payload is 4 + 64 bytes, in note order.
  std::vector<NoteSignature> signatures;
  // Well-formed signature lines of other lengths (other algorithms, witness cosignatures). The
  // spec says to ignore signatures from unknown keys, so they are kept verbatim (without the
  // newline) but never verified.
  std::vector<std::string> other_signature_lines;
};

// The whole note: text + "\n" + "— " + key_name + " " + base64(key id || signature) + "\n".
// The signature covers `text` exactly. kInvalidArgument when the key name is invalid or the text
// is empty, lacks a final newline, is not UTF-8 or holds a control character other than newline.
Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const SigningKey& key);

// Splits a signed note strictly per c2sp.org/signed-note. kCorruption, with a message that names
// the defect, for: a note over kMaxNoteSize, invalid UTF-8, a control character, no final
// newline, no blank line before the signatures, no signature lines, a malformed signature line
// (no em dash prefix, bad key name, bad base64, fewer than 5 bytes), or over kMaxNoteSignatures.
Result<SignedNote> ParseSignedNote(std::string_view note);

// ParseSignedNote, then: OK only if at least one signature line carries `key_name` and the key id
// of (`key_name`, `key`), and every such line verifies. kVerificationFailed otherwise, with
// "no signature by key <name> (id xxxxxxxx)" or "signature by key <name> does not verify".
Result<SignedNote> VerifySignedNote(std::string_view note, std::string_view key_name,
                                    const PublicKey& key);

// The signed note of `checkpoint` (see SignNote). kInvalidArgument when the origin is empty,
// spans lines, is not UTF-8 or holds control characters, or when the key name is invalid.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const SigningKey& key);

// A parsed checkpoint note. Nothing in it has been verified unless it came from
// VerifyCheckpointNote.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string body;                          // the exact signed text
  std::vector<std::string> extension_lines;  // tlog-checkpoint lines after the root, if any
  std::vector<NoteSignature> signatures;
  std::vector<std::string> other_signature_lines;
};

// ParseSignedNote plus the tlog-checkpoint rules for the text: at least three lines, a non-empty
// origin, a decimal size without leading zeros that fits 64 bits, a base64 root of exactly 32
// bytes, and non-empty extension lines (kept, never interpreted). kCorruption on any defect.
Result<SignedCheckpoint> ParseCheckpointNote(std::string_view note);

// ParseCheckpointNote, then the signature check of VerifySignedNote (kVerificationFailed).
Result<SignedCheckpoint> VerifyCheckpointNote(std::string_view note, std::string_view key_name,
                                              const PublicKey& key);

}  // namespace evidence
EVIDENCE_PUBLIC_END
