#include "evidence/key_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/hash.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using evidence::testing::RunProgram;
using evidence::testing::TempDir;
using evidence::testing::WriteFile;

constexpr std::string_view kCase = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr std::string_view kOtherCase = "6fa459ea-ee8a-3ca4-894e-db77e160355e";
constexpr std::string_view kName = "alice@example";
const std::optional<std::string> kPass = std::string("correct horse battery staple");

// N = 2^10 keeps the tests fast; one test below uses the real defaults.
ScryptParams Fast() { return ScryptParams{std::uint64_t{1} << 10, 8, 1}; }

SigningKey NewKey() { return SigningKey::Generate().value(); }

std::string Seal(const SigningKey& key, const std::optional<std::string>& pass = kPass) {
  auto file = SealSigningKey(key, kName, kCase, pass, Fast());
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? *file : std::string();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t eol; (eol = text.find('\n', start)) != std::string::npos; start = eol + 1) {
    out.push_back(text.substr(start, eol - start));
  }
  return out;
}

// Replaces the value of `field` and, when asked, recomputes the checksum line so that only the
// cryptographic checks stand between the edit and success.
std::string EditField(const std::string& file, std::string_view field, std::string_view value,
                      bool fix_checksum) {
  std::string out;
  bool found = false;
  for (const std::string& line : Lines(file)) {
    if (line.starts_with(std::string(field) + ": ") && field != "checksum") {
      out += std::string(field) + ": " + std::string(value) + "\n";
      found = true;
    } else if (line.starts_with("checksum: ")) {
      out += fix_checksum ? "checksum: " + DigestHex(Sha256::Of(out)) + "\n" : line + "\n";
    } else {
      out += line + "\n";
    }
  }
  EXPECT_TRUE(found) << field;
  return out;
}

std::string FieldValue(const std::string& file, std::string_view field) {
  for (const std::string& line : Lines(file)) {
    if (line.starts_with(std::string(field) + ": ")) return line.substr(field.size() + 2);
  }
  ADD_FAILURE() << "no field " << field;
  return {};
}

// A different, still well-formed base64 value of the same length.
std::string FlipBase64(std::string b64) {
  b64[0] = b64[0] == 'A' ? 'B' : 'A';
  return b64;
}

void ExpectSameKey(const SigningKey& a, const SigningKey& b) {
  EXPECT_EQ(a.public_key(), b.public_key());
  EXPECT_EQ(a.Sign(AsBytes("m")).value(), b.Sign(AsBytes("m")).value());
}

TEST(KeyFile, RoundTripWithPassphrase) {
  SigningKey key = NewKey();
  const std::string file = Seal(key);
  EXPECT_TRUE(file.starts_with("evidence-signing-key v1\n"));
  EXPECT_EQ(FieldValue(file, "encryption"), "scrypt-aes-256-gcm");
  EXPECT_EQ(FieldValue(file, "scrypt-n"), "1024");
  auto opened = OpenSigningKey(file, kCase, kPass);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ExpectSameKey(*opened, key);
}

TEST(KeyFile, RoundTripWithoutPassphrase) {
  SigningKey key = NewKey();
  const std::string file = Seal(key, std::nullopt);
  EXPECT_EQ(FieldValue(file, "encryption"), "none");
  EXPECT_EQ(file.find("salt: "), std::string::npos);
  auto opened = OpenSigningKey(file, kCase, std::nullopt);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ExpectSameKey(*opened, key);
  // A passphrase offered for an unencrypted file is not needed and does no harm.
  EXPECT_TRUE(OpenSigningKey(file, kCase, kPass).ok());
}

TEST(KeyFile, RoundTripWithDefaultParams) {
  SigningKey key = NewKey();
  auto file = SealSigningKey(key, kName, kCase, kPass);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(FieldValue(*file, "scrypt-n"), "131072");
  EXPECT_EQ(FieldValue(*file, "scrypt-r"), "8");
  EXPECT_EQ(FieldValue(*file, "scrypt-p"), "1");
  auto opened = OpenSigningKey(*file, kCase, kPass);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ExpectSameKey(*opened, key);
}

// Known answers: files written by version 1 of the format (the example in docs/key-file.md) must
// keep opening. They hold the public RFC 8032 TEST 1 key.
constexpr std::string_view kRfcSeedHex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

