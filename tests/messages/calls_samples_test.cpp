// Real call logs and Google Voice pages ($EVIDENCE_SAMPLES/messages/{calls,googlevoice}), checked
// against every value truth.json gives for them: the count within min..max, the first and last
// dates (as written, and in UTC where given), the calls of each type, durations, numbers,
// senders and participants. Skipped when the samples are absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "evidence/time.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::Parsed;

Parsed ParseCallsSample(const std::filesystem::path& path) {
  return testing::DetectAndCollect(path, path.filename().string());
}

std::string UtcDate(const std::string& time) {
  auto t = ParseUserTime(time);
  return t.ok() ? FormatUtc(t->unix_ms).substr(0, 10) : "(bad time " + time + ")";
}

// Checks one truth.json entry.
void CheckEntry(const std::filesystem::path& dir, const std::string& name,
                const nlohmann::json& truth) {
  SCOPED_TRACE(name);
  const Parsed run = ParseCallsSample(dir / "messages" / name);
  ASSERT_TRUE(run.format.ok()) << run.format.status().ToString();
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  const std::string kind = truth.value("kind", "");
  if (name.rfind("calls/", 0) == 0) {
    EXPECT_TRUE(*run.format == ExportFormat::kCallLogXml ||
                *run.format == ExportFormat::kSuperBackupCalls);
  } else if (kind == "text") {
    EXPECT_EQ(*run.format, ExportFormat::kGoogleVoiceText);
  } else {
    EXPECT_EQ(*run.format, ExportFormat::kGoogleVoiceCall);
  }
  const uint64_t n = run.messages.size();
  EXPECT_EQ(run.summary->message_count, n);
  EXPECT_GE(n, truth.at("min").get<uint64_t>());
  EXPECT_LE(n, truth.at("max").get<uint64_t>());
  if (truth.contains("declared_count")) {
    EXPECT_EQ(run.summary->fields.value("declared_count", uint64_t{0}),
              truth["declared_count"].get<uint64_t>());
  }

  std::vector<std::string> times;
  for (const Message& m : run.messages) {
    ASSERT_TRUE(m.time.has_value()) << "message " << m.index << " has no time";
    times.push_back(*m.time);
  }
  if (times.empty()) return;
  // Dates as written: the earliest and latest by instant (a call log lists newest first).
  auto by_instant = [](const std::string& a, const std::string& b) {
    auto ta = ParseUserTime(a), tb = ParseUserTime(b);
    return ta.ok() && tb.ok() ? ta->unix_ms < tb->unix_ms : a < b;
  };
  const std::string first = *std::min_element(times.begin(), times.end(), by_instant);
  const std::string last = *std::max_element(times.begin(), times.end(), by_instant);
  EXPECT_EQ(first.substr(0, 10), truth.at("first_date").get<std::string>());
  EXPECT_EQ(last.substr(0, 10), truth.at("last_date").get<std::string>());
  if (truth.contains("first_date_utc")) {
    EXPECT_EQ(UtcDate(first), truth["first_date_utc"].get<std::string>());
    EXPECT_EQ(UtcDate(last), truth["last_date_utc"].get<std::string>());
  }

  if (kind == "text") {
    std::set<std::string> senders, participants;
    for (const Message& m : run.messages) {
      EXPECT_FALSE(m.call.has_value());
      senders.insert(m.sender);
      if (m.extra.contains("sender_number")) participants.insert(m.extra["sender_number"]);
    }
    for (const auto& p : run.summary->fields.value("participants", nlohmann::json::array())) {
      participants.insert(p.value("number", ""));
    }
    EXPECT_EQ(senders.size(), truth.at("senders").get<size_t>());
    EXPECT_EQ(participants.size(), truth.at("participants").get<size_t>());
    return;
  }

  // Calls: one count per type, the durations, and the distinct numbers as the export writes
  // them (a withheld "-1" included).
  std::map<std::string, uint64_t> by_type;
  uint64_t total_duration = 0;
  std::set<std::string> numbers;
  for (const Message& m : run.messages) {
    ASSERT_TRUE(m.call.has_value()) << "message " << m.index << " is not a call";
    by_type[m.call->type]++;
    total_duration += m.call->duration_s.value_or(0);
    std::string written = m.call->number;
    if (written.empty()) written = m.extra.value("number_raw", "");
    if (!written.empty()) numbers.insert(written);
  }
  for (const char* type : {"incoming", "outgoing", "missed", "voicemail", "recorded"}) {
    if (truth.contains(type)) {
      EXPECT_EQ(by_type[type], truth[type].get<uint64_t>()) << type;
    }
  }
  if (truth.contains("participants")) {
    EXPECT_EQ(numbers.size(), truth["participants"].get<size_t>());
  }
  if (truth.contains("total_duration_s")) {
    EXPECT_EQ(total_duration, truth["total_duration_s"].get<uint64_t>());
  }
  if (truth.contains("duration_s")) {
    ASSERT_EQ(n, 1u);
    const auto& d = run.messages[0].call->duration_s;
    if (truth["duration_s"].is_null()) {
      EXPECT_FALSE(d.has_value());
    } else {
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(*d, truth["duration_s"].get<uint64_t>());
    }
  }
  if (truth.contains("number")) {
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(run.messages[0].call->number,
              truth["number"].is_null() ? "" : truth["number"].get<std::string>());
  }
}

void CheckCallsFamily(const std::string& prefix) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  std::ifstream in(*dir / "messages" / "truth.json");
  ASSERT_TRUE(in) << "no truth.json";
  const auto truth = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(truth.is_object());
  int checked = 0;
  for (const auto& [name, entry] : truth.items()) {
    if (name.rfind(prefix, 0) != 0) continue;
    CheckEntry(*dir, name, entry);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(CallsSamples, CallLogs) { CheckCallsFamily("calls/"); }
TEST(CallsSamples, GoogleVoice) { CheckCallsFamily("googlevoice/"); }

}  // namespace
}  // namespace evidence
