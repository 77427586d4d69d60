// `evidence add`, `list`, `show`, `log`, `extract`: ingest and custody through the real binary.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/hash.hpp"

namespace evidence::testing {
namespace {

using Add = CliTest;
using nlohmann::json;

std::string Sha256Hex(const std::string& s) { return DigestHex(Sha256::Of(std::string_view(s))); }

TEST_F(Add, IngestsStoresAndRecords) {
  InitCase();
  std::string content = "Why are you ignoring me?\n";
  auto r = Ev({"add", "--note", "first text", WriteInput("message.txt", content).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("EX-0001"), std::string::npos);
  EXPECT_NE(r.out.find(Sha256Hex(content)), std::string::npos);

  // The original is kept byte for byte under its SHA-256, read-only.
  std::string hex = Sha256Hex(content);
  fs::path object = case_dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  ASSERT_TRUE(fs::exists(object));
  EXPECT_EQ(ReadFile(object), content);
  EXPECT_EQ(fs::status(object).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

  auto list = Ev({"--json", "list"});
  ASSERT_EQ(list.exit_code, 0);
  json items = json::parse(list.out);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["exhibit"], "EX-0001");
  EXPECT_EQ(items[0]["sha256"], hex);
  EXPECT_EQ(items[0]["size"], content.size());
  EXPECT_EQ(items[0]["name"], "message.txt");
  EXPECT_EQ(items[0]["note"], "first text");

  auto show = Ev({"--json", "show", "EX-0001"});
  ASSERT_EQ(show.exit_code, 0);
  json item = json::parse(show.out);
  ASSERT_FALSE(item["history"].empty());
  EXPECT_EQ(item["history"][0]["action"], "item.ingested");
  EXPECT_EQ(item["history"][0]["data"]["sha256"], hex);

  auto log = Ev({"--json", "log", "--action", "item.ingested"});
  json entries = json::parse(log.out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["data"]["item"], "EX-0001");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Add, DuplicateSaysWhichExhibitAndAddsNothing) {
  InitCase();
  auto first = WriteInput("a.txt", "same bytes");
  ASSERT_EQ(Ev({"add", first.string()}).exit_code, 0);
  std::string before = Snapshot();
  auto r = Ev({"add", WriteInput("copy-of-a.txt", "same bytes").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already in the case as EX-0001"), std::string::npos) << r.out;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Add, MissingFileIsRefusedAndCaseUnchanged) {
  InitCase();
  auto good = WriteInput("good.txt", "good");
  std::string before = Snapshot();
  auto r = Ev({"add", good.string(), (tmp().path() / "nope.jpg").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.jpg: no such file"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  // Checked before anything is ingested: not even the good file went in.
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Add, FolderWithoutRecursiveIsRefused) {
  InitCase();
  WriteInput("dir/a.txt", "a");
  std::string before = Snapshot();
  auto r = Ev({"add", (tmp().path() / "input" / "dir").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a folder (use -r"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Add, RecursiveAddsEveryFileInOrder) {
  InitCase();
  WriteInput("dir/b.txt", "b");
  WriteInput("dir/a.txt", "a");
  WriteInput("dir/sub/c.txt", "c");
  auto r = Ev({"--json", "add", "-r", (tmp().path() / "input" / "dir").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[0]["path"].get<std::string>().find("a.txt"), std::string::npos);
  EXPECT_EQ(out[0]["exhibit"], "EX-0001");
  EXPECT_EQ(out[2]["exhibit"], "EX-0003");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Add, UnreadableFileIsRefusedAndCaseUnchanged) {
  InitCase();
  auto secret = WriteInput("locked.txt", "cannot read me");
  fs::permissions(secret, fs::perms::none);
  std::vector<std::string> args = {EVIDENCE_BIN, "-C", case_dir().string(), "add", secret.string()};
  auto env = CliEnvironment();
  if (geteuid() == 0) {
    // Root reads everything; run the command as an unprivileged user who owns the case, from a
    // copy of the CLI that user can load wherever the build tree sits.
    auto cli = CopyCliForOtherUsers(tmp().path() / "bin");
    args[0] = cli.binary.string();
    env["LD_LIBRARY_PATH"] = cli.lib_dir.string();
    fs::permissions(tmp().path(),
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::permissions(tmp().path() / "input",
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    ASSERT_EQ(RunProgram({"chown", "-R", "65534:65534", case_dir().string()}).exit_code, 0);
    args.insert(args.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  std::string before = Snapshot();
  auto r = RunProgramIn(args, env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("locked.txt: cannot read"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Add, NonUtf8FileNameKeepsItsBytes) {
  InitCase();
  std::string name = "photo-\xff\xfe.txt";
  auto path = WriteInput(name, "bytes of a file with a Latin-1 name");
  auto r = Ev({"add", path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json items = json::parse(Ev({"--json", "list"}).out);
  EXPECT_EQ(items[0]["name_hex"], HexEncode(AsBytes(name)));
  EXPECT_EQ(items[0]["name"], "photo-\xEF\xBF\xBD\xEF\xBF\xBD.txt");
  fs::create_directories(tmp().path() / "out");
  auto x = Ev({"extract", "EX-0001", "--to", (tmp().path() / "out").string()});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_TRUE(fs::exists(tmp().path() / "out" / name));
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Add, ExtractChecksRecordsAndNeverOverwrites) {
  InitCase();
  ASSERT_EQ(Ev({"add", WriteInput("voicemail.txt", "voicemail").string()}).exit_code, 0);
  fs::path out = tmp().path() / "out";
  fs::create_directories(out);
  auto x = Ev({"extract", "EX-0001", "--to", out.string()});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(ReadFile(out / "voicemail.txt"), "voicemail");
  auto accessed = json::parse(Ev({"--json", "log", "--action", "item.accessed"}).out);
  ASSERT_EQ(accessed.size(), 1u);
  EXPECT_EQ(accessed[0]["data"]["item"], "EX-0001");

  std::string before = Snapshot();
  auto again = Ev({"extract", "EX-0001", "--to", out.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("use --force"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Ev({"extract", "EX-0001", "--to", out.string(), "--force"}).exit_code, 0);

  auto missing = Ev({"extract", "EX-0099", "--to", out.string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no item EX-0099"), std::string::npos);
}

TEST_F(Add, ExtractRefusesAnAlteredOriginal) {
  InitCase();
  std::string content = "original";
  ASSERT_EQ(Ev({"add", WriteInput("o.txt", content).string()}).exit_code, 0);
  std::string hex = Sha256Hex(content);
  fs::path object = case_dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(object, "altered!");
  fs::path out = tmp().path() / "out";
  fs::create_directories(out);
  auto x = Ev({"extract", "EX-0001", "--to", out.string()});
  EXPECT_EQ(x.exit_code, 1) << x.err;
  EXPECT_NE(x.err.find("no longer matches"), std::string::npos) << x.err;
  EXPECT_FALSE(fs::exists(out / "o.txt"));
  EXPECT_TRUE(fs::is_empty(out));
}

TEST_F(Add, ShowUnknownItemIsAUsageError) {
  InitCase();
  auto r = Ev({"show", "EX-0042"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no item EX-0042"), std::string::npos);
}

TEST_F(Add, LogFiltersByItemAndTime) {
  InitCase();
  ASSERT_EQ(Ev({"add", WriteInput("a.txt", "a").string()}).exit_code, 0);
  ASSERT_EQ(Ev({"add", WriteInput("b.txt", "b").string()}).exit_code, 0);
  auto only_b = json::parse(Ev({"--json", "log", "--item", "EX-0002"}).out);
  ASSERT_FALSE(only_b.empty());
  for (const auto& e : only_b) EXPECT_EQ(e["data"]["item"], "EX-0002");
  auto none = json::parse(Ev({"--json", "log", "--until", "2000-01-01"}).out);
  EXPECT_TRUE(none.empty());
  auto all = json::parse(Ev({"--json", "log", "--since", "2000-01-01"}).out);
  EXPECT_GE(all.size(), 4u);
  auto bad = Ev({"log", "--since", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--since"), std::string::npos);
}

TEST_F(Add, CheckpointIsSignedAfterEveryAppendingCommand) {
  InitCase();
  auto cp1 = Ev({"--json", "checkpoint"});
  ASSERT_EQ(Ev({"add", WriteInput("a.txt", "a").string()}).exit_code, 0);
  auto cp2 = Ev({"--json", "checkpoint"});
  json j1 = json::parse(cp1.out), j2 = json::parse(cp2.out);
  EXPECT_GT(j2["size"].get<int>(), j1["size"].get<int>());
  auto entries = json::parse(Ev({"--json", "log"}).out);
  EXPECT_EQ(j2["size"].get<size_t>(), entries.size());
}

}  // namespace
}  // namespace evidence::testing
