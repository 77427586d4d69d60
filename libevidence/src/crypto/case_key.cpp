#include "case_key.hpp"

#include "gcm.hpp"
#include "openssl_util.hpp"
#include "signing_key_file.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

constexpr std::string_view kMagic = "evidence-case-key v1";
constexpr std::string_view kFile = "case key file";
constexpr std::size_t kMaxFileSize = 64 * 1024;

// The HKDF labels, one per purpose. Versioned so that a later scheme derives different keys.
constexpr std::string_view kObjectEncryption = "evidence case key v1: object encryption";
constexpr std::string_view kObjectNaming = "evidence case key v1: object naming";
constexpr std::string_view kLedgerColumns = "evidence case key v1: ledger columns";

Result<SecretKey> Subkey(const SecretKey& root, std::string_view label) {
  return HkdfSha256(root.bytes(InsecureSecretKeyAccess::Get()), {}, AsBytes(label));
}

std::string HeaderText(std::string_view case_uuid, const seal::Kek& kek, const seal::Nonce& nonce) {
  std::string h;
  h += std::string(kMagic) + "\n";
  h += "case-uuid: " + std::string(case_uuid) + "\n";
  h += "encryption: " + std::string(seal::kEncrypted) + "\n";
  h += seal::KdfLines(kek.params(), kek.salt(), nonce);
  return h;
}

struct ParsedCaseKeyFile {
  std::string case_uuid;
  seal::KdfFields kdf;
  Bytes secret;
  std::string aad;
  ParsedCaseKeyFile() = default;
  ParsedCaseKeyFile(ParsedCaseKeyFile&&) = default;
  ~ParsedCaseKeyFile() { OPENSSL_cleanse(secret.data(), secret.size()); }
};

// The fields in their fixed order (docs/key-file.md, "The case key file"), the checksum checked.
Result<ParsedCaseKeyFile> Parse(std::string_view text) {
  if (text.size() > kMaxFileSize) return Status::Corruption("case key file: larger than 64 KiB");
  seal::LineReader in(kFile, text);
  EVIDENCE_RETURN_IF_ERROR(in.ExpectFormat(kMagic, "case key"));
  ParsedCaseKeyFile f;
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view uuid, in.Field("case-uuid"));
  if (!seal::ValidCaseUuid(uuid)) {
    return Status::Corruption("case key file: the case-uuid is malformed");
  }
  f.case_uuid = std::string(uuid);
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view enc, in.Field("encryption"));
  if (enc != seal::kEncrypted) {
    return Status::Unsupported("case key file: encryption \"" + std::string(enc) +
                               "\" is not supported");
  }
  EVIDENCE_ASSIGN_OR_RETURN(f.kdf, seal::ReadKdfLines(kFile, in));
  f.aad = std::string(text.substr(0, in.offset()));
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view secret, in.Field("secret"));
  auto secret_bytes = Base64Decode(secret);
  if (!secret_bytes.ok()) {
    return Status::Corruption("case key file: the secret is not valid base64");
  }
  f.secret = std::move(*secret_bytes);
  if (f.secret.size() != SecretKey::kSize + gcm::kTagSize) {
    return Status::Corruption("case key file: the secret is " + std::to_string(f.secret.size()) +
                              " bytes, not " + std::to_string(SecretKey::kSize + gcm::kTagSize));
  }
  const std::size_t checked = in.offset();
  EVIDENCE_ASSIGN_OR_RETURN(std::string_view checksum, in.Field("checksum"));
  if (in.offset() != text.size()) {
    return Status::Corruption("case key file: unexpected text after the checksum line");
  }
  if (seal::ChecksumLine(text.substr(0, checked)) != "checksum: " + std::string(checksum) + "\n") {
    return Status::Corruption(
        "case key file: checksum mismatch: the file is damaged or was edited");
  }
  if (std::string problem = seal::ScryptParamsProblem(f.kdf.params); !problem.empty()) {
    return Status::Unsupported("case key file: " + problem);
  }
  return f;
}

}  // namespace

Result<CaseKey> CaseKey::Generate() {
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey root, SecretKey::Random());
  return FromRoot(std::move(root));
}

