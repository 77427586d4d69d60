// `evidence encrypt` end to end: a plaintext case with a file, a WhatsApp chat and an incident
// converted in place (docs/case-format.md "Encrypting an existing case").
#include <gtest/gtest.h>

#include <map>

#include "cli_fixture.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

// Strings that appear in the evidence and nowhere else, to look for in the case folder.
constexpr const char* kSender = "Zebedee Quarnstrom";
constexpr const char* kWhat = "Xylophone parcel on the doorstep";
constexpr const char* kNote = "Quokkaline: he waited outside again";
const std::map<std::string, std::string> kPass = {{"EVIDENCE_PASSPHRASE", "correct horse"}};

class Encrypt : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    const fs::path note = WriteInput("note.txt", std::string(kNote) + "\n");
    auto add = Ev({"add", note.string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    const fs::path chat =
        tmp().path() / "input" / (std::string("WhatsApp Chat with ") + kSender + ".txt");
    WriteWhatsAppExport(chat, kSender);
    add = Ev({"add", chat.string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto inc = Ev({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "gift", "--what",
                   kWhat, "--item", "EX-0001"});
    ASSERT_EQ(inc.exit_code, 0) << inc.err;
  }

  // Every file below `dir` whose bytes hold `marker`.
  static std::vector<std::string> FilesHolding(const fs::path& dir, const std::string& marker) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      if (ReadFile(e.path()).find(marker) != std::string::npos) out.push_back(e.path().string());
    }
    return out;
  }

  void ExpectNoPlaintext(const fs::path& dir) {
    for (const char* marker : {kSender, kWhat, kNote}) {
      EXPECT_EQ(FilesHolding(dir, marker), std::vector<std::string>()) << marker;
    }
  }

  // Every file of the case folder with its bytes.
  std::map<std::string, std::string> Files() {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(case_dir())) {
      if (e.is_regular_file()) out[e.path().string()] = ReadFile(e.path());
    }
    return out;
  }
};

