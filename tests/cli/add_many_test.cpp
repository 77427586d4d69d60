// `evidence add` of many files in one command: staged in parallel, recorded in batches, and still
// numbered exactly in the order the user gave them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

class AddMany : public CliTest {};

TEST_F(AddMany, FiveHundredFilesAreNumberedInArgumentOrder) {
  InitCase();
  // Argument order differs from name order and from size order, so neither can stand in for it.
  std::vector<std::string> args = {"add"};
  std::vector<std::string> names;
  for (int i = 0; i < 500; ++i) {
    int k = (i * 337) % 500;
    std::string name = "note-" + std::to_string(k) + ".txt";
    std::string content = "note " + std::to_string(k) + "\n" + std::string((k * 53) % 3000, 'x');
    args.push_back(WriteInput(name, content).string());
    names.push_back(name);
  }
  // One duplicate at the end names the exhibit it already is.
  args.push_back(WriteInput("copy.txt", ReadFile(args[10])).string());
  auto r = Ev(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("copy.txt: already in the case as EX-0010"), std::string::npos) << r.out;

  auto list = Ev({"--json", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto items = nlohmann::json::parse(list.out);
  ASSERT_EQ(items.size(), 500u);
  for (std::size_t i = 0; i < items.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "EX-%04zu", i + 1);
    EXPECT_EQ(items[i]["exhibit"], id);
    EXPECT_EQ(items[i]["name"], names[i]) << id;
    EXPECT_EQ(items[i]["media_type"], "text/plain") << id;
  }
  auto verify = Ev({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(AddMany, UnreadableFileInTheMiddleStopsThereAndNamesIt) {
  InitCase();
  std::vector<std::string> args = {"add"};
  for (int i = 0; i < 40; ++i) {
    args.push_back(
        WriteInput("f" + std::to_string(i) + ".txt", "file " + std::to_string(i)).string());
  }
  // Checked before anything is ingested: a missing file leaves the case as it was.
  args.insert(args.begin() + 21, (tmp().path() / "input" / "gone.txt").string());
  std::string before = Snapshot();
  auto r = Ev(args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("gone.txt"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace evidence::testing
