// evidence/timestamp.hpp against a local `openssl ts -reply` TSA: requests that openssl reads,
// responses checked for imprint, nonce, signature, status and chain, each failure with its code.
#include "evidence/timestamp.hpp"

#include <gtest/gtest.h>

#include "local_tsa.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

Bytes ReadBytes(const fs::path& p) {
  std::string s = ReadFile(p);
  return Bytes(s.begin(), s.end());
}

void WriteBytes(const fs::path& p, const Bytes& b) {
  WriteFile(p, std::string(b.begin(), b.end()));
}

class Timestamp : public ::testing::Test {
 protected:
  // A request from the library over `digest`, answered by the local TSA.
  Bytes Answer(const Sha256Digest& digest, TimestampRequestInfo* info) {
    auto req = BuildTimestampRequest(digest);
    EXPECT_TRUE(req.ok()) << req.status().message();
    auto parsed = ParseTimestampRequest(*req);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    *info = *parsed;
    WriteBytes(tmp_ / "req.tsq", *req);
    tsa_.Reply(tmp_ / "req.tsq", tmp_ / "resp.tsr");
    return ReadBytes(tmp_ / "resp.tsr");
  }

  TempDir tmp_;
  LocalTsa tsa_;
  Sha256Digest digest_ = Sha256::Of(std::string_view("origin\n5\nroot\n"));
};

TEST(TimestampRequest, CarriesTheDigestAFreshNonceAndCertReq) {
  Sha256Digest d = Sha256::Of(std::string_view("body"));
  auto a = BuildTimestampRequest(d);
  auto b = BuildTimestampRequest(d);
  ASSERT_TRUE(a.ok() && b.ok());
  auto ia = ParseTimestampRequest(*a);
  auto ib = ParseTimestampRequest(*b);
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_EQ(ia->imprint, d);
  EXPECT_TRUE(ia->cert_req);
  EXPECT_EQ(ia->nonce.size(), 16u) << ia->nonce;
  EXPECT_NE(ia->nonce, ib->nonce);

  // openssl reads it the same way.
  TempDir tmp;
  WriteBytes(tmp / "r.tsq", *a);
  RunResult r = RunProgram({"openssl", "ts", "-query", "-in", (tmp / "r.tsq").string(), "-text"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sha256"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Certificate required: yes"), std::string::npos) << r.out;
}

