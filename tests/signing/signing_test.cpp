#include "evidence/signing.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>

#include "evidence/hash.hpp"
#include "openssl_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using evidence::testing::RunProgram;
using evidence::testing::TempDir;
using evidence::testing::WriteFile;

Bytes Hex(std::string_view hex) { return HexDecode(hex).value(); }

SigningKey NewKey() {
  auto key = SigningKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

// RFC 8032 section 7.1, TEST 1 and TEST 2: Ed25519 is deterministic, so seed -> public key ->
// signature must reproduce the published bytes exactly.
struct Rfc8032Vector {
  const char* name;
  const char* seed;
  const char* pub;
  const char* message;
  const char* signature;
};
constexpr Rfc8032Vector kRfc8032[] = {
    {"test1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"test2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

TEST(SigningKey, Rfc8032Vectors) {
  for (const auto& v : kRfc8032) {
    SCOPED_TRACE(v.name);
    auto key = SigningKey::FromRawPrivateKey(Hex(v.seed), InsecureSecretKeyAccess::Get());
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(HexEncode(key->public_key().raw()), v.pub);
    auto sig = key->Sign(Hex(v.message));
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(HexEncode(*sig), v.signature);

    auto pub = PublicKey::FromRaw(Hex(v.pub));
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->Verify(Hex(v.message), Hex(v.signature)).ok());
  }
}

TEST(SigningKey, GenerateSignVerify) {
  SigningKey key = NewKey();
  auto sig = key.Sign(AsBytes("message"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(key.public_key().Verify(AsBytes("message"), *sig).ok());
}

TEST(SigningKey, SignaturesAreDeterministic) {
  SigningKey key = NewKey();
  EXPECT_EQ(key.Sign(AsBytes("x")).value(), key.Sign(AsBytes("x")).value());
}

TEST(SigningKey, GeneratedKeysDiffer) {
  EXPECT_FALSE(NewKey().public_key() == NewKey().public_key());
}

TEST(SigningKey, RawPrivateKeyRoundTrips) {
  SigningKey key = NewKey();
  Bytes seed = key.RawPrivateKey(InsecureSecretKeyAccess::Get());
  ASSERT_EQ(seed.size(), 32u);
  auto again = SigningKey::FromRawPrivateKey(seed, InsecureSecretKeyAccess::Get());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), key.public_key());
  EXPECT_EQ(again->Sign(AsBytes("m")).value(), key.Sign(AsBytes("m")).value());
}

TEST(SigningKey, FromRawPrivateKeyRejectsWrongLength) {
  for (std::size_t n : {0u, 31u, 33u, 64u}) {
    Bytes seed(n, 7);
    auto key = SigningKey::FromRawPrivateKey(seed, InsecureSecretKeyAccess::Get());
    ASSERT_FALSE(key.ok()) << n;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(SigningKey, MovedFromKeyRefusesToSign) {
  SigningKey a = NewKey();
  SigningKey b = std::move(a);
  EXPECT_TRUE(b.Sign(AsBytes("m")).ok());
  auto sig = a.Sign(AsBytes("m"));  // NOLINT(bugprone-use-after-move): that is the point
  ASSERT_FALSE(sig.ok());
  EXPECT_EQ(sig.status().code(), StatusCode::kInvalidArgument);
}

TEST(PublicKey, VerifyRejectsWrongMessage) {
  SigningKey key = NewKey();
  auto sig = key.Sign(AsBytes("message")).value();
  Status s = key.public_key().Verify(AsBytes("massage"), sig);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
}

TEST(PublicKey, VerifyRejectsEveryFlippedSignatureBit) {
  SigningKey key = NewKey();
  auto sig = key.Sign(AsBytes("message")).value();
  for (std::size_t bit = 0; bit < sig.size() * 8; ++bit) {
    auto bad = sig;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_EQ(key.public_key().Verify(AsBytes("message"), bad).code(),
              StatusCode::kVerificationFailed)
        << "bit " << bit;
  }
}

TEST(PublicKey, VerifyRejectsOtherKey) {
  SigningKey key = NewKey();
  auto sig = key.Sign(AsBytes("message")).value();
  EXPECT_EQ(NewKey().public_key().Verify(AsBytes("message"), sig).code(),
            StatusCode::kVerificationFailed);
}

TEST(PublicKey, VerifyRejectsWrongSignatureLength) {
  SigningKey key = NewKey();
  auto sig = key.Sign(AsBytes("message")).value();
  Bytes shorter(sig.begin(), sig.end() - 1);
  Bytes longer(sig.begin(), sig.end());
  longer.push_back(0);
  EXPECT_EQ(key.public_key().Verify(AsBytes("message"), shorter).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(key.public_key().Verify(AsBytes("message"), longer).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(key.public_key().Verify(AsBytes("message"), Bytes{}).code(),
            StatusCode::kInvalidArgument);
}

TEST(PublicKey, FromRawRejectsWrongLength) {
  EXPECT_EQ(PublicKey::FromRaw(Bytes(31)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromRaw(Bytes(33)).status().code(), StatusCode::kInvalidArgument);
}

TEST(PublicKey, PemRoundTrips) {
  PublicKey pub = NewKey().public_key();
  std::string pem = pub.ToPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
  EXPECT_TRUE(pem.ends_with("-----END PUBLIC KEY-----\n"));
  auto back = PublicKey::FromPem(pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, pub);
}

// Our hand-built DER must be exactly what OpenSSL itself writes for the same key.
TEST(PublicKey, DerMatchesOpenSsl) {
  PublicKey pub = NewKey().public_key();
  ossl::PkeyPtr pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.raw().data(), pub.raw().size()));
  ASSERT_TRUE(pkey);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey.get(), &der);
  ASSERT_GT(len, 0);
  Bytes expected(der, der + len);
  OPENSSL_free(der);
  EXPECT_EQ(pub.ToDer(), expected);
}

TEST(PublicKey, FromPemRejectsGarbage) {
  for (const char* text :
       {"", "hello", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    auto key = PublicKey::FromPem(text);
    ASSERT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(PublicKey, FromPemRejectsOtherAlgorithms) {
  // A NIST P-256 public key generated for this test with `openssl genpkey -algorithm EC`.
  const char* p256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfFfFHnVmuAtdWU7pgRvBvCClV+z7\n"
      "FZsCVKtzAOZKHgCIKH/aVsO+QHv6rG74IPtq0PL4qQOAKvrLDt/vNGKs8w==\n"
      "-----END PUBLIC KEY-----\n";
  auto key = PublicKey::FromPem(p256);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kUnsupported);
}

TEST(PublicKey, FingerprintFormat) {
  PublicKey pub = NewKey().public_key();
  std::string fp = pub.Fingerprint();
  ASSERT_EQ(fp.size(), 7u + 64u);
  EXPECT_TRUE(fp.starts_with("SHA256:"));
  EXPECT_EQ(fp.substr(7), DigestHex(Sha256::Of(pub.ToDer())));
}

// The independent checks below use the openssl command line tool, as a recipient would.

TEST(PublicKey, FingerprintMatchesOpensslCommandLine) {
  TempDir dir;
  PublicKey pub = NewKey().public_key();
  WriteFile(dir / "key.pem", pub.ToPem());
  auto r = RunProgram(
      {"sh", "-c",
       "openssl pkey -pubin -in '" + (dir / "key.pem").string() + "' -outform DER | sha256sum"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ("SHA256:" + r.out.substr(0, 64), pub.Fingerprint());
}

TEST(PublicKey, ReadsKeysWrittenByOpenssl) {
  TempDir dir;
  auto gen =
      RunProgram({"openssl", "genpkey", "-algorithm", "ed25519", "-out", (dir / "k.pem").string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto pub = RunProgram({"openssl", "pkey", "-in", (dir / "k.pem").string(), "-pubout"});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  auto key = PublicKey::FromPem(pub.out);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->ToPem(), pub.out);  // same canonical PEM, byte for byte

  // A signature made by the openssl tool verifies with our code.
  WriteFile(dir / "msg", "signed by openssl\n");
  auto sign =
      RunProgram({"openssl", "pkeyutl", "-sign", "-rawin", "-inkey", (dir / "k.pem").string(),
                  "-in", (dir / "msg").string(), "-out", (dir / "sig").string()});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  std::string sig = evidence::testing::ReadFile(dir / "sig");
  EXPECT_TRUE(key->Verify(AsBytes("signed by openssl\n"), AsBytes(sig)).ok());
}

TEST(PublicKey, OpensslVerifiesOurSignatures) {
  TempDir dir;
  SigningKey key = NewKey();
  const std::string msg = "signed by libevidence\n";
  auto sig = key.Sign(AsBytes(msg)).value();
  WriteFile(dir / "pub.pem", key.public_key().ToPem());
  WriteFile(dir / "msg", msg);
  WriteFile(dir / "sig", std::string(AsChars(sig)));
  auto r = RunProgram({"openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey",
                       (dir / "pub.pem").string(), "-in", (dir / "msg").string(), "-sigfile",
                       (dir / "sig").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  WriteFile(dir / "msg", "signed by libevidence?\n");
  auto bad = RunProgram({"openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey",
                         (dir / "pub.pem").string(), "-in", (dir / "msg").string(), "-sigfile",
                         (dir / "sig").string()});
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace evidence
