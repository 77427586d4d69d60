#include "evidence/key_file.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/signing.hpp"
#include "gcm.hpp"
#include "openssl_util.hpp"
#include "passphrase_seal.hpp"
#include "signing_key_file.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

constexpr std::string_view kMagic = "evidence-signing-key v1";
constexpr std::string_view kUnencrypted = "none";
constexpr std::string_view kFile = "key file";
// Nothing legitimate comes near this; it bounds the work done on a file that is not a key file.
constexpr std::size_t kMaxFileSize = 64 * 1024;

using gcm::kTagSize;
using seal::kEncrypted;

// The header lines up to (not including) "secret:", in their fixed order.
std::string HeaderText(std::string_view key_name, std::string_view case_uuid,
                       const PublicKey& public_key, const seal::Kek* kek,
                       const seal::Nonce& nonce) {
  std::string h;
  h += std::string(kMagic) + "\n";
  h += "key-name: " + std::string(key_name) + "\n";
  h += "case-uuid: " + std::string(case_uuid) + "\n";
  h += "public-key: " + Base64Encode(public_key.raw()) + "\n";
  if (kek == nullptr) {
    h += "encryption: " + std::string(kUnencrypted) + "\n";
    return h;
  }
  h += "encryption: " + std::string(kEncrypted) + "\n";
  h += seal::KdfLines(kek->params(), kek->salt(), nonce);
  return h;
}

// A key file taken apart. `aad` is the exact header text that GCM authenticates.
struct ParsedKeyFile {
  std::string key_name;
  std::string case_uuid;
  std::optional<PublicKey> public_key;
  bool encrypted = false;
  seal::KdfFields kdf;
  Bytes secret;  // the sealed seed, or the seed itself when not encrypted
  std::string aad;

  ParsedKeyFile() = default;
  ParsedKeyFile(ParsedKeyFile&&) = default;
  ParsedKeyFile& operator=(ParsedKeyFile&&) = default;
  ~ParsedKeyFile() { OPENSSL_cleanse(secret.data(), secret.size()); }
};

Result<ParsedKeyFile> Parse(std::string_view text) {
  if (text.size() > kMaxFileSize) return Status::Corruption("key file: larger than 64 KiB");
  seal::LineReader in(kFile, text);
  EVIDENCE_RETURN_IF_ERROR(in.ExpectFormat(kMagic, "signing key"));
  ParsedKeyFile f;
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view name, in.Field("key-name"));
  if (Status s = ValidKeyName(name); !s.ok()) {
    return Status::Corruption("key file: the " + s.message());
  }
  f.key_name = std::string(name);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view uuid, in.Field("case-uuid"));
  if (!seal::ValidCaseUuid(uuid)) return Status::Corruption("key file: the case-uuid is malformed");
  f.case_uuid = std::string(uuid);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view pub_b64, in.Field("public-key"));
  std::array<std::uint8_t, PublicKey::kRawSize> pub{};
  EVIDENCE_RETURN_IF_ERROR(seal::DecodeFixed(kFile, "public-key", pub_b64, pub));
  f.public_key = PublicKey::FromRaw(pub).value();
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view enc, in.Field("encryption"));
  if (enc == kEncrypted) {
    f.encrypted = true;
  } else if (enc != kUnencrypted) {
    return Status::Unsupported("key file: encryption \"" + std::string(enc) +
                               "\" is not supported");
  }
  if (f.encrypted) {
    EVIDENCE_ASSIGN_OR_RETURN(f.kdf, seal::ReadKdfLines(kFile, in));
  }
  f.aad = std::string(text.substr(0, in.offset()));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view secret, in.Field("secret"));
  auto secret_bytes = Base64Decode(secret);
  if (!secret_bytes.ok()) return Status::Corruption("key file: the secret is not valid base64");
  f.secret = std::move(*secret_bytes);
  const std::size_t want = SigningKey::kSeedSize + (f.encrypted ? kTagSize : 0);
  if (f.secret.size() != want) {
    return Status::Corruption("key file: the secret is " + std::to_string(f.secret.size()) +
                              " bytes, not " + std::to_string(want));
  }
  const std::size_t checked = in.offset();
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view checksum, in.Field("checksum"));
  if (in.offset() != text.size()) {
    return Status::Corruption("key file: unexpected text after the checksum line");
  }
  if (seal::ChecksumLine(text.substr(0, checked)) != "checksum: " + std::string(checksum) + "\n") {
    return Status::Corruption("key file: checksum mismatch: the file is damaged or was edited");
  }
  // Checked after the checksum: parameters out of range in an intact file are a version problem.
  if (f.encrypted) {
    if (std::string problem = seal::ScryptParamsProblem(f.kdf.params); !problem.empty()) {
      return Status::Unsupported("key file: " + problem);
    }
  }
  return f;
}

}  // namespace

