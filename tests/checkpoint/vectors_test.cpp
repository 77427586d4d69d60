// Known-answer tests against signed notes made by other implementations.
#include <gtest/gtest.h>

#include <string>

#include "evidence/checkpoint.hpp"

namespace evidence {
namespace {

// Vector data from golang.org/x/mod/sumdb/note (note_test.go): a note signed by the Ed25519 test
// key "PeterNeumann", its verifier key and its private signer key, plus a second key "EnochRoot".
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
// The signer key's payload: 0x01 || 32-byte Ed25519 seed.
constexpr std::string_view kPeterSkeyPayload = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kPeterText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochSig =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// Real signed tree heads of the Go checksum database (sum.golang.org), a tlog-checkpoint in
// production, with its published verifier key (the default GOSUMDB key of the go command).
constexpr std::string_view kSumDbVkey =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
constexpr std::string_view kSumDbCheckpoints[] = {
    "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n"
    "\xe2\x80\x94 sum.golang.org "
    "Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/"
    "C8DJ87F61QqspBYwM=\n",
    "go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n"
    "\xe2\x80\x94 sum.golang.org "
    "Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/"
    "R3cVtYspg3dxXABkGZZKdsQ8=\n",
};

PublicKey KeyOf(std::string_view vkey) { return ParseVerifierKey(vkey).value().second; }

TEST(GoNoteVectors, VerifierKeyParsesAndRoundTrips) {
  auto parsed = ParseVerifierKey(kPeterVkey);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->first, "PeterNeumann");
  EXPECT_EQ(KeyId("PeterNeumann", parsed->second), 0xc74f20a3u);
  EXPECT_EQ(VerifierKey("PeterNeumann", parsed->second), kPeterVkey);
  EXPECT_EQ(KeyId("EnochRoot", KeyOf(kEnochVkey)), 0xaf0cfe78u);
}

TEST(GoNoteVectors, SigningReproducesTheNoteExactly) {
  Bytes payload = Base64Decode(kPeterSkeyPayload).value();
  ASSERT_EQ(payload.size(), 33u);
  ASSERT_EQ(payload[0], 0x01);
  auto key =
      SigningKey::FromRawPrivateKey(ByteView(payload).subspan(1), InsecureSecretKeyAccess::Get());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key(), KeyOf(kPeterVkey));
  auto note = SignNote(kPeterText, "PeterNeumann", *key);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(*note, std::string(kPeterText) + "\n" + std::string(kPeterSig));
}

TEST(GoNoteVectors, VerifiesOneOfTwoSignatures) {
  const std::string note =
      std::string(kPeterText) + "\n" + std::string(kPeterSig) + std::string(kEnochSig);
  auto peter = VerifySignedNote(note, "PeterNeumann", KeyOf(kPeterVkey));
  ASSERT_TRUE(peter.ok()) << peter.status().ToString();
  EXPECT_EQ(peter->text, kPeterText);
  ASSERT_EQ(peter->signatures.size(), 2u);
  EXPECT_EQ(peter->signatures[0].key_name, "PeterNeumann");
  EXPECT_EQ(peter->signatures[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(peter->signatures[1].key_name, "EnochRoot");
  EXPECT_EQ(peter->signatures[1].key_id, 0xaf0cfe78u);
  EXPECT_TRUE(VerifySignedNote(note, "EnochRoot", KeyOf(kEnochVkey)).ok());
  // Peter's key under Enoch's name is an unknown key: ignored, so nothing verifies.
  EXPECT_EQ(VerifySignedNote(note, "EnochRoot", KeyOf(kPeterVkey)).status().code(),
            StatusCode::kVerificationFailed);
}

TEST(GoNoteVectors, RejectsTheMalformedNotesGoRejects) {
  const std::string text(kPeterText), sig(kPeterSig);
  const std::pair<const char*, std::string> bad[] = {
      {"text-only", text},
      {"text-and-blank-line", text + "\n"},
      {"signature-without-newline", text + "\n" + sig.substr(0, sig.size() - 1)},
      {"leading-control-character", "\x01" + text + "\n" + sig},
      {"leading-invalid-utf8", "\xff" + text + "\n" + sig},
      {"key-name-with-space",
       text + "\n\xe2\x80\x94 Bad Name "
              "x08go/ZJkuBS9UG/"
              "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"},
      {"unexpected-line-after-signature", text + "\n" + sig + "Unexpected line.\n"},
  };
  for (const auto& [name, note] : bad) {
    auto parsed = ParseSignedNote(note);
    EXPECT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption) << name;
  }
}

TEST(GoNoteVectors, MangledVerifierKeysAreRejected) {
  // Every proper substring and every single-byte increment must fail, as in the Go tests.
  const std::string vkey(kPeterVkey);
  for (std::size_t i = 0; i <= vkey.size(); ++i) {
    for (std::size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(vkey.substr(i, j - i)).ok()) << vkey.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    bad[i]++;
    EXPECT_FALSE(ParseVerifierKey(bad).ok()) << bad;
  }
  // Wrong key length, with the key id adjusted to match.
  EXPECT_EQ(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  // Unknown algorithm byte, with the key id adjusted to match.
  EXPECT_EQ(ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .status()
                .code(),
            StatusCode::kUnsupported);
}

TEST(SumDbVectors, RealCheckpointsVerify) {
  auto vkey = ParseVerifierKey(kSumDbVkey);
  ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
  EXPECT_EQ(vkey->first, "sum.golang.org");
  for (std::string_view note : kSumDbCheckpoints) {
    auto cp = VerifyCheckpointNote(note, "sum.golang.org", vkey->second);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    EXPECT_EQ(cp->checkpoint.origin, "go.sum database tree");
    EXPECT_TRUE(cp->extension_lines.empty());
    ASSERT_EQ(cp->signatures.size(), 1u);
    EXPECT_EQ(cp->signatures[0].key_id, 0x033de0aeu);
    // Re-serialising the parsed checkpoint gives back the signed body byte for byte.
    EXPECT_EQ(cp->checkpoint.Body(), cp->body);
  }
  auto first = ParseCheckpointNote(kSumDbCheckpoints[0]).value();
  EXPECT_EQ(first.checkpoint.size, 31700353u);
  EXPECT_EQ(Base64Encode(first.checkpoint.root), "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=");
}

TEST(SumDbVectors, EditedRealCheckpointFails) {
  std::string note(kSumDbCheckpoints[0]);
  note.replace(note.find("31700353"), 8, "31700354");
  auto cp = VerifyCheckpointNote(note, "sum.golang.org", KeyOf(kSumDbVkey));
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(cp.status().message(), "checkpoint: signature by key sum.golang.org does not verify");
}

TEST(SumDbVectors, GoNoteIsNotACheckpoint) {
  const std::string note = std::string(kPeterText) + "\n" + std::string(kPeterSig);
  EXPECT_TRUE(ParseSignedNote(note).ok());
  auto cp = ParseCheckpointNote(note);
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace evidence
