// Secret keys in memory (libevidence/src/crypto/secret_key.hpp): move-only, and the HKDF that
// derives subkeys from them gives the RFC 5869 answer.
#include "secret_key.hpp"

#include <gtest/gtest.h>

#include <type_traits>

#include "evidence/bytes.hpp"

namespace evidence {
namespace {

static_assert(!std::is_copy_constructible_v<SecretKey>);
static_assert(!std::is_copy_assignable_v<SecretKey>);
static_assert(std::is_nothrow_move_constructible_v<SecretKey>);

TEST(SecretKey, HkdfMatchesRfc5869TestCase1) {
  Bytes ikm(22, 0x0b);
  Bytes salt = HexDecode("000102030405060708090a0b0c").value();
  Bytes info = HexDecode("f0f1f2f3f4f5f6f7f8f9").value();
  auto key = HkdfSha256(ikm, salt, info);
  ASSERT_TRUE(key.ok()) << key.status().message();
  // The first 32 of the RFC's 42 bytes of OKM.
  EXPECT_EQ(HexEncode(key->bytes(InsecureSecretKeyAccess::Get())),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
}

TEST(SecretKey, HkdfWithoutSaltMatchesRfc5869TestCase3) {
  Bytes ikm(22, 0x0b);
  auto key = HkdfSha256(ikm, {}, {});
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(HexEncode(key->bytes(InsecureSecretKeyAccess::Get())),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
}

TEST(SecretKey, RandomKeysDifferAndMovingKeepsTheBytes) {
  SecretKey a = std::move(SecretKey::Random().value());
  SecretKey b = std::move(SecretKey::Random().value());
  Bytes a_bytes(a.bytes(InsecureSecretKeyAccess::Get()).begin(),
                a.bytes(InsecureSecretKeyAccess::Get()).end());
  EXPECT_NE(HexEncode(a_bytes), HexEncode(b.bytes(InsecureSecretKeyAccess::Get())));
  SecretKey moved = std::move(a);
  EXPECT_EQ(HexEncode(moved.bytes(InsecureSecretKeyAccess::Get())), HexEncode(a_bytes));
}

TEST(SecretKey, FromBytesRefusesAWrongLength) {
  Bytes short_key(31, 1);
  EXPECT_EQ(SecretKey::FromBytes(short_key, InsecureSecretKeyAccess::Get()).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidence
