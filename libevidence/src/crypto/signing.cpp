#include "evidence/signing.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>

#include "evidence/hash.hpp"
#include "openssl_util.hpp"
#include "utf8.hpp"

namespace evidence {

namespace {

// RFC 8410 section 4: every Ed25519 SubjectPublicKeyInfo is this fixed 12-byte DER prefix
// (SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes) }) followed by the 32-byte key.
// Building it directly keeps ToDer/ToPem/Fingerprint infallible and independent of OpenSSL.
constexpr std::array<std::uint8_t, 12> kEd25519SpkiPrefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

Status OpenSslError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + ossl::DrainErrors());
}

Result<ossl::PkeyPtr> RawPublicPkey(const std::array<std::uint8_t, PublicKey::kRawSize>& raw) {
  ossl::PkeyPtr pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
  if (!pkey) return OpenSslError("public key");
  return pkey;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PublicKey

Result<PublicKey> PublicKey::FromRaw(ByteView raw) {
  if (raw.size() != kRawSize) {
    return Status::InvalidArgument("public key: an ed25519 public key is 32 bytes, not " +
                                   std::to_string(raw.size()));
  }
  std::array<std::uint8_t, kRawSize> a{};
  std::copy(raw.begin(), raw.end(), a.begin());
  return PublicKey(a);
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return Status::InvalidArgument("public key: pem text too large");
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OpenSslError("public key");
  ossl::PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    ERR_clear_error();
    return Status::InvalidArgument("public key: not a pem public key (SubjectPublicKeyInfo)");
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::Unsupported(std::string("public key: ") + EVP_PKEY_get0_type_name(pkey.get()) +
                               " keys are not supported, only ed25519");
  }
  std::array<std::uint8_t, kRawSize> a{};
  size_t len = a.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), a.data(), &len) != 1 || len != a.size()) {
    return OpenSslError("public key");
  }
  return PublicKey(a);
}

Bytes PublicKey::ToDer() const {
  Bytes der(kEd25519SpkiPrefix.size() + raw_.size());
  std::copy(kEd25519SpkiPrefix.begin(), kEd25519SpkiPrefix.end(), der.begin());
  std::copy(raw_.begin(), raw_.end(), der.begin() + kEd25519SpkiPrefix.size());
  return der;
}

std::string PublicKey::ToPem() const {
  // 44 DER bytes are 60 base64 characters: one line, under PEM's 64-column limit.
  return "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(ToDer()) + "\n-----END PUBLIC KEY-----\n";
}

std::string PublicKey::Fingerprint() const { return "SHA256:" + DigestHex(Sha256::Of(ToDer())); }

Status PublicKey::Verify(ByteView message, ByteView signature) const {
  if (signature.size() != kSignatureSize) {
    return Status::InvalidArgument("signature: an ed25519 signature is 64 bytes, not " +
                                   std::to_string(signature.size()));
  }
  auto pkey = RawPublicPkey(raw_);
  if (!pkey.ok()) return pkey.status();
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey->get()) != 1) {
    return OpenSslError("verify");
  }
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                            message.size());
  if (rc == 1) return Status::Ok();
  // A wrong signature leaves a reason on the queue; it says nothing the code does not.
  ERR_clear_error();
  return Status::VerificationFailed("signature: does not verify with key " + Fingerprint());
}

// ---------------------------------------------------------------------------------------------
// SigningKey

struct SigningKey::Impl {
  ossl::PkeyPtr pkey;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl, PublicKey public_key)
    : impl_(std::move(impl)), public_key_(public_key) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

namespace {

Result<PublicKey> PublicOf(EVP_PKEY* pkey) {
  std::array<std::uint8_t, PublicKey::kRawSize> raw{};
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &len) != 1 || len != raw.size()) {
    return OpenSslError("signing key");
  }
  return PublicKey::FromRaw(raw);
}

}  // namespace

Result<SigningKey> SigningKey::Generate() {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return OpenSslError("generate signing key");
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(raw);
  auto pub = PublicOf(impl->pkey.get());
  if (!pub.ok()) return pub.status();
  return SigningKey(std::move(impl), *pub);
}

Result<SigningKey> SigningKey::FromRawPrivateKey(ByteView seed, SecretKeyAccess) {
  if (seed.size() != kSeedSize) {
    return Status::InvalidArgument("signing key: an ed25519 private seed is 32 bytes, not " +
                                   std::to_string(seed.size()));
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!impl->pkey) return OpenSslError("signing key");
  auto pub = PublicOf(impl->pkey.get());
  if (!pub.ok()) return pub.status();
  return SigningKey(std::move(impl), *pub);
}

Result<std::array<std::uint8_t, PublicKey::kSignatureSize>> SigningKey::Sign(
    ByteView message) const {
  if (!impl_) return Status::InvalidArgument("sign: the signing key was moved from");
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1) {
    return OpenSslError("sign");
  }
  std::array<std::uint8_t, PublicKey::kSignatureSize> sig{};
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 ||
      len != sig.size()) {
    return OpenSslError("sign");
  }
  return sig;
}

Bytes SigningKey::RawPrivateKey(SecretKeyAccess) const {
  if (!impl_) return {};
  Bytes seed(kSeedSize);
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(impl_->pkey.get(), seed.data(), &len) != 1 ||
      len != seed.size()) {
    // Only reachable if OpenSSL itself is broken; an empty seed fails every later use loudly.
    ERR_clear_error();
    OPENSSL_cleanse(seed.data(), seed.size());
    return {};
  }
  return seed;
}

Status ValidKeyName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name: empty");
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    std::size_t n = DecodeUtf8(name, i, &cp);
    if (n == 0) return Status::InvalidArgument("key name: not valid utf-8");
    if (IsUnicodeSpace(cp)) return Status::InvalidArgument("key name: contains a space");
    if (cp < 0x20) return Status::InvalidArgument("key name: contains a control character");
    if (cp == '+') return Status::InvalidArgument("key name: contains '+'");
    i += n;
  }
  return Status::Ok();
}

}  // namespace evidence
