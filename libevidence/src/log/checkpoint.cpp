#include "evidence/checkpoint.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "status_macros.hpp"
#include "utf8.hpp"

namespace evidence {

namespace {

// UTF-8 em dash, space: the start of every signature line.
constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";
// Signature type byte for Ed25519 in key ids and verifier keys (c2sp.org/signed-note).
constexpr std::uint8_t kAlgEd25519 = 0x01;

// The note rules for text: valid UTF-8, no control character below U+0020 except newline.
// Returns the problem ("not valid utf-8 at byte 12") or an empty string.
std::string TextProblem(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return "not valid utf-8 at byte " + std::to_string(i);
    if (cp < 0x20 && cp != '\n') return "control character at byte " + std::to_string(i);
    i += n;
  }
  return {};
}

std::string KeyIdHex(std::uint32_t id) {
  std::array<std::uint8_t, 4> be = {
      static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return HexEncode(be);
}

// Error messages quote bad input; keep the quote short and on one line.
std::string Quote(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (s.size() > 40) out += "...";
  return "\"" + out + "\"";
}

Result<SignedNote> ParseNote(std::string_view note, std::string_view ctx) {
  const std::string c(ctx);
  if (note.size() > kMaxNoteSize) {
    return Status::Corruption(c + ": note is larger than 1 MiB (" + std::to_string(note.size()) +
                              " bytes)");
  }
  if (note.empty()) return Status::Corruption(c + ": the note is empty");
  if (std::string problem = TextProblem(note); !problem.empty()) {
    return Status::Corruption(c + ": " + problem);
  }
  if (note.back() != '\n') {
    return Status::Corruption(c + ": text after the last newline (a note ends with a newline)");
  }
  // The text is separated from the signatures by the last blank line.
  std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::Corruption(c + ": no blank line between the text and the signatures");
  }
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return Status::Corruption(c + ": no signature lines");

  std::size_t number = 0;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');  // always found: the note ends with a newline
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    ++number;
    if (number > kMaxNoteSignatures) {
      return Status::Corruption(c + ": more than " + std::to_string(kMaxNoteSignatures) +
                                " signature lines");
    }
    const std::string where = c + ": signature line " + std::to_string(number) + " is malformed: ";
    if (!line.starts_with(kSigPrefix)) {
      return Status::Corruption(where + "it does not start with an em dash (U+2014) and a space");
    }
    std::string_view body = line.substr(kSigPrefix.size());
    std::size_t space = body.find(' ');
    if (space == std::string_view::npos) {
      return Status::Corruption(where + "no space between the key name and the signature");
    }
    std::string_view name = body.substr(0, space);
    std::string_view b64 = body.substr(space + 1);
    if (Status s = ValidKeyName(name); !s.ok()) return Status::Corruption(where + s.message());
    auto blob = Base64Decode(b64);
    if (b64.empty() || !blob.ok()) {
      return Status::Corruption(where + "the signature is not valid base64");
    }
    if (blob->size() < 5) {
      return Status::Corruption(where + "the signature is shorter than a key id and one byte");
    }
    if (blob->size() != 4 + PublicKey::kSignatureSize) {
      out.other_signature_lines.emplace_back(line);
      continue;
    }
    NoteSignature sig;
    sig.key_name = std::string(name);
    sig.key_id = std::uint32_t{(*blob)[0]} << 24 | std::uint32_t{(*blob)[1]} << 16 |
                 std::uint32_t{(*blob)[2]} << 8 | std::uint32_t{(*blob)[3]};
    std::copy(blob->begin() + 4, blob->end(), sig.signature.begin());
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

// The signed-note verification rule: at least one signature by (name, id) and none that fails.
Status VerifyParts(std::string_view text, const std::vector<NoteSignature>& sigs,
                   std::string_view key_name, const PublicKey& key, std::string_view ctx) {
  const std::uint32_t id = KeyId(key_name, key);
  bool found = false;
  std::optional<std::uint32_t> other_id;
  for (const NoteSignature& sig : sigs) {
    if (sig.key_name != key_name) continue;
    if (sig.key_id != id) {
      other_id = sig.key_id;
      continue;
    }
    found = true;
    if (!key.Verify(AsBytes(text), sig.signature).ok()) {
      return Status::VerificationFailed(std::string(ctx) + ": signature by key " +
                                        std::string(key_name) + " does not verify");
    }
  }
  if (!found) {
    std::string msg = std::string(ctx) + ": no signature by key " + std::string(key_name) +
                      " (id " + KeyIdHex(id) + ")";
    if (other_id) {
      msg += "; it is signed by a different key with that name (id " + KeyIdHex(*other_id) + ")";
    }
    return Status::VerificationFailed(msg);
  }
  return Status::Ok();
}

Result<std::uint64_t> ParseTreeSize(std::string_view s) {
  if (s.empty()) return Status::Corruption("checkpoint: the tree size line is empty");
  if (!std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return Status::Corruption("checkpoint: tree size " + Quote(s) + " is not a decimal number");
  }
  if (s.size() > 1 && s[0] == '0') {
    return Status::Corruption("checkpoint: tree size " + Quote(s) + " has a leading zero");
  }
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::Corruption("checkpoint: tree size " + Quote(s) + " does not fit in 64 bits");
  }
  return v;
}

// Splits the tlog-checkpoint text. Requires `text` to end with a newline (ParseNote ensures it).
Status ParseCheckpointText(std::string_view text, SignedCheckpoint* out) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t eol = text.find('\n', start);
    lines.push_back(text.substr(start, eol - start));
    start = eol + 1;
  }
  if (lines.size() < 3) {
    return Status::Corruption("checkpoint: the text has " + std::to_string(lines.size()) +
                              " line(s); it needs an origin, a tree size and a root hash");
  }
  if (lines[0].empty()) return Status::Corruption("checkpoint: the origin line is empty");
  out->checkpoint.origin = std::string(lines[0]);
  EVIDENCE_ASSIGN_OR_RETURN(out->checkpoint.size, ParseTreeSize(lines[1]));
  auto root = Base64Decode(lines[2]);
  if (lines[2].empty() || !root.ok()) {
    return Status::Corruption("checkpoint: the root hash " + Quote(lines[2]) +
                              " is not valid base64");
  }
  if (root->size() != out->checkpoint.root.size()) {
    return Status::Corruption("checkpoint: the root hash is " + std::to_string(root->size()) +
                              " bytes, not 32");
  }
  // Non-zero padding bits decode to the same bytes; refusing them keeps Body() == body.
  if (Base64Encode(*root) != lines[2]) {
    return Status::Corruption("checkpoint: the root hash " + Quote(lines[2]) +
                              " is not canonical base64");
  }
  std::copy(root->begin(), root->end(), out->checkpoint.root.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return Status::Corruption("checkpoint: line " + std::to_string(i + 1) +
                                " (an extension line) is empty");
    }
    out->extension_lines.emplace_back(lines[i]);
  }
  out->body = std::string(text);
  return Status::Ok();
}

