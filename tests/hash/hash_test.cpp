#include "evidence/hash.hpp"

#include <gtest/gtest.h>

namespace evidence {
namespace {

// FIPS 180-2 / NIST example vectors.
TEST(Sha256, EmptyString) {
  EXPECT_EQ(DigestHex(Sha256::Of(std::string_view(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(DigestHex(Sha256::Of(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Sha256 h;
  h.Update(std::string_view("abcdbcdecdefdefgefghfghighijhi"));
  h.Update(std::string_view("jkijkljklmklmnlmnomnopnopq"));
  EXPECT_EQ(DigestHex(h.Finish()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Finish resets: the next message starts from scratch.
  h.Update(std::string_view("abc"));
  EXPECT_EQ(h.Finish(), Sha256::Of(std::string_view("abc")));
}

TEST(DigestFromHex, RejectsWrongLength) {
  EXPECT_FALSE(DigestFromHex("abcd").ok());
  EXPECT_EQ(DigestFromHex("abcd").status().code(), StatusCode::kInvalidArgument);
}

TEST(DigestFromHex, RoundTrips) {
  auto d = Sha256::Of(std::string_view("x"));
  auto back = DigestFromHex(DigestHex(d));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, d);
}

TEST(Hex, RejectsNonHex) { EXPECT_FALSE(HexDecode("zz").ok()); }

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(AsChars(*decoded), plain);
  }
}

TEST(Base64, RejectsMalformed) {
  EXPECT_FALSE(Base64Decode("Zg=").ok());     // bad length
  EXPECT_FALSE(Base64Decode("Z===").ok());    // padding too long is caught by length of data
  EXPECT_FALSE(Base64Decode("Zg=a").ok());    // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9v\n").ok());  // whitespace
}

}  // namespace
}  // namespace evidence