Result<std::string> SealSigningKeyWith(const SigningKey& key, std::string_view key_name,
                                       std::string_view case_uuid, const seal::Kek* kek) {
  EVIDENCE_RETURN_IF_ERROR(ValidKeyName(key_name).WithContext("seal key"));
  if (!seal::ValidCaseUuid(case_uuid)) {
    return Status::InvalidArgument(
        "seal key: the case uuid must be 1-64 characters of [0-9A-Za-z-]");
  }
  Bytes seed = key.RawPrivateKey(InsecureSecretKeyAccess::Get());
  ossl::ScopedCleanse wipe_seed(seed.data(), seed.size());
  if (seed.size() != SigningKey::kSeedSize) {
    return Status::InvalidArgument("seal key: the signing key has no private seed");
  }

  if (kek == nullptr) {
    std::string text = HeaderText(key_name, case_uuid, key.public_key(), nullptr, {});
    std::string seed_b64 = Base64Encode(seed);
    ossl::ScopedCleanse wipe_b64(seed_b64.data(), seed_b64.size());
    text += "secret: " + seed_b64 + "\n";
    text += seal::ChecksumLine(text);
    return text;
  }

  auto nonce = seal::RandomNonce();
  if (!nonce.ok()) return nonce.status().WithContext("seal key");
  std::string text = HeaderText(key_name, case_uuid, key.public_key(), kek, *nonce);
  EVIDENCE_ASSIGN_OR_RETURN(Bytes sealed, kek->Seal(*nonce, text, seed));
  text += "secret: " + Base64Encode(sealed) + "\n";
  text += seal::ChecksumLine(text);
  return text;
}

Result<std::string> SealSigningKey(const SigningKey& key, std::string_view key_name,
                                   std::string_view case_uuid,
                                   const std::optional<std::string>& passphrase,
                                   const ScryptParams& params) {
  if (!passphrase) return SealSigningKeyWith(key, key_name, case_uuid, nullptr);
  // The cheap checks first: a bad name must not cost a scrypt derivation.
  EVIDENCE_RETURN_IF_ERROR(ValidKeyName(key_name).WithContext("seal key"));
  if (!seal::ValidCaseUuid(case_uuid)) {
    return Status::InvalidArgument(
        "seal key: the case uuid must be 1-64 characters of [0-9A-Za-z-]");
  }
  auto kek = seal::Kek::ForSealing(*passphrase, params);
  if (!kek.ok()) return kek.status().WithContext("seal key");
  return SealSigningKeyWith(key, key_name, case_uuid, &*kek);
}

Result<SigningKey> OpenSigningKeyWith(std::string_view file_contents,
                                      std::string_view expected_case_uuid,
                                      seal::Unlocker* unlocker) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedKeyFile f, Parse(file_contents));
  if (f.case_uuid != expected_case_uuid) {
    return Status::InvalidArgument("key file belongs to case " + f.case_uuid + ", not " +
                                   std::string(expected_case_uuid));
  }
  std::array<std::uint8_t, SigningKey::kSeedSize> seed{};
  ossl::ScopedCleanse wipe_seed(seed.data(), seed.size());
  if (f.encrypted) {
    if (unlocker == nullptr) {
      return Status::InvalidArgument("key file is encrypted: a passphrase is needed");
    }
    EVIDENCE_ASSIGN_OR_RETURN(const seal::Kek* kek, unlocker->KekFor(f.kdf.salt, f.kdf.params));
    EVIDENCE_RETURN_IF_ERROR(kek->Open(f.kdf.nonce, f.aad, f.secret, seed));
  } else {
    std::copy(f.secret.begin(), f.secret.end(), seed.begin());
  }
  EVIDENCE_ASSIGN_OR_RETURN(SigningKey key,
                            SigningKey::FromRawPrivateKey(seed, InsecureSecretKeyAccess::Get()));
  // Catches an edited public-key line in an unencrypted file (with a recomputed checksum), and
  // any bug that would pair a seed with the wrong public key.
  if (!(key.public_key() == *f.public_key)) {
    return Status::Corruption("key file: the public key does not match the private key");
  }
  return key;
}

Result<SigningKey> OpenSigningKey(std::string_view file_contents,
                                  std::string_view expected_case_uuid,
                                  const std::optional<std::string>& passphrase) {
  if (!passphrase) return OpenSigningKeyWith(file_contents, expected_case_uuid, nullptr);
  seal::Unlocker unlocker(*passphrase);
  return OpenSigningKeyWith(file_contents, expected_case_uuid, &unlocker);
}

Result<KeyFileInfo> InspectKeyFile(std::string_view file_contents) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedKeyFile f, Parse(file_contents));
  return KeyFileInfo{f.key_name, f.case_uuid, f.encrypted, *f.public_key};
}

}  // namespace evidence
