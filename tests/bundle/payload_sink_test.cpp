// The one read of a bundle: what ScanArchive hands a PayloadSink is exactly the payload it hashed,
// so `receive` stores the bytes that were verified without reading the archive again.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "bundle_fixture.hpp"
#include "bundle_verify.hpp"
#include "bundle_verify_scan.hpp"
#include "evidence/hash.hpp"

namespace evidence::bundle_test {
namespace {

using bundle_internal::PayloadSink;
using bundle_internal::ScanArchive;

// Keeps every member it is given, and can fail at the Nth call of Append.
class KeepingSink : public PayloadSink {
 public:
  Status Begin(const std::string& rel) override {
    current_ = rel;
    bytes_.clear();
    ++begun;
    return Status::Ok();
  }
  Status Append(ByteView block) override {
    if (fail_at_append > 0 && ++appends_ == fail_at_append) {
      return Status::IoError("disk full (injected)");
    }
    bytes_.append(AsChars(block));
    return Status::Ok();
  }
  Status End(const std::string& rel) override {
    EXPECT_EQ(rel, current_);
    ended[rel] = bytes_;
    return Status::Ok();
  }
  void Abandon() override { ++abandoned; }

  int fail_at_append = 0;
  int begun = 0;
  int abandoned = 0;
  std::map<std::string, std::string> ended;

 private:
  std::string current_;
  std::string bytes_;
  int appends_ = 0;
};

TEST(PayloadSink, GetsExactlyTheBytesTheScanHashed) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip");
  ASSERT_TRUE(b.ok);
  KeepingSink sink;
  auto scan = ScanArchive(b.file, {}, &sink);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_FALSE(scan->refusal.has_value()) << scan->refusal->detail;
  ASSERT_EQ(sink.ended.size(), scan->payload.size());
  EXPECT_EQ(sink.abandoned, 0);
  for (const auto& [rel, file] : scan->payload) {
    ASSERT_TRUE(sink.ended.count(rel)) << rel;
    const std::string& bytes = sink.ended[rel];
    EXPECT_EQ(DigestHex(Sha256::Of(std::string_view(bytes))), file.sha256) << rel;
    EXPECT_EQ(bytes.size(), file.size) << rel;
  }
  // Tag files are kept by the scan itself, never handed to the sink.
  for (const auto& [rel, bytes] : sink.ended) EXPECT_EQ(rel.rfind("data/", 0), 0u) << rel;
}

TEST(PayloadSink, ItsErrorStopsTheScanAndIsReturned) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  KeepingSink sink;
  sink.fail_at_append = 1;
  auto scan = ScanArchive(b.file, {}, &sink);
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.status().code(), StatusCode::kIoError);
  EXPECT_NE(scan.status().message().find("disk full"), std::string::npos);
  // The member it failed in was abandoned, and nothing after it was read.
  EXPECT_EQ(sink.begun, 1);
  EXPECT_EQ(sink.abandoned, 1);
  EXPECT_TRUE(sink.ended.empty());
}

// A member refused while it is read (here: larger than the limit) is abandoned, not ended.
TEST(PayloadSink, ARefusedMemberIsAbandoned) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  bundle_internal::ScanLimits limits;
  limits.max_member = 1;
  KeepingSink sink;
  auto scan = ScanArchive(b.file, limits, &sink);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_TRUE(scan->refusal.has_value());
  EXPECT_TRUE(sink.ended.empty());
  EXPECT_EQ(sink.begun, sink.abandoned);
}

// The library names the option an unusable input is about by its field; the flag is the CLI's.
TEST(VerifyBundleOptionsErrors, NameTheFieldNotTheFlag) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip");
  ASSERT_TRUE(b.ok);
  struct Case {
    VerifyBundleOptions options;
    std::string argument;
  };
  VerifyBundleOptions tsa, since, trust, fingerprint;
  tsa.tsa_ca = dir.path() / "missing-ca.pem";
  since.since_checkpoint = dir.path() / "missing-checkpoint";
  trust.trust = (dir.path() / "missing.pem").string();
  fingerprint.fingerprint = "SHA256:zz";
  for (const Case& c : {Case{tsa, "tsa_ca"}, Case{since, "since_checkpoint"}, Case{trust, "trust"},
                        Case{fingerprint, "fingerprint"}}) {
    SCOPED_TRACE(c.argument);
    auto r = VerifyBundle(b.file, c.options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().argument(), c.argument);
    EXPECT_EQ(r.status().message().find("--"), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace evidence::bundle_test
