// The case key and its file (libevidence/src/crypto/case_key.hpp, docs/key-file.md "The case key
// file"): it opens with the passphrase and the case it was sealed for, one passphrase opens it and
// the signing key with one scrypt derivation, and re-wrapping is all or nothing.
#include "case_key.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "evidence/bytes.hpp"
#include "evidence/key_file.hpp"
#include "evidence/signing.hpp"
#include "signing_key_file.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

constexpr std::string_view kUuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

// The cheapest parameters the format accepts: the tests check the format, not the cost.
ScryptParams Fast() { return ScryptParams{1u << 10, 8, 1}; }

std::string Hex(const SecretKey& k) { return HexEncode(k.bytes(InsecureSecretKeyAccess::Get())); }

std::string HexRoot(const CaseKey& k) { return Hex(k.root(InsecureSecretKeyAccess::Get())); }

struct Sealed {
  CaseKey key;
  std::string text;
};

Sealed SealNew(const std::string& passphrase) {
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Kek kek = std::move(seal::Kek::ForSealing(passphrase, Fast()).value());
  std::string text = SealCaseKey(key, kUuid, kek).value();
  return {std::move(key), std::move(text)};
}

TEST(CaseKey, OpensWithThePassphraseAndGivesTheSameSubkeys) {
  Sealed s = SealNew("correct horse");
  seal::Unlocker unlocker("correct horse");
  auto opened = OpenCaseKey(s.text, kUuid, unlocker);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(HexRoot(*opened), HexRoot(s.key));
  EXPECT_EQ(Hex(opened->object_encryption()), Hex(s.key.object_encryption()));
  EXPECT_EQ(Hex(opened->object_naming()), Hex(s.key.object_naming()));
  EXPECT_EQ(Hex(opened->ledger_columns()), Hex(s.key.ledger_columns()));
  EXPECT_EQ(s.text.rfind("evidence-case-key v1\ncase-uuid: ", 0), 0u);
}

TEST(CaseKey, SubkeysDifferFromEachOtherAndFromTheRoot) {
  CaseKey key = std::move(CaseKey::Generate().value());
  std::set<std::string> all = {HexRoot(key), Hex(key.object_encryption()), Hex(key.object_naming()),
                               Hex(key.ledger_columns())};
  EXPECT_EQ(all.size(), 4u);
}

TEST(CaseKey, WrongPassphraseIsNamed) {
  Sealed s = SealNew("correct horse");
  seal::Unlocker unlocker("battery staple");
  Status st = OpenCaseKey(s.text, kUuid, unlocker).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "wrong passphrase");
}

TEST(CaseKey, FileOfAnotherCaseIsRefused) {
  Sealed s = SealNew("pw");
  seal::Unlocker unlocker("pw");
  Status st = OpenCaseKey(s.text, "another-case", unlocker).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), std::string("case key file belongs to case ") + std::string(kUuid) +
                              ", not another-case");
}

TEST(CaseKey, DamagedFileIsNamedBeforeAnyPassphrase) {
  Sealed s = SealNew("pw");
  std::string damaged = s.text;
  damaged[damaged.find("secret: ") + 10] ^= 1;
  seal::Unlocker unlocker("pw");
  Status st = OpenCaseKey(damaged, kUuid, unlocker).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(unlocker.derivations(), 0);
  std::string truncated = s.text.substr(0, s.text.find("secret: "));
  EXPECT_EQ(OpenCaseKey(truncated, kUuid, unlocker).status().message(),
            "case key file: truncated: the secret line is missing");
  std::string future = "evidence-case-key v2\n" + s.text.substr(s.text.find('\n') + 1);
  EXPECT_EQ(OpenCaseKey(future, kUuid, unlocker).status().code(), StatusCode::kUnsupported);
}

TEST(CaseKey, OnePassphraseOpensTheSigningKeyAndTheCaseKeyWithOneDerivation) {
  SigningKey signing = std::move(SigningKey::Generate().value());
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Kek kek = std::move(seal::Kek::ForSealing("pw", Fast()).value());
  std::string signing_text = SealSigningKeyWith(signing, "alice", kUuid, &kek).value();
  std::string case_text = SealCaseKey(key, kUuid, kek).value();

  seal::Unlocker unlocker("pw");
  auto opened_signing = OpenSigningKeyWith(signing_text, kUuid, &unlocker);
  ASSERT_TRUE(opened_signing.ok()) << opened_signing.status().message();
  auto opened_case = OpenCaseKey(case_text, kUuid, unlocker);
  ASSERT_TRUE(opened_case.ok()) << opened_case.status().message();
  EXPECT_EQ(unlocker.derivations(), 1);
  EXPECT_EQ(HexRoot(*opened_case), HexRoot(key));
  // The public opener reads the same file.
  EXPECT_TRUE(OpenSigningKey(signing_text, kUuid, std::string("pw")).ok());
}

