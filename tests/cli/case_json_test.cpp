// case.json is in the folder an attacker can edit. Its fields become exhibit ids, key file paths
// and the checkpoint origin, so a case whose case.json breaks the rules of docs/case-format.md is
// refused on open: exit 1, one line naming case.json and the field, nothing written.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using json = nlohmann::json;

class CaseJsonTamper : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    auto r = Ev({"add", WriteInput("a.txt", "first message").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void Edit(const std::string& field, const json& value) {
    json j = json::parse(ReadFile(case_dir() / "case.json"));
    j[field] = value;
    WriteFile(case_dir() / "case.json", j.dump(2));
  }

  // Every command refuses the case with one line naming case.json and `field`, and the case
  // (and the folder around it) is left as it was.
  void ExpectRefused(const std::string& field) {
    fs::path input = WriteInput("b.txt", "second message");
    std::string before = Snapshot();
    auto parent_before = Listing(tmp().path());
    for (std::vector<std::string> args :
         {std::vector<std::string>{"verify"},
          {"list"},
          {"key", "show"},
          {"add", input.string()},
          {"extract", "EX-0001", "--to", tmp().path().string()},
          {"export", "--out", (tmp().path() / "bundle.zip").string()}}) {
      auto r = Ev(args);
      EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
      EXPECT_EQ(r.out, "") << args[0];
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args[0] << ": " << r.err;
      EXPECT_NE(r.err.find("case.json: " + field + ":"), std::string::npos) << r.err;
    }
    EXPECT_EQ(Snapshot(), before);
    EXPECT_EQ(Listing(tmp().path()), parent_before);
  }

  static std::vector<std::string> Listing(const fs::path& root) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(root)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(CaseJsonTamper, CaseJsonPrefixWithDotDotIsRefused) {
  Edit("exhibit_prefix", "../x");
  ExpectRefused("exhibit_prefix");
}

TEST_F(CaseJsonTamper, CaseJsonKeyNameEscapingKeysFolderIsRefused) {
  // The attacker's own key, where a key name of "../../stolen" would lead.
  WriteFile(tmp().path() / "stolen.key", ReadFile(case_dir() / "keys" / "test-owner.key"));
  Edit("key_name", "../../stolen");
  ExpectRefused("key_name");
}

TEST_F(CaseJsonTamper, CaseJsonKeyNameWithSpaceOrPlusIsRefused) {
  Edit("key_name", "test owner");
  ExpectRefused("key_name");
  Edit("key_name", "test+owner");
  ExpectRefused("key_name");
}

TEST_F(CaseJsonTamper, CaseJsonKeyNameTooLongIsRefused) {
  Edit("key_name", std::string(65, 'a'));
  ExpectRefused("key_name");
}

TEST_F(CaseJsonTamper, CaseJsonBadUuidIsRefused) {
  std::string uuid = json::parse(ReadFile(case_dir() / "case.json"))["uuid"];
  std::string upper = uuid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Edit("uuid", upper);
  ExpectRefused("uuid");
  Edit("uuid", "../../x");
  ExpectRefused("uuid");
}

TEST_F(CaseJsonTamper, CaseJsonOriginNotOfItsUuidIsRefused) {
  Edit("origin", "evidence.case/00000000-0000-4000-8000-000000000000");
  ExpectRefused("origin");
}

TEST_F(CaseJsonTamper, CaseJsonFieldOfWrongTypeIsRefused) {
  Edit("exhibit_prefix", 5);
  ExpectRefused("exhibit_prefix");
}

TEST_F(CaseJsonTamper, CaseJsonNameNotUtf8IsRefused) {
  std::string text = ReadFile(case_dir() / "case.json");
  auto at = text.find("\"Test case\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, "\"Test \xff case\"");
  WriteFile(case_dir() / "case.json", text);
  auto r = Ev({"list"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("case.json"), std::string::npos) << r.err;
}

TEST_F(CaseJsonTamper, CaseJsonReplacedByFifoFailsQuickly) {
  fs::remove(case_dir() / "case.json");
  ASSERT_EQ(::mkfifo((case_dir() / "case.json").c_str(), 0644), 0);
  auto r = RunProgram({"timeout", "60", EVIDENCE_BIN, "-C", case_dir().string(), "list"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("case.json: not a regular file"), std::string::npos) << r.err;
}

TEST_F(CaseJsonTamper, CaseJsonSymlinkToDevZeroFailsQuickly) {
  fs::remove(case_dir() / "case.json");
  fs::create_symlink("/dev/zero", case_dir() / "case.json");
  auto r = RunProgram({"timeout", "60", EVIDENCE_BIN, "-C", case_dir().string(), "list"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("case.json: not a regular file"), std::string::npos) << r.err;
}

// init derives the key name from the owner; whatever the owner, the case it makes opens.
TEST_F(CliTest, InitKeyNameFromAnyOwnerPassesTheCaseJsonRules) {
  for (const std::string& owner :
       {std::string("J..Doe"), std::string(".hidden"), std::string(200, 'x'),
        std::string("  +++  "), std::string("Zoë O'Brien / Smith")}) {
    fs::remove_all(case_dir());
    auto r = Ev({"init", "--owner", owner, "--no-passphrase"});
    ASSERT_EQ(r.exit_code, 0) << owner << ": " << r.err;
    auto l = Ev({"key", "show"});
    EXPECT_EQ(l.exit_code, 0) << owner << ": " << l.err;
  }
}

TEST_F(CliTest, InitRefusesAnOwnerLongerThanCaseJsonAllows) {
  auto r = Ev({"init", "--owner", std::string(1025, 'x'), "--no-passphrase"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("owner: longer than 1024 bytes"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(case_dir()));
}

}  // namespace
}  // namespace evidence::testing
