// The incident diary through the real binary: incident add/list/show/amend and link.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/incident.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

class Diary : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    auto r = Ev({"add", WriteInput("doorstep.txt", "flowers again").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The diary reads local times in the user's zone; these tests live in London.
  RunResult AddIncident(std::vector<std::string> extra) {
    std::vector<std::string> args = {"incident", "add"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Ev(args, {{"TZ", "Europe/London"}});
  }
  RunResult Amend(std::vector<std::string> extra) {
    std::vector<std::string> args = {"incident", "amend"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Ev(args, {{"TZ", "Europe/London"}});
  }
  // Every error case must leave the ledger exactly as it was.
  void ExpectRefused(std::vector<std::string> extra, const std::string& message) {
    std::string before = Snapshot();
    auto r = AddIncident(extra);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(Snapshot(), before);
  }
};

TEST_F(Diary, RecordsAnIncidentWithLocalOffsetAndLinks) {
  auto r = AddIncident({"--at", "2026-03-14 18:20", "--behaviour", "gift,visit-home", "--what",
                        "Flowers left on the doorstep", "--where", "home", "--witness", "Sam",
                        "--witness", "Ana", "--item", "EX-0001"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "INC-0001\n");
  auto inc = json::parse(Ev({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["at"], "2026-03-14T18:20:00+00:00");  // GMT in March in London
  EXPECT_EQ(inc["behaviours"], json({"gift", "visit-home"}));
  EXPECT_EQ(inc["witnesses"], json({"Sam", "Ana"}));
  EXPECT_EQ(inc["items"], json({"EX-0001"}));
  auto summer =
      AddIncident({"--at", "2026-07-01 09:00", "--behaviour", "following", "--what", "x"});
  ASSERT_EQ(summer.exit_code, 0) << summer.err;
  EXPECT_EQ(json::parse(Ev({"--json", "incident", "show", "INC-0002"}).out)["at"],
            "2026-07-01T09:00:00+01:00");
  auto explicit_offset =
      AddIncident({"--at", "2026-03-15T08:00-05:00", "--behaviour", "email", "--what", "y"});
  ASSERT_EQ(explicit_offset.exit_code, 0);
  EXPECT_EQ(json::parse(Ev({"--json", "incident", "show", "INC-0003"}).out)["at"],
            "2026-03-15T08:00:00-05:00");
  // The diary lists in the order things happened.
  auto list = json::parse(Ev({"--json", "incident", "list"}).out);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["id"], "INC-0001");
  EXPECT_EQ(list[1]["id"], "INC-0003");
  EXPECT_EQ(list[2]["id"], "INC-0002");
  auto log = json::parse(Ev({"--json", "log", "--incident", "INC-0001"}).out);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["action"], "incident.recorded");
  EXPECT_EQ(log[1]["action"], "item.linked");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Diary, FutureIncidentIsRefused) {
  ExpectRefused({"--at", "2099-01-01 10:00", "--behaviour", "gift", "--what", "x"},
                "in the future");
}

TEST_F(Diary, UntilBeforeAtIsRefused) {
  ExpectRefused({"--at", "2026-03-14 18:20", "--until", "2026-03-14 18:00", "--behaviour", "gift",
                 "--what", "x"},
                "--until: the incident's end");
}

TEST_F(Diary, UnknownBehaviourIsRefused) {
  ExpectRefused({"--at", "2026-03-14 18:20", "--behaviour", "gift,stalking", "--what", "x"},
                "unknown behaviour \"stalking\"");
}

TEST_F(Diary, UnknownItemIsRefused) {
  ExpectRefused(
      {"--at", "2026-03-14 18:20", "--behaviour", "gift", "--what", "x", "--item", "EX-0077"},
      "no item EX-0077");
}

TEST_F(Diary, UnreadableTimeIsRefused) {
  ExpectRefused({"--at", "last tuesday", "--behaviour", "gift", "--what", "x"}, "--at");
}

TEST_F(Diary, EmptyAccountIsRefused) {
  ExpectRefused({"--at", "2026-03-14 18:20", "--behaviour", "gift", "--what", "  "},
                "must not be empty");
}

TEST_F(Diary, MissingRequiredOptionIsAUsageError) {
  auto r = AddIncident({"--at", "2026-03-14 18:20", "--what", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--behaviour"), std::string::npos) << r.err;
}

TEST_F(Diary, AmendmentKeepsTheOriginalAndShowsBothInOrder) {
  ASSERT_EQ(AddIncident({"--at", "2026-03-14 18:20", "--behaviour", "following", "--what",
                         "He followed me from the station"})
                .exit_code,
            0);
  auto a =
      Ev({"incident", "amend", "INC-0001", "--what", "He followed me from the station to my door",
          "--witness", "Sam", "--reason", "remembered more the next day"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = Ev({"incident", "amend", "INC-0001", "--behaviour", "following,watching"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto inc = json::parse(Ev({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["what"], "He followed me from the station to my door");
  EXPECT_EQ(inc["behaviours"], json({"following", "watching"}));
  ASSERT_EQ(inc["versions"].size(), 3u);
  EXPECT_EQ(inc["versions"][0]["action"], "incident.recorded");
  EXPECT_EQ(inc["versions"][0]["what"], "He followed me from the station");
  EXPECT_EQ(inc["versions"][1]["reason"], "remembered more the next day");
  EXPECT_EQ(inc["versions"][1]["witnesses"], json({"Sam"}));
  EXPECT_EQ(inc["versions"][2]["behaviours"], json({"following", "watching"}));
  auto text = Ev({"incident", "show", "INC-0001"});
  auto first = text.out.find("He followed me from the station\n");
  auto second = text.out.find("He followed me from the station to my door", first);
  EXPECT_NE(first, std::string::npos) << text.out;
  EXPECT_NE(second, std::string::npos) << text.out;
  // The original entry is still in the ledger, byte for byte.
  auto recorded = json::parse(Ev({"--json", "log", "--action", "incident.recorded"}).out);
  EXPECT_EQ(recorded[0]["data"]["what"], "He followed me from the station");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(Diary, AmendErrorsRecordNothing) {
  ASSERT_EQ(AddIncident({"--at", "2026-03-14 18:20", "--behaviour", "following", "--what", "x"})
                .exit_code,
            0);
  std::string before = Snapshot();
  auto none = Ev({"incident", "amend", "INC-0001"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("nothing to change"), std::string::npos);
  auto unknown = Ev({"incident", "amend", "INC-0009", "--what", "y"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no incident INC-0009"), std::string::npos);
  // 17:00 in London is before the incident's 18:20 in London, whatever zone the test runs in.
  auto order = Amend({"INC-0001", "--until", "2026-03-14 17:00"});
  EXPECT_EQ(order.exit_code, 2) << order.err;
  EXPECT_NE(order.err.find("is before"), std::string::npos) << order.err;
  auto future = Amend({"INC-0001", "--at", "2099-03-14 17:00"});
  EXPECT_EQ(future.exit_code, 2);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Diary, LinkAndAddWithIncident) {
  ASSERT_EQ(
      AddIncident({"--at", "2026-03-14 18:20", "--behaviour", "gift", "--what", "x"}).exit_code, 0);
  auto add = Ev({"add", "--incident", "INC-0001", WriteInput("photo.txt", "photo").string(),
                 WriteInput("again.txt", "flowers again").string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("already in the case as EX-0001; linking it to INC-0001"),
            std::string::npos)
      << add.out;
  auto inc = json::parse(Ev({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["items"], json({"EX-0002", "EX-0001"}));

  std::string before = Snapshot();
  auto bad = Ev({"link", "INC-0001", "EX-0001", "EX-0042"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no item EX-0042"), std::string::npos);
  auto bad_inc = Ev({"link", "INC-0042", "EX-0001"});
  EXPECT_EQ(bad_inc.exit_code, 2);
  auto unknown_add = Ev({"add", "--incident", "INC-0042", WriteInput("z.txt", "z").string()});
  EXPECT_EQ(unknown_add.exit_code, 2);
  EXPECT_EQ(Snapshot(), before);
  // Linking again is harmless and records nothing new.
  EXPECT_EQ(Ev({"link", "INC-0001", "EX-0001"}).exit_code, 0);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

// `incident behaviours` gives each word with what it is for, in the library's words (the app's
// form shows the same), and needs no case.
TEST_F(CliTest, IncidentBehavioursSaysWhatEachWordIsFor) {
  auto text = Ev({"incident", "behaviours"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = text.out.find('\n', at)) != std::string::npos; ++at) lines++;
  EXPECT_EQ(lines, std::size(kBehaviours)) << text.out;
  // Descriptions line up after the longest word, complaints-to-authorities (25 letters).
  const std::string gift =
      "\ngift" + std::string(25 - 4 + 2, ' ') + "an unwanted gift or item left or sent\n";
  EXPECT_NE(text.out.find(gift), std::string::npos) << text.out;
  auto j = Ev({"--json", "incident", "behaviours"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto list = json::parse(j.out);
  ASSERT_EQ(list.size(), std::size(kBehaviours));
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i]["behaviour"], std::string(kBehaviours[i]));
    EXPECT_EQ(list[i]["description"], std::string(BehaviourDescription(kBehaviours[i])));
    EXPECT_FALSE(list[i]["description"].get<std::string>().empty()) << kBehaviours[i];
  }
}

}  // namespace
}  // namespace evidence::testing
