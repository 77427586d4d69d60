// `evidence add` of a call log, then `evidence calls`, the report's calls section, and verify
// catching an edited call.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

// 43 calls from one number on 2 March 2026 (UTC), 38 of them missed, then one outgoing call to
// another number the next day and one withheld call.
std::string EveningOfCalls() {
  std::string xml =
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"45\">\n";
  const long long start = 1772470800000;  // 2026-03-02T17:00:00Z
  for (int i = 0; i < 43; ++i) {
    const bool missed = i < 38;
    xml += "  <call number=\"+15550000001\" duration=\"" + std::string(missed ? "0" : "20") +
           "\" date=\"" + std::to_string(start + i * 300000LL) + "\" type=\"" +
           (missed ? "3" : "1") + "\" presentation=\"1\" contact_name=\"Alex\" />\n";
  }
  xml +=
      "  <call number=\"+15550000002\" duration=\"75\" date=\"1772560800000\" type=\"2\" "
      "presentation=\"1\" contact_name=\"(Unknown)\" />\n"
      "  <call number=\"-1\" duration=\"0\" date=\"1772564400000\" type=\"1\" />\n"
      "</calls>\n";
  return xml;
}

TEST_F(CliTest, CallLogIsAddedListedFilteredAndReported) {
  InitCase();
  const fs::path log = WriteInput("calls-20260304.xml", EveningOfCalls());
  auto added = Ev({"--json", "add", log.string()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto out = json::parse(added.out);
  EXPECT_EQ(out[0]["kind"], "calls");
  EXPECT_EQ(out[0]["messages"], 45);
  auto text = Ev({"add", log.string()});  // a duplicate: nothing new
  EXPECT_EQ(text.exit_code, 0) << text.err;

  auto all = Ev({"calls"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("EX-0001#0  2026-03-02T17:00:00.000Z  missed  +15550000001 (Alex)  0 s"),
            std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("outgoing  +15550000002  75 s"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("incoming  (withheld)"), std::string::npos) << all.out;

  auto missed = Ev({"--json", "calls", "--type", "missed"});
  ASSERT_EQ(missed.exit_code, 0) << missed.err;
  auto m = json::parse(missed.out);
  ASSERT_EQ(m.size(), 38u);
  EXPECT_EQ(m[0]["type"], "missed");
  EXPECT_EQ(m[0]["number"], "+15550000001");
  EXPECT_EQ(m[0]["contact"], "Alex");
  EXPECT_EQ(m[0]["duration_s"], 0);
  EXPECT_EQ(m[0]["missed"], true);

  auto by_contact = Ev({"--json", "calls", "--number", "alex", "--since", "2026-03-02T19:00:00Z"});
  ASSERT_EQ(by_contact.exit_code, 0) << by_contact.err;
  EXPECT_EQ(json::parse(by_contact.out).size(), 19u);  // 17:00 + 24 x 5 min = 19:00 onwards
  auto next_day = Ev({"--json", "calls", "--since", "2026-03-03T00:00:00Z"});
  EXPECT_EQ(json::parse(next_day.out).size(), 2u);
  auto bad_type = Ev({"calls", "--type", "angry"});
  EXPECT_EQ(bad_type.exit_code, 2);
  EXPECT_NE(bad_type.err.find("unknown call type"), std::string::npos) << bad_type.err;

  auto md = Ev({"report", "--format", "md"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("43 calls on 2 March 2026 with +15550000001 (Alex), 38 of them missed"),
            std::string::npos)
      << md.out;
  auto js = Ev({"report", "--format", "json"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  auto report = json::parse(js.out);
  EXPECT_EQ(report["summary"]["calls"], 45);
  EXPECT_EQ(report["summary"]["missed_calls"], 38);
  EXPECT_EQ(report["summary"]["messages"], 0);  // calls are not counted as messages
  auto html = Ev({"report"});
  EXPECT_NE(html.out.find("<h2>Calls</h2>"), std::string::npos);

  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(CliTest, AnEditedCallDoesNotVerify) {
  InitCase();
  const fs::path log = WriteInput("calls.xml", EveningOfCalls());
  ASSERT_EQ(Ev({"add", log.string()}).exit_code, 0);
  // Turn a missed call into an answered one, in the stored JSON only.
  Sql("DROP TRIGGER messages_no_update; UPDATE messages SET message = replace(message, "
      "'\"type\":\"missed\"', "
      "'\"type\":\"incoming\"') WHERE idx = 0");
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE((v.out + v.err).find("messages table was edited"), std::string::npos) << v.out << v.err;
}

}  // namespace
}  // namespace evidence::testing
