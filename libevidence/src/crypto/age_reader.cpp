#include "age_reader.hpp"

#include <cstring>

#include "age_header.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence {
namespace {

using age_internal::Failure;
using age_internal::kChunkSize;
using age_internal::kTagSize;

constexpr std::size_t kEncryptedChunkSize = kChunkSize + kTagSize;
constexpr std::size_t kNonceSize = 16;
constexpr std::string_view kBinaryPrefix = "age-encryption.org/";
constexpr std::size_t kMaxLeadingWhitespace = 1024;

age_internal::Nonce12 ChunkNonce(std::uint64_t counter, bool last) {
  age_internal::Nonce12 nonce{};
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
  nonce[11] = last ? 1 : 0;
  return nonce;
}

std::string ChunkName(std::uint64_t index) { return "payload chunk " + std::to_string(index + 1); }

// The file key from the first identity that opens a stanza, as the reference implementation
// tries them: identity by identity, stanza by stanza, and a malformed stanza of the identity's
// own type stops everything.
Status FindFileKey(const age_internal::Header& header, const std::vector<AgeIdentity>& identities,
                   age_internal::FileKey* file_key, Failure* failure) {
  bool scrypt = false;
  for (const auto& s : header.stanzas) scrypt = scrypt || s.type == "scrypt";
  if (scrypt && header.stanzas.size() != 1) {
    *failure = Failure::kHeader;
    return Status::Corruption("header: an scrypt stanza must be the only stanza");
  }
  for (const AgeIdentity& id : identities) {
    for (std::size_t i = 0; i < header.stanzas.size(); ++i) {
      auto r = age_internal::UnwrapFileKey(id.data(), header.stanzas[i], i, file_key);
      if (!r.ok()) {
        *failure = Failure::kHeader;
        return r.status();
      }
      if (*r == age_internal::Unwrap::kMatched) return Status::Ok();
    }
  }
  *failure = Failure::kNoMatch;
  bool passphrase_given = false;
  for (const AgeIdentity& id : identities)
    passphrase_given = passphrase_given || id.is_passphrase();
  if (scrypt && passphrase_given) return Status::InvalidArgument("wrong passphrase");
  if (scrypt) {
    return Status::InvalidArgument(
        "no identity matches: the file is encrypted to a passphrase, not to an identity");
  }
  return Status::InvalidArgument("no identity matches any of the file's " +
                                 std::to_string(header.stanzas.size()) + " recipient stanza(s)");
}

}  // namespace

AgeDecryptor::Impl::~Impl() {
  OPENSSL_cleanse(payload_key.data(), payload_key.size());
  if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
}

Status AgeDecryptor::Impl::Fail(Failure kind, Status status) {
  if (armor && armor->failed()) {
    kind = Failure::kArmor;
  } else if (status.code() == StatusCode::kIoError && kind != Failure::kNone) {
    kind = Failure::kInput;
  }
  failure = kind;
  return status;
}

// Opens the chunk in in[0, n) with the given last flag; *ok is false when the tag does not match.
Result<ByteView> AgeDecryptor::Impl::Open(bool last, std::size_t n, bool* ok) {
  EVIDENCE_ASSIGN_OR_RETURN(*ok, age_internal::ChaChaOpen(payload_key, ChunkNonce(chunk, last),
                                                          ByteView(in.data(), n), out.data()));
  return ByteView(out.data(), n - kTagSize);
}

