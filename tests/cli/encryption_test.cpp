// A case made with a passphrase keeps its content encrypted at rest (docs/case-format.md,
// "Encryption at rest"): nothing in its folder reads as the evidence, every command works once the
// passphrase unlocks it, and damage to the ciphertext is found and named by `verify`.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/hash.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kPassphrase = "correct horse battery staple";

// The strings the grep test plants, each in a different place a victim's evidence goes.
struct Planted {
  std::string file_name = "Threats-from-QZXW-flat.txt";
  std::string file_text = "PLAINTEXT-BYTES-7KQ2 he said he would come to the flat tonight\n";
  std::string note = "NOTE-MARKER-LP3M found on the doorstep";
  std::string incident = "INCIDENT-MARKER-RT8V he followed me to work";
  std::string sender = "Sender JKVQ Marsh";
  std::string whatsapp_line = "WHATSAPP-LINE-VB2X";
  std::string make = "MAKE-MARKER-CAMERA-H5";
};

class Encryption : public CliTest {
 protected:
  RunResult Enc(std::vector<std::string> args) {
    return Ev(std::move(args), {{"EVIDENCE_PASSPHRASE", kPassphrase}});
  }

  void InitEncrypted() {
    auto r = Enc({"init", "--name", "Test case", "--owner", "Test Owner"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Ingests one file of each kind the grep test looks for, with the planted strings, and records
  // an incident. Returns the files ingested.
  std::vector<fs::path> IngestPlanted(bool encrypted, const Planted& p) {
    auto run = [&](std::vector<std::string> args) {
      return encrypted ? Enc(std::move(args)) : Ev(std::move(args));
    };
    fs::path text = WriteInput(p.file_name, p.file_text);
    fs::path photo = tmp().path() / "input" / "gift.jpg";
    JpegOptions jpeg;
    jpeg.make = p.make;
    WriteJpegWithExif(photo, jpeg);
    fs::path chat = tmp().path() / "input" / "WhatsApp Chat with him.txt";
    WriteText(chat, "27/02/2026, 21:14 - " + p.sender + ": " + p.whatsapp_line +
                        " I know where you are\n28/02/2026, 07:02 - " + p.sender + ": answer me\n");
    fs::path voicemail = tmp().path() / "input" / "voicemail.wav";
    WriteWav(voicemail, 0.5);
    for (const auto& f : {text, photo, chat, voicemail}) {
      auto r = run({"add", "--note", p.note, f.string()});
      EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.err;
    }
    auto inc = run({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "following",
                    "--what", p.incident, "--item", "EX-0001"});
    EXPECT_EQ(inc.exit_code, 0) << inc.err;
    return {text, photo, chat, voicemail};
  }

  // Every file under the case folder, including the ledger's -wal and -shm and tmp/.
  std::string FolderBytes() {
    std::string all;
    for (auto& e : fs::recursive_directory_iterator(case_dir())) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
      all.push_back('\0');
    }
    return all;
  }

  // What of the planted strings, the files' SHA-256 (hex and raw) and the files' 32-byte windows
  // the case folder gives away.
  std::vector<std::string> Leaks(const Planted& p, const std::vector<fs::path>& files) {
    const std::string folder = FolderBytes();
    std::vector<std::string> leaks;
    for (const std::string& s : {p.file_name, p.file_text.substr(0, 20), p.note, p.incident,
                                 p.sender, p.whatsapp_line, p.make}) {
      if (folder.find(s) != std::string::npos) leaks.push_back("string \"" + s + "\"");
    }
    std::unordered_set<std::string_view> windows;
    for (std::size_t i = 0; i + 32 <= folder.size(); ++i) {
      windows.insert(std::string_view(folder).substr(i, 32));
    }
    for (const auto& f : files) {
      const std::string bytes = ReadFile(f);
      const Sha256Digest digest = Sha256::Of(bytes);
      const std::string raw(digest.begin(), digest.end());
      if (folder.find(DigestHex(digest)) != std::string::npos ||
          folder.find(raw) != std::string::npos) {
        leaks.push_back(f.filename().string() + ": its SHA-256");
      }
      for (std::size_t i = 0; i + 32 <= bytes.size(); ++i) {
        if (windows.count(std::string_view(bytes).substr(i, 32))) {
          leaks.push_back(f.filename().string() + ": the 32 bytes at offset " + std::to_string(i));
          break;
        }
      }
    }
    return leaks;
  }
};

TEST_F(Encryption, GrepFindsNothingOfTheEvidenceInAnEncryptedCase) {
  InitEncrypted();
  Planted p;
  auto files = IngestPlanted(true, p);
  // A command that reads everything, so that whatever it might leave behind is there too.
  ASSERT_EQ(Enc({"verify"}).exit_code, 0);
  ASSERT_EQ(Enc({"messages"}).exit_code, 0);
  const auto leaks = Leaks(p, files);
  EXPECT_TRUE(leaks.empty()) << ::testing::PrintToString(leaks);
}

// The same test on a --no-passphrase case finds every planted thing: the search can fail.
TEST_F(Encryption, GrepFindsTheEvidenceInAPlaintextCase) {
  InitCase();
  Planted p;
  auto files = IngestPlanted(false, p);
  const auto leaks = Leaks(p, files);
  for (const std::string& s :
       {p.file_name, p.note, p.incident, p.sender, p.whatsapp_line, p.make}) {
    EXPECT_NE(std::find(leaks.begin(), leaks.end(), "string \"" + s + "\""), leaks.end()) << s;
  }
  for (const auto& f : files) {
    EXPECT_NE(std::find(leaks.begin(), leaks.end(), f.filename().string() + ": its SHA-256"),
              leaks.end())
        << f;
  }
}

TEST_F(Encryption, EveryCommandWorksOnceUnlocked) {
  InitEncrypted();
  Planted p;
  IngestPlanted(true, p);
  auto list = Enc({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(p.file_name), std::string::npos) << list.out;
  auto show = Enc({"show", "EX-0002"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find(p.make), std::string::npos) << show.out;
  auto messages = Enc({"messages", "--from", "JKVQ"});
  ASSERT_EQ(messages.exit_code, 0) << messages.err;
  EXPECT_NE(messages.out.find(p.whatsapp_line), std::string::npos) << messages.out;
  auto log = Enc({"log"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  auto report = Enc({"report"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(p.incident), std::string::npos) << report.out;
  const fs::path out = tmp().path() / "out";
  fs::create_directories(out);
  auto extract = Enc({"extract", "EX-0001", "--to", out.string()});
  ASSERT_EQ(extract.exit_code, 0) << extract.err;
  EXPECT_EQ(ReadFile(out / p.file_name), p.file_text);
  auto prove = Enc({"prove", "EX-0001"});
  ASSERT_EQ(prove.exit_code, 0) << prove.err;
  const fs::path bundle = tmp().path() / "bundle.zip";
  auto e = Enc({"export", "--out", bundle.string(), "--recipient", "PC Smith"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto vb = RunEvidence({"verify-bundle", bundle.string()});
  EXPECT_EQ(vb.exit_code, 0) << vb.out << vb.err;
  auto rotate = Enc({"key", "rotate"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  auto verify = Enc({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.err.find("not encrypted"), std::string::npos) << verify.err;
}

// A received bundle's custody records name and describe the evidence: the receiving case keeps
// them encrypted, and hands them on decrypted in its own bundle.
TEST_F(Encryption, ReceivedCustodyRecordsAreKeptEncryptedAndHandedOn) {
  InitCase();
  Planted p;
  IngestPlanted(false, p);
  const fs::path bundle = tmp().path() / "from-victim.zip";
  ASSERT_EQ(Ev({"export", "--out", bundle.string(), "--recipient", "PC Smith"}).exit_code, 0);
  const fs::path officer = tmp().path() / "officer";
  const std::map<std::string, std::string> env = {{"EVIDENCE_PASSPHRASE", kPassphrase}};
  ASSERT_EQ(RunEvidence({"-C", officer.string(), "init", "--owner", "PC Smith"}, env).exit_code, 0);
  auto r = RunEvidence({"-C", officer.string(), "receive", bundle.string()}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(officer / "custody"));
  for (auto& e : fs::recursive_directory_iterator(officer)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = ReadFile(e.path());
    for (const std::string& s : {p.file_name, p.note, p.incident, p.make}) {
      EXPECT_EQ(bytes.find(s), std::string::npos) << s << " in " << e.path();
    }
  }
  const fs::path onward = tmp().path() / "onward.zip";
  auto x = RunEvidence(
      {"-C", officer.string(), "export", "--out", onward.string(), "--recipient", "CPS"}, env);
  ASSERT_EQ(x.exit_code, 0) << x.err;
  auto v = RunEvidence({"verify-bundle", onward.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(RunEvidence({"-C", officer.string(), "verify"}, env).exit_code, 0);
}

TEST_F(Encryption, AWrongPassphraseSaysSoAndChangesNothing) {
  InitEncrypted();
  ASSERT_EQ(Enc({"add", WriteInput("a.txt", "first").string()}).exit_code, 0);
  const std::string before = Snapshot();
  auto r = Ev({"add", WriteInput("b.txt", "second").string()},
              {{"EVIDENCE_PASSPHRASE", "not the passphrase"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  auto list = Ev({"list"}, {{"EVIDENCE_PASSPHRASE", "not the passphrase"}});
  EXPECT_EQ(list.exit_code, 2) << list.err;
  EXPECT_EQ(list.out, "");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Encryption, VerifySaysItNeedsThePassphrase) {
  InitEncrypted();
  auto r = Ev({"verify"}, {{"EVIDENCE_PASSPHRASE", ""}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
}

TEST_F(Encryption, APlaintextCaseSaysSoOnEveryCommand) {
  InitCase();
  auto list = Ev({"list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.err.find("this case is not encrypted at rest"), std::string::npos) << list.err;
  auto verify = Ev({"verify"});
  EXPECT_NE(verify.err.find("this case is not encrypted at rest"), std::string::npos);
}

// ---- tampering: each named by `verify`, exit 1 ----

class EncryptedTamper : public Encryption {
 protected:
  void SetUp() override {
    InitEncrypted();
    ASSERT_EQ(Enc({"add", WriteInput("a.txt", std::string(70000, 'a')).string()}).exit_code, 0);
    ASSERT_EQ(Enc({"add", WriteInput("b.txt", std::string(70000, 'b')).string()}).exit_code, 0);
  }
  // The object files, in no particular order.
  std::vector<fs::path> Objects() {
    std::vector<fs::path> out;
    for (auto& e : fs::recursive_directory_iterator(case_dir() / "objects")) {
      if (e.is_regular_file()) out.push_back(e.path());
    }
    return out;
  }
  void Writable(const fs::path& p) { ::chmod(p.c_str(), 0644); }
  RunResult Verify() { return Enc({"verify"}); }
};

TEST_F(EncryptedTamper, AFlippedCiphertextByteIsNamed) {
  fs::path obj = Objects().front();
  Writable(obj);
  std::string bytes = ReadFile(obj);
  bytes[100] ^= 0x01;
  WriteText(obj, bytes);
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("chunk 0 failed authentication"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("EX-000"), std::string::npos) << v.out;
}

TEST_F(EncryptedTamper, ATruncatedObjectIsNamed) {
  fs::path obj = Objects().front();
  Writable(obj);
  std::string bytes = ReadFile(obj);
  WriteText(obj, bytes.substr(0, bytes.size() - 100));
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("(truncated)"), std::string::npos) << v.out;
}

TEST_F(EncryptedTamper, TwoSwappedObjectsAreNamed) {
  auto objs = Objects();
  ASSERT_EQ(objs.size(), 2u);
  for (auto& o : objs) Writable(o);
  const std::string a = ReadFile(objs[0]);
  const std::string b = ReadFile(objs[1]);
  WriteText(objs[0], b);
  WriteText(objs[1], a);
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("EX-0001"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("EX-0002"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("holds the bytes of"), std::string::npos) << v.out;
}

TEST_F(EncryptedTamper, AnEntryCiphertextReplacedByAnotherEntrysIsNamed) {
  DropTriggers();
  // Entry 2 is the first item.ingested; entry 1 is key.added. Same table, another seq.
  Sql("UPDATE entries SET entry = (SELECT entry FROM entries WHERE seq = 1) WHERE seq = 2;");
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("entry 2: does not decrypt with the case key"), std::string::npos) << v.out;
  // Every other command refuses to show anything from it.
  auto list = Enc({"list"});
  EXPECT_EQ(list.exit_code, 1) << list.out << list.err;
  EXPECT_NE(list.err.find("entry 2"), std::string::npos) << list.err;
}

TEST_F(EncryptedTamper, AnItemsColumnMovedToAnotherRowIsNamed) {
  DropTriggers();
  Sql("UPDATE items SET name = (SELECT name FROM items WHERE exhibit = 'EX-0002') "
      "WHERE exhibit = 'EX-0001';");
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("EX-0001: the items table's name"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace evidence::testing
