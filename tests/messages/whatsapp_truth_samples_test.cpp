// Every WhatsApp entry of $EVIDENCE_SAMPLES/messages/truth.json: a message count inside its
// min..max, and the first and last dates of the messages (by date, not by file order: some
// samples are out of order). The expected values were computed independently of this project;
// "date_order" there is what the file's locale was, given to the parser only as the option the
// user would pass when the file itself cannot prove it. Skipped when the samples are absent.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/messages.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

DateOrder OrderOf(const nlohmann::json& truth) {
  const auto it = truth.find("date_order");
  if (it == truth.end() || !it->is_string()) return DateOrder::kUnknown;
  if (*it == "DMY") return DateOrder::kDayFirst;
  if (*it == "MDY") return DateOrder::kMonthFirst;
  return DateOrder::kUnknown;
}

TEST(WhatsAppTruthSamples, EveryEntryGivesItsCountAndDates) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const nlohmann::json truth =
      nlohmann::json::parse(testing::ReadFile(*dir / "messages" / "truth.json"));
  int checked = 0;
  for (const auto& [name, want] : truth.items()) {
    if (name.rfind("whatsapp/", 0) != 0) continue;
    SCOPED_TRACE(name);
    ++checked;
    const auto path = *dir / "messages" / name;
    auto format = DetectExportFormat(path, path.filename().string());
    ASSERT_TRUE(format.ok()) << format.status().ToString();
    ParseOptions options;
    options.date_order = OrderOf(want);
    uint64_t count = 0;
    std::string first = "9999-99-99";
    std::string last;
    std::set<std::string> senders;
    auto summary = ParseExport(path, path.filename().string(), options, [&](Message&& m) {
      ++count;
      if (m.time) {
        const std::string date = m.time->substr(0, 10);
        first = std::min(first, date);
        last = std::max(last, date);
      }
      if (!m.system && !m.sender.empty()) senders.insert(m.sender);
      return Status::Ok();
    });
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->message_count, count);
    EXPECT_GE(count, want.at("min").get<uint64_t>());
    EXPECT_LE(count, want.at("max").get<uint64_t>());
    EXPECT_EQ(first, want.at("first_date").get<std::string>());
    EXPECT_EQ(last, want.at("last_date").get<std::string>());
    if (want.contains("senders")) {
      EXPECT_EQ(senders.size(), want.at("senders").get<size_t>());
    }
  }
  EXPECT_GT(checked, 0) << "truth.json has no whatsapp/ entry";
}

}  // namespace
}  // namespace evidence