// One chunk: a short read is the final chunk; a full one is tried as a middle chunk first and
// then as a full final chunk, which must then be the end of the file.
Result<ByteView> AgeDecryptor::Impl::Next() {
  if (failure != Failure::kNone) return Status::InvalidArgument("age: reading after an error");
  if (done) return ByteView();
  auto n = src->Read(in.data(), in.size());
  if (!n.ok()) return Fail(Failure::kPayload, n.status());
  const std::string name = ChunkName(chunk);
  if (*n == 0) {
    return Fail(Failure::kPayload,
                Status::Corruption(chunk == 0 ? "the file has no payload chunk"
                                              : "the file ends after " + ChunkName(chunk - 1) +
                                                    " without the final chunk (truncated)"));
  }
  if (*n < kTagSize) {
    return Fail(Failure::kPayload, Status::Corruption(name + ": shorter than its tag"));
  }
  bool ok = false;
  bool last = *n < in.size();
  EVIDENCE_ASSIGN_OR_RETURN(ByteView plain, Open(last, *n, &ok));
  if (!ok && !last) {
    last = true;
    EVIDENCE_ASSIGN_OR_RETURN(plain, Open(true, *n, &ok));
  }
  if (!ok) {
    return Fail(Failure::kPayload,
                Status::VerificationFailed(
                    name + ": authentication tag does not match (the chunk was altered, "
                           "reordered or truncated)"));
  }
  if (last) {
    if (plain.empty() && chunk > 0) {
      return Fail(Failure::kPayload,
                  Status::Corruption(name + ": an empty final chunk after a full one"));
    }
    auto more = src->Peek(1);
    if (!more.ok()) return Fail(Failure::kPayload, more.status());
    if (!more->empty()) {
      return Fail(Failure::kPayload,
                  Status::Corruption("data after the final chunk (" + name + ")"));
    }
    done = true;
  }
  ++chunk;
  if (chunk == (std::uint64_t{1} << 63)) {
    return Fail(Failure::kPayload, Status::Unsupported("too many payload chunks"));
  }
  return plain;
}

namespace age_internal {

Result<std::unique_ptr<AgeDecryptor::Impl>> OpenReader(AgeDecryptor::Input input,
                                                       const std::vector<AgeIdentity>& identities,
                                                       Failure* failure, bool armored) {
  *failure = Failure::kNone;
  auto r = std::make_unique<AgeDecryptor::Impl>();
  r->raw = std::make_unique<BufferedSource>(std::move(input));
  auto head = r->raw->Peek(kMaxLeadingWhitespace + kBinaryPrefix.size());
  if (!head.ok()) {
    *failure = Failure::kInput;
    return head.status();
  }
  std::string_view text = AsChars(*head);
  if (!armored && !text.starts_with(kBinaryPrefix)) {
    auto start = text.find_first_not_of(" \t\r\n\v\f");
    armored = start != std::string_view::npos && text.substr(start).starts_with("-----");
    if (!armored) {
      *failure = Failure::kHeader;
      return Status::Corruption(
          "not an age file: it starts with neither \"age-encryption.org/\" nor an armor line");
    }
  }
  if (!armored) {
    r->src = r->raw.get();
  } else {
    r->armor = std::make_unique<ArmorDecoder>(r->raw.get());
    ArmorDecoder* armor = r->armor.get();
    r->decoded = std::make_unique<BufferedSource>(
        [armor](std::span<std::uint8_t> out) { return armor->Read(out); });
    r->src = r->decoded.get();
  }
  auto fail = [&](Failure kind, Status status) {
    *failure = (r->armor && r->armor->failed()) ? Failure::kArmor : kind;
    return status;
  };
  auto header = ReadHeader(*r->src);
  if (!header.ok()) return fail(Failure::kHeader, header.status());
  if (identities.empty())
    return fail(Failure::kNoMatch, Status::InvalidArgument("no identity to decrypt with"));
  FileKey file_key{};
  ossl::ScopedCleanse wipe(file_key.data(), file_key.size());
  Failure key_failure = Failure::kNone;
  if (Status st = FindFileKey(*header, identities, &file_key, &key_failure); !st.ok()) {
    return fail(key_failure, st);
  }
  Key32 mac{};
  if (Status st = HeaderMac(file_key, header->mac_input, &mac); !st.ok()) {
    return fail(Failure::kInput, st);
  }
  if (CRYPTO_memcmp(mac.data(), header->mac.data(), mac.size()) != 0) {
    return fail(Failure::kHmac, Status::VerificationFailed(
                                    "header: the MAC does not match (the header was altered)"));
  }
  std::uint8_t nonce[kNonceSize];
  auto n = r->src->Read(nonce, sizeof nonce);
  if (!n.ok()) return fail(Failure::kPayload, n.status());
  if (*n != sizeof nonce) {
    // The reference implementation reads the nonce with the header, and so counts it there.
    return fail(Failure::kHeader,
                Status::Corruption("header: the file ends before the payload nonce"));
  }
  if (Status st = Hkdf(file_key, ByteView(nonce, sizeof nonce), "payload", &r->payload_key);
      !st.ok()) {
    return fail(Failure::kInput, st);
  }
  r->in.resize(kEncryptedChunkSize);
  r->out.resize(kChunkSize);
  return r;
}

}  // namespace age_internal
}  // namespace evidence