Result<CaseKey> CaseKey::FromRoot(SecretKey root) {
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey objects, Subkey(root, kObjectEncryption));
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey names, Subkey(root, kObjectNaming));
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey columns, Subkey(root, kLedgerColumns));
  return CaseKey(std::move(root), std::move(objects), std::move(names), std::move(columns));
}

Result<std::string> SealCaseKey(const CaseKey& key, std::string_view case_uuid,
                                const seal::Kek& kek) {
  if (!seal::ValidCaseUuid(case_uuid)) {
    return Status::InvalidArgument(
        "seal case key: the case uuid must be 1-64 characters of [0-9A-Za-z-]");
  }
  auto nonce = seal::RandomNonce();
  if (!nonce.ok()) return nonce.status().WithContext("seal case key");
  std::string text = HeaderText(case_uuid, kek, *nonce);
  EVIDENCE_ASSIGN_OR_RETURN(
      Bytes sealed,
      kek.Seal(*nonce, text,
               key.root(InsecureSecretKeyAccess::Get()).bytes(InsecureSecretKeyAccess::Get())));
  text += "secret: " + Base64Encode(sealed) + "\n";
  text += seal::ChecksumLine(text);
  return text;
}

Result<CaseKey> OpenCaseKey(std::string_view file_contents, std::string_view expected_case_uuid,
                            seal::Unlocker& unlocker, const seal::Kek** used) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedCaseKeyFile f, Parse(file_contents));
  if (f.case_uuid != expected_case_uuid) {
    return Status::InvalidArgument("case key file belongs to case " + f.case_uuid + ", not " +
                                   std::string(expected_case_uuid));
  }
  EVIDENCE_ASSIGN_OR_RETURN(const seal::Kek* kek, unlocker.KekFor(f.kdf.salt, f.kdf.params));
  std::array<std::uint8_t, SecretKey::kSize> root{};
  ossl::ScopedCleanse wipe(root.data(), root.size());
  EVIDENCE_RETURN_IF_ERROR(kek->Open(f.kdf.nonce, f.aad, f.secret, root));
  EVIDENCE_ASSIGN_OR_RETURN(SecretKey key,
                            SecretKey::FromBytes(root, InsecureSecretKeyAccess::Get()));
  if (used != nullptr) *used = kek;
  return CaseKey::FromRoot(std::move(key));
}

// Opens everything before sealing anything, so that a wrong passphrase for any one file leaves
// every file as it was (the caller gets nothing to write).
Result<KeyFileTexts> RewrapKeyFiles(const KeyFileTexts& files, std::string_view case_uuid,
                                    const std::string& old_passphrase,
                                    const std::string& new_passphrase, const ScryptParams& params) {
  seal::Unlocker unlocker(old_passphrase);
  std::vector<std::pair<std::string, SigningKey>> signing;
  for (std::size_t i = 0; i < files.signing_keys.size(); ++i) {
    const std::string& text = files.signing_keys[i];
    const std::string which = "signing key file " + std::to_string(i + 1);
    auto info = InspectKeyFile(text);
    if (!info.ok()) return info.status().WithContext(which);
    auto key = OpenSigningKeyWith(text, case_uuid, &unlocker);
    if (!key.ok()) return key.status().WithContext(which);
    signing.emplace_back(info->key_name, std::move(*key));
  }
  std::optional<CaseKey> case_key;
  if (files.case_key) {
    auto key = OpenCaseKey(*files.case_key, case_uuid, unlocker);
    if (!key.ok()) return key.status().WithContext("case key file");
    case_key.emplace(std::move(*key));
  }
  auto kek = seal::Kek::ForSealing(new_passphrase, params);
  if (!kek.ok()) return kek.status().WithContext("new passphrase");
  KeyFileTexts out;
  for (const auto& [name, key] : signing) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string text, SealSigningKeyWith(key, name, case_uuid, &*kek));
    out.signing_keys.push_back(std::move(text));
  }
  if (case_key) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string text, SealCaseKey(*case_key, case_uuid, *kek));
    out.case_key = std::move(text);
  }
  return out;
}

}  // namespace evidence
