// The ledger's column encryption (libevidence/src/crypto/column_cipher.hpp): one cipher, whose
// OpenSSL contexts are keyed once and reused for every value, seals and opens value after value,
// and a value that does not open leaves it able to open the next.
#include "column_cipher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "gcm.hpp"
#include "secret_key.hpp"

namespace evidence {
namespace {

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(ColumnCipher, OneCipherSealsAndOpensValueAfterValue) {
  SecretKey key = std::move(SecretKey::Random().value());
  ColumnCipher cipher(key);
  std::vector<Bytes> sealed;
  for (int i = 0; i < 5; ++i) {
    auto s = cipher.Seal("items.note", "EX-000" + std::to_string(i),
                         AsBytes("note " + std::to_string(i)));
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->size(), 6 + ColumnCipher::kOverhead);
    sealed.push_back(std::move(s).value());
  }
  for (int i = 4; i >= 0; --i) {
    auto opened = cipher.Open("items.note", "EX-000" + std::to_string(i), sealed[i]);
    ASSERT_TRUE(opened.ok() && opened->has_value()) << i;
    EXPECT_EQ(Text(**opened), "note " + std::to_string(i));
  }
  // Another cipher under the same key (another connection) opens them too.
  ColumnCipher other(key);
  EXPECT_TRUE(other.Open("items.note", "EX-0000", sealed[0])->has_value());
}

TEST(ColumnCipher, AValueThatDoesNotOpenLeavesTheNextOneOpening) {
  SecretKey key = std::move(SecretKey::Random().value());
  ColumnCipher cipher(key);
  Bytes sealed = cipher.Seal("entries.entry", "7", AsBytes("{\"a\":1}")).value();
  Bytes flipped = sealed;
  flipped.back() ^= 0x01;
  EXPECT_FALSE(cipher.Open("entries.entry", "7", flipped)->has_value());
  EXPECT_FALSE(cipher.Open("entries.entry", "8", sealed)->has_value());  // another row
  EXPECT_FALSE(cipher.Open("entries.entry", "7", ByteView(sealed).first(10))->has_value());
  auto opened = cipher.Open("entries.entry", "7", sealed);
  ASSERT_TRUE(opened.ok() && opened->has_value());
  EXPECT_EQ(Text(**opened), "{\"a\":1}");
}

// gcm::Cipher gives exactly what the one-shot gcm::Seal gives for the same nonce.
TEST(GcmCipher, ReusedContextMatchesTheOneShotFunctions) {
  SecretKey key = std::move(SecretKey::Random().value());
  ByteView k = key.bytes(InsecureSecretKeyAccess::Get());
  gcm::Cipher cipher(k);
  for (std::uint8_t n = 0; n < 3; ++n) {
    const Bytes nonce(gcm::kNonceSize, n);
    const std::string plain = "value " + std::to_string(n);
    Bytes reused = cipher.Seal(nonce, AsBytes("aad"), AsBytes(plain)).value();
    EXPECT_EQ(reused, gcm::Seal(k, nonce, AsBytes("aad"), AsBytes(plain)).value());
    Bytes out(plain.size());
    EXPECT_TRUE(cipher.Open(nonce, AsBytes("aad"), reused, out).value());
    EXPECT_EQ(Text(out), plain);
  }
}

}  // namespace
}  // namespace evidence