TEST(KeyFile, OpensTheDocumentedEncryptedExample) {
  const std::string file =
      "evidence-signing-key v1\n"
      "key-name: alice@example\n"
      "case-uuid: 0f8fad5b-d9cb-469f-a165-70867728950e\n"
      "public-key: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "encryption: scrypt-aes-256-gcm\n"
      "scrypt-n: 131072\n"
      "scrypt-r: 8\n"
      "scrypt-p: 1\n"
      "salt: l+89olMCBkPdUfOj5dlxuw==\n"
      "nonce: cfrGO/XonNLv1xBr\n"
      "secret: 3LOtUlUMmzbvOpus4IYIHRs3Dmk6EX3Eg6/mQ2Gcz+HVz6b+Q8WpkAox5CYqg/zA\n"
      "checksum: 3d63d5fe25e7351a6b58b9592ef7791f5ebff95cd8e3f9e4f5a6499907fbbb50\n";
  auto key = OpenSigningKey(file, kCase, std::string("correct horse battery staple"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(HexEncode(key->RawPrivateKey(InsecureSecretKeyAccess::Get())), kRfcSeedHex);
}

TEST(KeyFile, OpensAKnownUnencryptedFile) {
  const std::string file =
      "evidence-signing-key v1\n"
      "key-name: alice@example\n"
      "case-uuid: 0f8fad5b-d9cb-469f-a165-70867728950e\n"
      "public-key: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "encryption: none\n"
      "secret: nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n"
      "checksum: a41cc48e7c8f0e18a537018eb51cb4016ddffb98813e72e21ffeb0e5a160dd32\n";
  auto key = OpenSigningKey(file, kCase, std::nullopt);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(HexEncode(key->RawPrivateKey(InsecureSecretKeyAccess::Get())), kRfcSeedHex);
  // Sealing is deterministic without encryption: the same key gives the same bytes.
  EXPECT_EQ(SealSigningKey(*key, kName, kCase, std::nullopt).value(), file);
}

TEST(KeyFile, InspectNeedsNoPassphrase) {
  SigningKey key = NewKey();
  for (bool encrypted : {true, false}) {
    auto info = InspectKeyFile(Seal(key, encrypted ? kPass : std::nullopt));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->key_name, kName);
    EXPECT_EQ(info->case_uuid, kCase);
    EXPECT_EQ(info->encrypted, encrypted);
    EXPECT_EQ(info->public_key, key.public_key());
  }
}

TEST(KeyFile, WrongPassphrase) {
  const std::string file = Seal(NewKey());
  for (const char* wrong :
       {"correct horse battery stapler", "x", " correct horse battery staple", ""}) {
    auto opened = OpenSigningKey(file, kCase, std::string(wrong));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(opened.status().message(), "wrong passphrase");
  }
}

TEST(KeyFile, EncryptedFileNeedsAPassphrase) {
  auto opened = OpenSigningKey(Seal(NewKey()), kCase, std::nullopt);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opened.status().message(), "key file is encrypted: a passphrase is needed");
}

TEST(KeyFile, FileFromAnotherCase) {
  for (bool encrypted : {true, false}) {
    auto opened =
        OpenSigningKey(Seal(NewKey(), encrypted ? kPass : std::nullopt), kOtherCase, kPass);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(opened.status().message(), "key file belongs to case " + std::string(kCase) +
                                             ", not " + std::string(kOtherCase));
  }
}

TEST(KeyFile, TruncatedAtEveryLength) {
  for (bool encrypted : {true, false}) {
    const std::string file = Seal(NewKey(), encrypted ? kPass : std::nullopt);
    for (std::size_t len = 0; len < file.size(); ++len) {
      const std::string cut = file.substr(0, len);
      auto opened = OpenSigningKey(cut, kCase, kPass);
      ASSERT_FALSE(opened.ok()) << len;
      EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << len;
      EXPECT_TRUE(opened.status().message().starts_with("key file: truncated"))
          << len << ": " << opened.status().message();
      EXPECT_EQ(InspectKeyFile(cut).status().code(), StatusCode::kCorruption) << len;
    }
  }
}

TEST(KeyFile, EveryEditedLineIsDetectedByTheChecksum) {
  for (bool encrypted : {true, false}) {
    const std::string file = Seal(NewKey(), encrypted ? kPass : std::nullopt);
    const std::vector<std::string> lines = Lines(file);
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {  // every field but the checksum itself
      std::string edited;
      for (std::size_t j = 0; j < lines.size(); ++j) {
        std::string line = lines[j];
        if (j == i) line.back() = line.back() == '1' ? '2' : '1';
        edited += line + "\n";
      }
      // An unknown encryption name is a format question (kUnsupported); all else is damage.
      const StatusCode want =
          lines[i].starts_with("encryption: ") ? StatusCode::kUnsupported : StatusCode::kCorruption;
      auto opened = OpenSigningKey(edited, kCase, kPass);
      ASSERT_FALSE(opened.ok()) << lines[i];
      EXPECT_EQ(opened.status().code(), want) << lines[i] << ": " << opened.status().message();
      EXPECT_EQ(InspectKeyFile(edited).status().code(), want) << lines[i];
    }
  }
}

// With the checksum recomputed, the AES-GCM associated data still binds every header field.
TEST(KeyFile, EachHeaderFieldEditedWithChecksumFixedFails) {
  const std::string file = Seal(NewKey());
  const std::string other_pub = Base64Encode(NewKey().public_key().raw());
  const std::pair<std::string, std::string> edits[] = {
      {"key-name", "mallory@example"},
      {"public-key", other_pub},
      {"scrypt-n", "2048"},
      {"scrypt-r", "9"},
      {"scrypt-p", "2"},
      {"salt", FlipBase64(FieldValue(file, "salt"))},
      {"nonce", FlipBase64(FieldValue(file, "nonce"))},
      {"secret", FlipBase64(FieldValue(file, "secret"))},
  };
  for (const auto& [field, value] : edits) {
    auto opened = OpenSigningKey(EditField(file, field, value, true), kCase, kPass);
    ASSERT_FALSE(opened.ok()) << field;
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(opened.status().message(), "wrong passphrase") << field;
  }
  // Moving the file to another case by rewriting its case line does not help either.
  const std::string moved = EditField(file, "case-uuid", kOtherCase, true);
  EXPECT_EQ(OpenSigningKey(moved, kOtherCase, kPass).status().message(), "wrong passphrase");
  EXPECT_EQ(OpenSigningKey(moved, kCase, kPass).status().message(),
            "key file belongs to case " + std::string(kOtherCase) + ", not " + std::string(kCase));
}

TEST(KeyFile, UnencryptedFileWithMismatchedPublicKey) {
  const std::string file = Seal(NewKey(), std::nullopt);
  for (const auto& [field, value] : {std::pair<std::string, std::string>{
                                         "public-key", Base64Encode(NewKey().public_key().raw())},
                                     {"secret", FlipBase64(FieldValue(file, "secret"))}}) {
    auto opened = OpenSigningKey(EditField(file, field, value, true), kCase, std::nullopt);
    ASSERT_FALSE(opened.ok()) << field;
    EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(opened.status().message(), "key file: the public key does not match the private key");
  }
}

TEST(KeyFile, GarbledFiles) {
  const std::string file = Seal(NewKey());
  struct Case {
    const char* mutation;
    std::string text;
    StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {"not-a-key-file", "hello\n", StatusCode::kCorruption, "not an evidence signing key file"},
      {"empty", "", StatusCode::kCorruption, "truncated: the format version line is missing"},
      {"future-version", "evidence-signing-key v2" + file.substr(file.find('\n')),
       StatusCode::kUnsupported, "format version \"v2\" is not supported"},
      {"unknown-encryption", EditField(file, "encryption", "rot13", true), StatusCode::kUnsupported,
       "encryption \"rot13\" is not supported"},
      {"encryption-none-on-encrypted-file", EditField(file, "encryption", "none", true),
       StatusCode::kCorruption, "line 6 should be the secret field"},
      {"line-after-checksum", file + "more\n", StatusCode::kCorruption,
       "unexpected text after the checksum line"},
      {"crlf", EditField(file, "key-name", "alice@example\r", true), StatusCode::kCorruption,
       "key name"},
      {"empty-value", EditField(file, "case-uuid", "", true), StatusCode::kCorruption,
       "the case-uuid field is empty"},
      {"bad-case-uuid", EditField(file, "case-uuid", "../../x", true), StatusCode::kCorruption,
       "the case-uuid is malformed"},
      {"salt-15-bytes", EditField(file, "salt", Base64Encode(Bytes(15, 1)), true),
       StatusCode::kCorruption, "the salt is 15 bytes, not 16"},
      {"nonce-not-base64", EditField(file, "nonce", "????????????????", true),
       StatusCode::kCorruption, "the nonce is not valid base64"},
      {"public-key-31-bytes", EditField(file, "public-key", Base64Encode(Bytes(31, 1)), true),
       StatusCode::kCorruption, "the public-key is 31 bytes, not 32"},
      {"secret-47-bytes", EditField(file, "secret", Base64Encode(Bytes(47, 1)), true),
       StatusCode::kCorruption, "the secret is 47 bytes, not 48"},
      {"scrypt-n-not-decimal", EditField(file, "scrypt-n", "lots", true), StatusCode::kCorruption,
       "scrypt-n is not a decimal number"},
      {"scrypt-n-leading-zero", EditField(file, "scrypt-n", "01024", true), StatusCode::kCorruption,
       "scrypt-n is not a decimal number"},
      {"scrypt-n-huge", EditField(file, "scrypt-n", "1073741824", true), StatusCode::kUnsupported,
       "scrypt n must be a power of two"},
      {"scrypt-n-not-power-of-two", EditField(file, "scrypt-n", "1000", true),
       StatusCode::kUnsupported, "scrypt n must be a power of two"},
      {"scrypt-r-too-large", EditField(file, "scrypt-r", "33", true), StatusCode::kUnsupported,
       "scrypt r must be 1 to 32"},
      {"scrypt-p-zero", EditField(file, "scrypt-p", "0", true), StatusCode::kUnsupported,
       "scrypt p must be 1 to 16"},
      {"fields-swapped",
       EditField(EditField(file, "salt", FieldValue(file, "nonce"), false), "nonce",
                 FieldValue(file, "salt"), true),
       StatusCode::kCorruption, "the salt is 12 bytes, not 16"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mutation);
    auto opened = OpenSigningKey(c.text, kCase, kPass);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), c.code) << opened.status().ToString();
    EXPECT_TRUE(opened.status().message().starts_with("key file: ")) << opened.status().message();
    EXPECT_NE(opened.status().message().find(c.message), std::string::npos)
        << opened.status().message();
  }
}