Result<std::string> SignText(std::string_view text, std::string_view key_name,
                             const SigningKey& key, std::string_view ctx) {
  const std::string c(ctx);
  EVIDENCE_RETURN_IF_ERROR(ValidKeyName(key_name).WithContext(c));
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument(c + ": the text must end with a newline");
  }
  // Leave room for the signature lines, so that whatever we sign our own parser accepts.
  if (text.size() > kMaxNoteSize / 2) return Status::InvalidArgument(c + ": the text is too large");
  if (std::string problem = TextProblem(text); !problem.empty()) {
    return Status::InvalidArgument(c + ": the text has a " + problem);
  }
  EVIDENCE_ASSIGN_OR_RETURN(auto sig, key.Sign(AsBytes(text)));
  const std::uint32_t id = KeyId(key_name, key.public_key());
  Bytes blob = {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  blob.insert(blob.end(), sig.begin(), sig.end());
  return std::string(text) + "\n" + std::string(kSigPrefix) + std::string(key_name) + " " +
         Base64Encode(blob) + "\n";
}

}  // namespace

std::string Checkpoint::Body() const {
  return origin + "\n" + std::to_string(size) + "\n" + Base64Encode(root) + "\n";
}

std::uint32_t KeyId(std::string_view key_name, const PublicKey& key) {
  Sha256 h;
  h.Update(key_name);
  const std::uint8_t sep[2] = {'\n', kAlgEd25519};
  h.Update(ByteView(sep));
  h.Update(ByteView(key.raw()));
  Sha256Digest d = h.Finish();
  return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 |
         std::uint32_t{d[3]};
}