// What `init` does: the unlocker derives the KEK it seals both key files with, and keeps it, so
// that opening them again in the same process (a `key rotate` re-seals with it) costs nothing more.
TEST(CaseKey, KekForSealingSealsAndReopensBothKeysWithOneDerivation) {
  SigningKey signing = std::move(SigningKey::Generate().value());
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Unlocker unlocker("pw");
  auto kek = unlocker.KekForSealing(Fast());
  ASSERT_TRUE(kek.ok()) << kek.status().message();
  std::string signing_text = SealSigningKeyWith(signing, "alice", kUuid, *kek).value();
  std::string case_text = SealCaseKey(key, kUuid, **kek).value();
  EXPECT_EQ(unlocker.derivations(), 1);

  const seal::Kek* used = nullptr;
  auto opened_case = OpenCaseKey(case_text, kUuid, unlocker, &used);
  ASSERT_TRUE(opened_case.ok()) << opened_case.status().message();
  EXPECT_EQ(used, *kek);
  EXPECT_EQ(HexRoot(*opened_case), HexRoot(key));
  auto opened_signing = OpenSigningKeyWith(signing_text, kUuid, &unlocker);
  ASSERT_TRUE(opened_signing.ok()) << opened_signing.status().message();
  EXPECT_TRUE(opened_signing->public_key() == signing.public_key());
  EXPECT_EQ(unlocker.derivations(), 1);

  // The files are ordinary sealed files: another process opens both with its own derivation.
  seal::Unlocker later("pw");
  EXPECT_TRUE(OpenCaseKey(case_text, kUuid, later).ok());
  EXPECT_TRUE(OpenSigningKeyWith(signing_text, kUuid, &later).ok());
  EXPECT_EQ(later.derivations(), 1);
  EXPECT_EQ(seal::Unlocker("").KekForSealing(Fast()).status().code(), StatusCode::kInvalidArgument);
}

TEST(CaseKey, RewrapChangesThePassphraseAndKeepsTheKeys) {
  SigningKey signing = std::move(SigningKey::Generate().value());
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Kek kek = std::move(seal::Kek::ForSealing("old", Fast()).value());
  KeyFileTexts files;
  files.signing_keys.push_back(SealSigningKeyWith(signing, "alice", kUuid, &kek).value());
  files.case_key = SealCaseKey(key, kUuid, kek).value();

  auto rewrapped = RewrapKeyFiles(files, kUuid, "old", "new", Fast());
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status().message();
  ASSERT_EQ(rewrapped->signing_keys.size(), 1u);
  ASSERT_TRUE(rewrapped->case_key.has_value());

  seal::Unlocker with_new("new");
  auto opened_signing = OpenSigningKeyWith(rewrapped->signing_keys[0], kUuid, &with_new);
  ASSERT_TRUE(opened_signing.ok()) << opened_signing.status().message();
  EXPECT_TRUE(opened_signing->public_key() == signing.public_key());
  EXPECT_EQ(InspectKeyFile(rewrapped->signing_keys[0])->key_name, "alice");
  auto opened_case = OpenCaseKey(*rewrapped->case_key, kUuid, with_new);
  ASSERT_TRUE(opened_case.ok());
  EXPECT_EQ(HexRoot(*opened_case), HexRoot(key));
  EXPECT_EQ(with_new.derivations(), 1);

  seal::Unlocker with_old("old");
  EXPECT_EQ(OpenCaseKey(*rewrapped->case_key, kUuid, with_old).status().message(),
            "wrong passphrase");
}

TEST(CaseKey, RewrapWithAWrongOldPassphraseIsNamedAndGivesNothing) {
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Kek kek = std::move(seal::Kek::ForSealing("old", Fast()).value());
  KeyFileTexts files;
  files.case_key = SealCaseKey(key, kUuid, kek).value();
  const std::string before = *files.case_key;

  auto rewrapped = RewrapKeyFiles(files, kUuid, "not the old one", "new", Fast());
  ASSERT_FALSE(rewrapped.ok());
  EXPECT_EQ(rewrapped.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rewrapped.status().message(), "case key file: wrong passphrase");
  // The file still opens with the old passphrase: nothing changed.
  EXPECT_EQ(*files.case_key, before);
  seal::Unlocker with_old("old");
  EXPECT_TRUE(OpenCaseKey(*files.case_key, kUuid, with_old).ok());
}

TEST(CaseKey, RewrapRefusesAnEmptyNewPassphrase) {
  CaseKey key = std::move(CaseKey::Generate().value());
  seal::Kek kek = std::move(seal::Kek::ForSealing("old", Fast()).value());
  KeyFileTexts files;
  files.case_key = SealCaseKey(key, kUuid, kek).value();
  Status st = RewrapKeyFiles(files, kUuid, "old", "", Fast()).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "new passphrase: the passphrase is empty (give none to store the key unencrypted)");
}

// The key hierarchy as docs/case-format.md ("Encryption at rest") gives it, derived by Python's
// `cryptography` HKDF: the three subkeys come from the root with no salt and their labels.
TEST(CaseKey, PythonDerivesTheDocumentedSubkeys) {
  constexpr const char* kScript = R"PY(
import sys
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
root = bytes.fromhex(sys.argv[1])
for label in ('object encryption', 'object naming', 'ledger columns'):
    info = ('evidence case key v1: ' + label).encode()
    print(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(root).hex())
)PY";
  CaseKey key = std::move(CaseKey::Generate().value());
  auto r = testing::RunProgram({"python3", "-c", kScript, HexRoot(key)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Hex(key.object_encryption()) + "\n" + Hex(key.object_naming()) + "\n" +
                       Hex(key.ledger_columns()) + "\n");
}

}  // namespace
}  // namespace evidence