TEST(KeyFile, ScryptMemoryLimitIsEnforcedOnOpen) {
  // N = 2^20 with r = 8 would need 1 GiB: refused before any allocation.
  const std::string file =
      EditField(Seal(NewKey()), "scrypt-n", std::to_string(std::uint64_t{1} << 20), true);
  auto opened = OpenSigningKey(file, kCase, kPass);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(opened.status().message().find("more than 256 MiB"), std::string::npos)
      << opened.status().message();
}

TEST(KeyFile, SealRejectsBadArguments) {
  SigningKey key = NewKey();
  auto code = [&](std::string_view name, std::string_view uuid,
                  const std::optional<std::string>& pass, const ScryptParams& params) {
    return SealSigningKey(key, name, uuid, pass, params).status().code();
  };
  EXPECT_EQ(code(kName, kCase, std::string(""), Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("a b", kCase, kPass, Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("", kCase, kPass, Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, "", kPass, Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, "has space", kPass, Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, "line\nbreak", std::nullopt, Fast()), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{1000, 8, 1}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{512, 8, 1}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{std::uint64_t{1} << 21, 1, 1}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{1024, 0, 1}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{1024, 8, 0}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(kName, kCase, kPass, ScryptParams{std::uint64_t{1} << 20, 8, 1}),
            StatusCode::kInvalidArgument);  // 1 GiB
}

TEST(KeyFile, SealingTwiceUsesFreshSaltAndNonce) {
  SigningKey key = NewKey();
  const std::string a = Seal(key);
  const std::string b = Seal(key);
  EXPECT_NE(FieldValue(a, "salt"), FieldValue(b, "salt"));
  EXPECT_NE(FieldValue(a, "nonce"), FieldValue(b, "nonce"));
  EXPECT_NE(FieldValue(a, "secret"), FieldValue(b, "secret"));
}

TEST(KeyFile, EncryptedFileHoldsNoSeedInClear) {
  SigningKey key = NewKey();
  Bytes seed = key.RawPrivateKey(InsecureSecretKeyAccess::Get());
  const std::string file = Seal(key);
  EXPECT_EQ(file.find(Base64Encode(seed)), std::string::npos);
  EXPECT_EQ(file.find(HexEncode(seed)), std::string::npos);
  EXPECT_EQ(file.find(std::string(AsChars(seed))), std::string::npos);
  EXPECT_NE(Seal(key, std::nullopt).find(Base64Encode(seed)), std::string::npos);
}

// The documented format, decrypted by an independent implementation (python3 hashlib.scrypt and
// cryptography's AESGCM), gives back the same seed, and the seed gives the stated public key.
TEST(KeyFile, PythonDecryptsTheDocumentedFormat) {
  constexpr const char* kScript = R"PY(
import base64, hashlib, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
data = open(sys.argv[1], 'rb').read()
fields = dict(line.split(b': ', 1) for line in data.split(b'\n')[1:] if line)
assert hashlib.sha256(data[:data.index(b'checksum: ')]).hexdigest() == fields[b'checksum'].decode()
key = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(fields[b'salt']),
                     n=int(fields[b'scrypt-n']), r=int(fields[b'scrypt-r']),
                     p=int(fields[b'scrypt-p']), maxmem=256 * 1024 * 1024, dklen=32)
aad = data[:data.index(b'secret: ')]
seed = AESGCM(key).decrypt(base64.b64decode(fields[b'nonce']), base64.b64decode(fields[b'secret']), aad)
pub = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw)
assert base64.b64encode(pub) == fields[b'public-key']
print(seed.hex())
)PY";
  TempDir dir;
  SigningKey key = NewKey();
  WriteFile(dir / "key", Seal(key));
  auto r = RunProgram({"python3", "-c", kScript, (dir / "key").string(), *kPass});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, HexEncode(key.RawPrivateKey(InsecureSecretKeyAccess::Get())) + "\n");
}

}  // namespace
}  // namespace evidence