std::string VerifierKey(std::string_view key_name, const PublicKey& key) {
  Bytes typed{kAlgEd25519};
  typed.insert(typed.end(), key.raw().begin(), key.raw().end());
  return std::string(key_name) + "+" + KeyIdHex(KeyId(key_name, key)) + "+" + Base64Encode(typed);
}

Result<std::pair<std::string, PublicKey>> ParseVerifierKey(std::string_view vkey) {
  std::size_t p1 = vkey.find('+');
  std::size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return Status::InvalidArgument("verifier key: expected <name>+<key id>+<base64 key>");
  }
  std::string_view name = vkey.substr(0, p1);
  std::string_view id_hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  std::string_view key_b64 = vkey.substr(p2 + 1);
  if (Status s = ValidKeyName(name); !s.ok()) return s.WithContext("verifier key");
  auto id_bytes = HexDecode(id_hex);
  if (id_hex.size() != 8 || !id_bytes.ok()) {
    return Status::InvalidArgument("verifier key: the key id " + Quote(id_hex) +
                                   " is not 8 hex digits");
  }
  auto typed = Base64Decode(key_b64);
  if (key_b64.empty() || !typed.ok() || typed->empty()) {
    return Status::InvalidArgument("verifier key: the key is not valid base64");
  }
  if ((*typed)[0] != kAlgEd25519) {
    return Status::Unsupported("verifier key: signature type " + std::to_string((*typed)[0]) +
                               " is not supported, only 1 (ed25519)");
  }
  auto key = PublicKey::FromRaw(ByteView(*typed).subspan(1));
  if (!key.ok()) return key.status().WithContext("verifier key");
  std::uint32_t id = std::uint32_t{(*id_bytes)[0]} << 24 | std::uint32_t{(*id_bytes)[1]} << 16 |
                     std::uint32_t{(*id_bytes)[2]} << 8 | std::uint32_t{(*id_bytes)[3]};
  if (id != KeyId(name, *key)) {
    return Status::InvalidArgument("verifier key: the key id " + std::string(id_hex) +
                                   " does not match the name and key");
  }
  return std::make_pair(std::string(name), *key);
}

Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const SigningKey& key) {
  return SignText(text, key_name, key, "sign note");
}

Result<SignedNote> ParseSignedNote(std::string_view note) { return ParseNote(note, "signed note"); }

Result<SignedNote> VerifySignedNote(std::string_view note, std::string_view key_name,
                                    const PublicKey& key) {
  EVIDENCE_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(note, "signed note"));
  EVIDENCE_RETURN_IF_ERROR(
      VerifyParts(parsed.text, parsed.signatures, key_name, key, "signed note"));
  return parsed;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const SigningKey& key) {
  const std::string& origin = checkpoint.origin;
  if (origin.empty()) return Status::InvalidArgument("sign checkpoint: the origin is empty");
  if (origin.find('\n') != std::string::npos) {
    return Status::InvalidArgument("sign checkpoint: the origin spans more than one line");
  }
  if (std::string problem = TextProblem(origin); !problem.empty()) {
    return Status::InvalidArgument("sign checkpoint: the origin has a " + problem);
  }
  return SignText(checkpoint.Body(), key_name, key, "sign checkpoint");
}

Result<SignedCheckpoint> ParseCheckpointNote(std::string_view note) {
  EVIDENCE_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(note, "checkpoint"));
  SignedCheckpoint out;
  EVIDENCE_RETURN_IF_ERROR(ParseCheckpointText(parsed.text, &out));
  out.signatures = std::move(parsed.signatures);
  out.other_signature_lines = std::move(parsed.other_signature_lines);
  return out;
}

Result<SignedCheckpoint> VerifyCheckpointNote(std::string_view note, std::string_view key_name,
                                              const PublicKey& key) {
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint parsed, ParseCheckpointNote(note));
  EVIDENCE_RETURN_IF_ERROR(
      VerifyParts(parsed.body, parsed.signatures, key_name, key, "checkpoint"));
  return parsed;
}

}  // namespace evidence