TEST(TimestampRequest, ParseRefusesGarbageAndOtherDigests) {
  EXPECT_EQ(ParseTimestampRequest(AsBytes("not DER")).status().code(),
            StatusCode::kInvalidArgument);
  TempDir tmp;
  LocalTsa::Openssl({"ts", "-query", "-digest", std::string(40, 'a'), "-sha1", "-out",
                     (tmp / "sha1.tsq").string()});
  auto r = ParseTimestampRequest(ReadBytes(tmp / "sha1.tsq"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not SHA-256"), std::string::npos) << r.status().message();
}

TEST_F(Timestamp, AGrantedResponseVerifiesAndSaysWhenAndWho) {
  TimestampRequestInfo info;
  Bytes resp = Answer(digest_, &info);
  auto t = VerifyTimestampResponse(resp, {digest_, info.nonce, std::nullopt});
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->imprint, digest_);
  EXPECT_EQ(t->nonce, info.nonce);
  EXPECT_FALSE(t->serial.empty());
  EXPECT_EQ(t->policy, "1.3.6.1.4.1.4146.2.3");
  EXPECT_NE(t->tsa_name.find("CN=Test TSA"), std::string::npos) << t->tsa_name;
  EXPECT_FALSE(t->chain_checked);
  // 2026-03-14T18:20:05Z: the year of now, RFC 3339 UTC.
  ASSERT_GE(t->gen_time.size(), 20u);
  EXPECT_EQ(t->gen_time[4], '-');
  EXPECT_EQ(t->gen_time[10], 'T');
  EXPECT_EQ(t->gen_time.back(), 'Z');

  auto chained = VerifyTimestampResponse(resp, {digest_, info.nonce, ReadFile(tsa_.ca_pem())});
  ASSERT_TRUE(chained.ok()) << chained.status().message();
  EXPECT_TRUE(chained->chain_checked);
}

TEST_F(Timestamp, WrongImprintOrNonceIsAVerificationFailure) {
  TimestampRequestInfo info;
  Bytes resp = Answer(digest_, &info);
  Sha256Digest other = Sha256::Of(std::string_view("another checkpoint"));
  auto wrong_digest = VerifyTimestampResponse(resp, {other, info.nonce, std::nullopt});
  EXPECT_EQ(wrong_digest.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(wrong_digest.status().message().find("message imprint check failed"), std::string::npos)
      << wrong_digest.status().message();
  auto wrong_nonce = VerifyTimestampResponse(resp, {digest_, "0123456789abcdef", std::nullopt});
  EXPECT_EQ(wrong_nonce.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(wrong_nonce.status().message().find("nonce check failed"), std::string::npos)
      << wrong_nonce.status().message();
  // A bundle's token is checked without its request: no nonce to compare.
  EXPECT_TRUE(VerifyTimestampResponse(resp, {digest_, std::nullopt, std::nullopt}).ok());
}

TEST_F(Timestamp, FlippedSignatureByteIsAVerificationFailure) {
  TimestampRequestInfo info;
  Bytes resp = Answer(digest_, &info);
  resp.back() ^= 0x01;  // the last byte of the SignerInfo's signature
  auto t = VerifyTimestampResponse(resp, {digest_, info.nonce, std::nullopt});
  EXPECT_EQ(t.status().code(), StatusCode::kVerificationFailed) << t.status().message();
  EXPECT_NE(t.status().message().find("signature check failed"), std::string::npos)
      << t.status().message();
}

TEST_F(Timestamp, AnotherCaIsAChainFailure) {
  TimestampRequestInfo info;
  Bytes resp = Answer(digest_, &info);
  LocalTsa other("Other");
  auto t = VerifyTimestampResponse(resp, {digest_, info.nonce, ReadFile(other.ca_pem())});
  EXPECT_EQ(t.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(t.status().message().find("chain"), std::string::npos) << t.status().message();
  auto no_cert = VerifyTimestampResponse(resp, {digest_, info.nonce, std::string("no PEM here")});
  EXPECT_EQ(no_cert.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Timestamp, ARejectionIsUnusableInputWithTheTsasWords) {
  // The TSA accepts only SHA-2 digests; a SHA-1 request is refused with badAlg.
  tsa_.Query(std::string(40, 'b'), tmp_ / "sha1.tsq", "-sha1");
  tsa_.Reply(tmp_ / "sha1.tsq", tmp_ / "rejected.tsr");
  auto t = VerifyTimestampResponse(ReadBytes(tmp_ / "rejected.tsr"),
                                   {digest_, std::nullopt, std::nullopt});
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("status rejection"), std::string::npos)
      << t.status().message();
  EXPECT_NE(t.status().message().find("badAlg"), std::string::npos) << t.status().message();
}

TEST_F(Timestamp, GarbageTruncatedAndTrailingBytesAreNotResponses) {
  TimestampRequestInfo info;
  Bytes resp = Answer(digest_, &info);
  TimestampCheck check{digest_, info.nonce, std::nullopt};
  EXPECT_EQ(VerifyTimestampResponse(AsBytes("hello"), check).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyTimestampResponse(Bytes{}, check).status().code(), StatusCode::kInvalidArgument);
  Bytes half(resp.begin(), resp.begin() + static_cast<std::ptrdiff_t>(resp.size() / 2));
  EXPECT_EQ(VerifyTimestampResponse(half, check).status().code(), StatusCode::kInvalidArgument);
  Bytes longer = resp;
  longer.push_back(0);
  auto t = VerifyTimestampResponse(longer, check);
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("1 bytes follow"), std::string::npos) << t.status().message();
}

}  // namespace
}  // namespace evidence::testing
