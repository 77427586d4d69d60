// Key history (libevidence/src/log/key_history.hpp): which key must sign a checkpoint of a given
// size, and the reading of key.added entries, founding and rotation, with good and bad
// endorsements.
#include "key_history.hpp"

#include <gtest/gtest.h>

#include "evidence/bytes.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/signing.hpp"

namespace evidence {
namespace {

constexpr char kCase[] = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

SigningKey NewKey() {
  auto k = SigningKey::Generate();
  EXPECT_TRUE(k.ok());
  return std::move(k).value();
}

// The data of a key.added entry introducing `key`.
nlohmann::json KeyAddedData(const SigningKey& key) {
  PublicKey pub = key.public_key();
  return {{"key", "owner"},
          {"public_key", Base64Encode(pub.raw())},
          {"fingerprint", pub.Fingerprint()},
          {"vkey", VerifierKey("owner", pub)}};
}

// A rotation from `previous` to `next`, endorsed by `signer` over the rotation statement.
nlohmann::json RotationData(const SigningKey& previous, const SigningKey& next,
                            const SigningKey& signer) {
  nlohmann::json d = KeyAddedData(next);
  std::string previous_vkey = VerifierKey("owner", previous.public_key());
  std::string statement = KeyRotationStatement(kCase, d["vkey"].get<std::string>(), previous_vkey);
  auto sig = signer.Sign(AsBytes(statement));
  EXPECT_TRUE(sig.ok());
  d["previous_fingerprint"] = previous.public_key().Fingerprint();
  d["previous_vkey"] = previous_vkey;
  d["endorsement"] = Base64Encode(*sig);
  return d;
}

TEST(KeyForSize, TheKeyOfTheLastKeyAddedEntryBelowTheSize) {
  SigningKey a = NewKey(), b = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = ReadKeyAdded(5, RotationData(a, b, a), kCase, &*first);
  ASSERT_TRUE(second.ok()) << second.status().message();
  std::vector<KeyEpoch> epochs = {*first, *second};

  EXPECT_EQ(KeyForSize(epochs, 0), nullptr);
  EXPECT_EQ(KeyForSize(epochs, 1), nullptr);  // entry 1 is not among entries [0, 1)
  EXPECT_EQ(KeyForSize(epochs, 2), &epochs[0]);
  EXPECT_EQ(KeyForSize(epochs, 5), &epochs[0]);  // the rotation is entry 5, not yet covered
  EXPECT_EQ(KeyForSize(epochs, 6), &epochs[1]);
  EXPECT_EQ(KeyForSize(epochs, 1000), &epochs[1]);
  EXPECT_EQ(KeyForSize({}, 10), nullptr);
}

TEST(ReadKeyAdded, FoundingKeyNeedsNoEndorsement) {
  SigningKey a = NewKey();
  auto epoch = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(epoch.ok()) << epoch.status().message();
  EXPECT_EQ(epoch->seq, 1u);
  EXPECT_EQ(epoch->name, "owner");
  EXPECT_TRUE(epoch->key == a.public_key());
  EXPECT_EQ(epoch->fingerprint, a.public_key().Fingerprint());
  EXPECT_FALSE(epoch->endorsed_by.has_value());
}

TEST(ReadKeyAdded, RotationEndorsedByTheKeyInForce) {
  SigningKey a = NewKey(), b = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok());
  auto rotated = ReadKeyAdded(7, RotationData(a, b, a), kCase, &*first);
  ASSERT_TRUE(rotated.ok()) << rotated.status().message();
  EXPECT_TRUE(rotated->key == b.public_key());
  EXPECT_EQ(rotated->endorsed_by, a.public_key().Fingerprint());
}

TEST(ReadKeyAdded, EndorsementByAnotherKeyDoesNotVerify) {
  SigningKey a = NewKey(), b = NewKey(), thief = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok());
  auto rotated = ReadKeyAdded(7, RotationData(a, b, thief), kCase, &*first);
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(rotated.status().message().rfind("entry 7 (key.added): the endorsement by " +
                                                 a.public_key().Fingerprint() + " does not verify",
                                             0),
            0u)
      << rotated.status().message();
}

TEST(ReadKeyAdded, EndorsementForAnotherCaseDoesNotVerify) {
  SigningKey a = NewKey(), b = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok());
  auto rotated =
      ReadKeyAdded(7, RotationData(a, b, a), "11111111-2222-4333-8444-555555555555", &*first);
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.status().code(), StatusCode::kVerificationFailed);
}

TEST(ReadKeyAdded, RotationWithoutEndorsementNamesTheKeyInForce) {
  SigningKey a = NewKey(), b = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok());
  auto rotated = ReadKeyAdded(7, KeyAddedData(b), kCase, &*first);
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(rotated.status().message().find("without an endorsement by the key in force, " +
                                            a.public_key().Fingerprint()),
            std::string::npos)
      << rotated.status().message();
}

TEST(ReadKeyAdded, RotationEndorsingAKeyOtherThanTheOneInForce) {
  SigningKey a = NewKey(), b = NewKey(), other = NewKey();
  auto first = ReadKeyAdded(1, KeyAddedData(a), kCase, nullptr);
  ASSERT_TRUE(first.ok());
  // Properly signed, but by and about a key that is not the one in force.
  auto rotated = ReadKeyAdded(7, RotationData(other, b, other), kCase, &*first);
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(rotated.status().message().find("endorsed by a key other than the one in force"),
            std::string::npos)
      << rotated.status().message();
}

TEST(ReadKeyAdded, PublicKeyThatDisagreesWithTheVkeyIsCorruption) {
  SigningKey a = NewKey(), b = NewKey();
  nlohmann::json d = KeyAddedData(a);
  d["public_key"] = Base64Encode(b.public_key().raw());
  auto epoch = ReadKeyAdded(1, d, kCase, nullptr);
  ASSERT_FALSE(epoch.ok());
  EXPECT_EQ(epoch.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(epoch.status().message(),
            "entry 1 (key.added): public_key and vkey name different keys");
}

}  // namespace
}  // namespace evidence