TEST_F(Encrypt, ConvertedCaseVerifiesListsTheSameItemsAndHoldsNoPlaintext) {
  auto before = Ev({"list"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  // The markers are there in clear before, so the search below can find them.
  for (const char* marker : {kSender, kWhat, kNote}) {
    ASSERT_FALSE(FilesHolding(case_dir(), marker).empty()) << marker;
  }

  auto enc = Ev({"encrypt"}, kPass);
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  EXPECT_NE(enc.err.find("copy-on-write"), std::string::npos) << enc.err;

  auto verify = Ev({"verify"}, kPass);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto after = Ev({"list"}, kPass);
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  auto messages = Ev({"messages"}, kPass);
  EXPECT_EQ(messages.exit_code, 0) << messages.err;
  EXPECT_NE(messages.out.find(kSender), std::string::npos) << messages.out;
  auto log = Ev({"log", "--action", "case.encrypted"}, kPass);
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_NE(log.out.find("case.encrypted"), std::string::npos) << log.out;
  ExpectNoPlaintext(case_dir());
  EXPECT_TRUE(fs::is_empty(case_dir() / "tmp"));
  // No folder of objects/ is left empty by the plaintext objects (its name is a hash prefix).
  for (const auto& e : fs::directory_iterator(case_dir() / "objects")) {
    EXPECT_FALSE(fs::is_empty(e.path())) << e.path();
  }
}

// The custody records a receive keeps (the sender's ledger and items, which name and describe
// the evidence) are sealed too, and an export of the converted case carries them readable.
TEST_F(Encrypt, ReceivedCustodyRecordsAreSealedAndStillExported) {
  const fs::path bundle = tmp().path() / "victim.zip";
  auto exported = Ev({"export", "--out", bundle.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const fs::path officer = tmp().path() / "officer";
  ASSERT_EQ(
      RunEvidence({"-C", officer.string(), "init", "--no-passphrase", "--exhibit-prefix", "PS"})
          .exit_code,
      0);
  auto recv = RunEvidence({"-C", officer.string(), "receive", bundle.string()});
  ASSERT_EQ(recv.exit_code, 0) << recv.out << recv.err;
  ASSERT_FALSE(FilesHolding(officer / "custody", kWhat).empty());

  auto enc = RunEvidence({"-C", officer.string(), "encrypt"}, kPass);
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  auto verify = RunEvidence({"-C", officer.string(), "verify"}, kPass);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  ExpectNoPlaintext(officer);
  const fs::path again = tmp().path() / "officer.zip";
  auto e = RunEvidence({"-C", officer.string(), "export", "--out", again.string()}, kPass);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto v = RunEvidence({"verify-bundle", again.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(Encrypt, ConvertedCaseDoesNotOpenWithAWrongPassphraseOrWithoutOne) {
  ASSERT_EQ(Ev({"encrypt"}, kPass).exit_code, 0);
  auto wrong = Ev({"list"}, {{"EVIDENCE_PASSPHRASE", "wrong horse"}});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_NE(wrong.err.find("wrong passphrase"), std::string::npos) << wrong.err;
  auto none = Ev({"list"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_EQ(none.out, "");
}

TEST_F(Encrypt, AlreadyEncryptedCaseIsRefusedAndLeftAsItWas) {
  ASSERT_EQ(Ev({"encrypt"}, kPass).exit_code, 0);
  const auto files = Files();
  auto again = Ev({"encrypt"}, kPass);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already encrypted"), std::string::npos) << again.err;
  EXPECT_EQ(Files(), files);
}

TEST_F(Encrypt, CaseThatDoesNotVerifyIsNotEncrypted) {
  // One stored original changed: the conversion would otherwise seal the damage in.
  for (const auto& e : fs::recursive_directory_iterator(case_dir() / "objects")) {
    if (!e.is_regular_file()) continue;
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    WriteFile(e.path(), ReadFile(e.path()) + "x");
    break;
  }
  const auto files = Files();
  auto enc = Ev({"encrypt"}, kPass);
  EXPECT_EQ(enc.exit_code, 1) << enc.err;
  EXPECT_NE(enc.err.find("does not verify"), std::string::npos) << enc.err;
  EXPECT_EQ(Files(), files);
  EXPECT_FALSE(fs::exists(case_dir() / "keys" / "case-key.sealed"));
}

TEST_F(Encrypt, ConversionCutShortBeforeItsCommitPointLeavesThePlaintextCase) {
  const auto files = Files();
  // What a conversion killed while building leaves behind.
  fs::create_directories(case_dir() / "tmp" / "encrypt.staging" / "keys");
  WriteFile(case_dir() / "tmp" / "encrypt.staging" / "keys" / "case-key.sealed", "partial");
  WriteFile(case_dir() / "tmp" / "encrypt.staging" / "ledger.sqlite", "partial");
  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(Files(), files);
  auto enc = Ev({"encrypt"}, kPass);
  EXPECT_EQ(enc.exit_code, 0) << enc.err;
}

// A crash after the commit point, simulated at each step of the roll-forward: the committed
// folder of a conversion (built from a converted copy of the case), with the first `done` steps
// already carried out. Opening the case finishes the conversion every time.
TEST_F(Encrypt, ConversionCutShortAfterItsCommitPointIsFinishedOnOpen) {
  const fs::path plain = tmp().path() / "plain";
  fs::copy(case_dir(), plain, fs::copy_options::recursive);
  ASSERT_EQ(Ev({"encrypt"}, kPass).exit_code, 0);
  const fs::path converted = tmp().path() / "converted";
  fs::copy(case_dir(), converted, fs::copy_options::recursive);

  for (int done = 0; done <= 4; ++done) {
    SCOPED_TRACE("steps done before the crash: " + std::to_string(done));
    fs::remove_all(case_dir());
    fs::copy(plain, case_dir(), fs::copy_options::recursive);
    const fs::path ready = case_dir() / "tmp" / "encrypt.ready";
    fs::create_directories(ready / "keys");
    std::string plaintext_objects;
    for (const auto& e : fs::recursive_directory_iterator(case_dir() / "objects")) {
      if (e.is_regular_file()) {
        plaintext_objects += fs::relative(e.path(), case_dir()).string() + "\n";
      }
    }
    WriteFile(ready / "plaintext-objects", plaintext_objects);
    for (const auto& e : fs::recursive_directory_iterator(converted / "objects")) {
      if (!e.is_regular_file()) continue;
      const fs::path rel = fs::relative(e.path(), converted);
      fs::create_directories((done >= 1 ? case_dir() : ready) / rel.parent_path());
      fs::copy_file(e.path(), (done >= 1 ? case_dir() : ready) / rel);
    }
    for (const char* key : {"case-key.sealed", "test-owner.key"}) {
      fs::copy_file(converted / "keys" / key, (done >= 2 ? case_dir() : ready) / "keys" / key,
                    fs::copy_options::overwrite_existing);
    }
    fs::copy_file(converted / "ledger.sqlite", (done >= 3 ? case_dir() : ready) / "ledger.sqlite",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(converted / "case.json", (done >= 4 ? case_dir() : ready) / "case.json",
                  fs::copy_options::overwrite_existing);

    auto verify = Ev({"verify"}, kPass);
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_FALSE(fs::exists(ready));
    ExpectNoPlaintext(case_dir());
    auto list = Ev({"list"}, kPass);
    EXPECT_NE(list.out.find("EX-0002"), std::string::npos) << list.out << list.err;
  }
}

}  // namespace
}  // namespace evidence::testing
