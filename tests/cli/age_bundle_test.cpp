// The encrypted hand-over (docs/age.md): export --encrypt-to / --encrypt-passphrase, and
// verify-bundle / receive of .age bundles, against Debian's real age and age-keygen.
#include <sys/stat.h>

#include "cli_fixture.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

class AgeBundle : public CliTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/bin/age") && fs::exists("/usr/bin/age-keygen"))
        << "Debian's age is missing: scripts/install-deps.sh installs it";
    InitCase();
    fs::path in = tmp().path() / "input";
    fs::create_directories(in);
    WriteJpegWithExif(in / "gift.jpg");
    WriteText(in / "note.txt", "He waited outside again.\n");
    ASSERT_EQ(Ev({"add", "-r", in.string()}).exit_code, 0);
    auto gen = RunProgram({"/usr/bin/age-keygen", "-o", Key("officer.txt").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto other = RunProgram({"/usr/bin/age-keygen", "-o", Key("other.txt").string()});
    ASSERT_EQ(other.exit_code, 0) << other.err;
  }
  fs::path Key(const std::string& name) { return tmp().path() / name; }
  fs::path Out(const std::string& name) { return tmp().path() / name; }
  std::string Recipient(const std::string& key) {
    auto r = RunProgram({"/usr/bin/age-keygen", "-y", Key(key).string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
};

TEST_F(AgeBundle, ExportEncryptedOpensWithAgeAndVerifiesEitherWay) {
  auto e =
      Ev({"export", "--out", Out("b.zip.age").string(), "--encrypt-to", Recipient("officer.txt")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("signer fingerprint SHA256:"), std::string::npos) << e.out;
  // Nothing but the .age beside it: no plaintext bundle was written, not even for a moment
  // under another name that stayed.
  for (const auto& entry : fs::directory_iterator(tmp().path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("b.zip") &&
                 entry.path().filename() != "b.zip.age")
        << entry.path();
  }
  auto d = RunProgram({"/usr/bin/age", "-d", "-i", Key("officer.txt").string(), "-o",
                       Out("b.zip").string(), Out("b.zip.age").string()});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(RunEvidence({"verify-bundle", Out("b.zip").string()}).exit_code, 0);
  auto v =
      RunEvidence({"verify-bundle", Out("b.zip.age").string(), "-i", Key("officer.txt").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(AgeBundle, AgeEncryptedBundleIsReceivedWithIdentity) {
  ASSERT_EQ(Ev({"export", "--out", Out("b.tar.gz").string()}).exit_code, 0);
  auto enc = RunProgram({"/usr/bin/age", "-e", "-r", Recipient("officer.txt"), "-o",
                         Out("b.tar.gz.age").string(), Out("b.tar.gz").string()});
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  auto v = RunEvidence(
      {"verify-bundle", Out("b.tar.gz.age").string(), "--identity", Key("officer.txt").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // Received by another case, as the officer's would.
  std::string other = (tmp().path() / "officer-case").string();
  ASSERT_EQ(RunEvidence({"-C", other, "init", "--name", "Officer", "--owner", "PC Smith",
                         "--no-passphrase"})
                .exit_code,
            0);
  auto r = RunEvidence(
      {"-C", other, "receive", Out("b.tar.gz.age").string(), "-i", Key("officer.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("received EX-0001"), std::string::npos) << r.out;
}

TEST_F(AgeBundle, WrongIdentityIsAUsageErrorOnOneLine) {
  ASSERT_EQ(
      Ev({"export", "--out", Out("b.zip.age").string(), "--encrypt-to", Recipient("officer.txt")})
          .exit_code,
      0);
  std::string before = Snapshot();
  for (auto args : std::vector<std::vector<std::string>>{
           {"verify-bundle", Out("b.zip.age").string(), "-i", Key("other.txt").string()},
           {"-C", case_dir().string(), "receive", Out("b.zip.age").string(), "-i",
            Key("other.txt").string()},
           {"verify-bundle", Out("b.zip.age").string()}}) {
    auto v = RunEvidence(args);
    EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
    EXPECT_EQ(std::count(v.err.begin(), v.err.end(), '\n'), 1) << v.err;
    EXPECT_NE(v.err.find("b.zip.age"), std::string::npos) << v.err;
  }
  EXPECT_EQ(Snapshot(), before);
}

// Regression: an identity or recipient file that was a FIFO with no writer made verify-bundle,
// receive and export wait for ever; like every small file the user names, it is now refused
// without being opened for a blocking read.
TEST_F(AgeBundle, IdentityOrRecipientFileThatIsAFifoIsRefusedWithoutWaiting) {
  ASSERT_EQ(
      Ev({"export", "--out", Out("b.zip.age").string(), "--encrypt-to", Recipient("officer.txt")})
          .exit_code,
      0);
  const fs::path fifo = Out("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string before = Snapshot();
  for (auto args : std::vector<std::vector<std::string>>{
           {"verify-bundle", Out("b.zip.age").string(), "-i", fifo.string()},
           {"-C", case_dir().string(), "receive", Out("b.zip.age").string(), "-i", fifo.string()},
           {"-C", case_dir().string(), "export", "--out", Out("c.zip.age").string(), "--encrypt-to",
            fifo.string()}}) {
    auto v = RunEvidence(args);
    EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
    EXPECT_EQ(std::count(v.err.begin(), v.err.end(), '\n'), 1) << v.err;
    EXPECT_NE(v.err.find(fifo.string()), std::string::npos) << v.err;
  }
  EXPECT_EQ(Snapshot(), before);
  EXPECT_FALSE(fs::exists(Out("c.zip.age")));
}

TEST_F(AgeBundle, TamperedChunkFailsVerificationNamingTheChunk) {
  ASSERT_EQ(
      Ev({"export", "--out", Out("b.zip.age").string(), "--encrypt-to", Recipient("officer.txt")})
          .exit_code,
      0);
  std::string bytes = ReadFile(Out("b.zip.age"));
  bytes[bytes.size() - 40] ^= 0x20;
  WriteFile(Out("t.zip.age"), bytes);
  std::string before = Snapshot();
  auto v =
      RunEvidence({"verify-bundle", Out("t.zip.age").string(), "-i", Key("officer.txt").string()});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("payload chunk 1: authentication tag does not match"), std::string::npos)
      << v.out;
  auto r = Ev({"receive", Out("t.zip.age").string(), "-i", Key("officer.txt").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AgeBundle, PassphraseBundleRoundTrips) {
  WriteFile(Key("pass.txt"), "read to the officer by phone\n");
  auto e = Ev({"export", "--out", Out("p.tar.age").string(), "--encrypt-passphrase",
               "--bundle-passphrase-file", Key("pass.txt").string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto v = RunEvidence({"verify-bundle", Out("p.tar.age").string(), "--bundle-passphrase-file",
                        Key("pass.txt").string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto wrong = RunEvidence({"verify-bundle", Out("p.tar.age").string()},
                           {{"EVIDENCE_BUNDLE_PASSPHRASE", "not it"}});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("wrong passphrase"), std::string::npos) << wrong.err;
}

TEST_F(AgeBundle, EncryptedExportMustBeNamedAge) {
  auto e = Ev({"export", "--out", Out("b.zip").string(), "--encrypt-to", Recipient("officer.txt")});
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_NE(e.err.find(".zip.age"), std::string::npos) << e.err;
  EXPECT_FALSE(fs::exists(Out("b.zip")));
}

// Regression: a secret key given where a recipient belongs must not be printed back.
TEST_F(AgeBundle, SecretKeyGivenAsRecipientIsNotEchoed) {
  std::string text = ReadFile(Key("officer.txt"));
  std::string secret = text.substr(text.find("AGE-SECRET-KEY-1"));
  secret = secret.substr(0, secret.find('\n'));
  auto e = Ev({"export", "--out", Out("b.zip.age").string(), "--encrypt-to", secret});
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_EQ(e.err.find(secret), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("age-keygen -y"), std::string::npos) << e.err;
  EXPECT_FALSE(fs::exists(Out("b.zip.age")));
}

}  // namespace
}  // namespace evidence::testing
