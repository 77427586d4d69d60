// Real Messenger, Instagram, Google Chat and iMessage exports ($EVIDENCE_SAMPLES/messages), checked
// against truth.json there: every entry of those families, its count inside min..max, its first
// and last dates, its number of senders, and the family's own extra facts. Skipped when the
// samples are absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

using testing::Parsed;

Parsed ParseSocialSample(const fs::path& path) {
  return testing::CollectExport(path, path.filename().string());
}

bool IsMine(ExportFormat f) {
  return f == ExportFormat::kMetaMessagesJson || f == ExportFormat::kGoogleChatJson ||
         f == ExportFormat::kIMessageHtml || f == ExportFormat::kIMessageText;
}

ExportFormat FamilyFormat(const std::string& family, const fs::path& path) {
  if (family == "googlechat") return ExportFormat::kGoogleChatJson;
  if (family == "imessage") {
    return path.extension() == ".html" ? ExportFormat::kIMessageHtml : ExportFormat::kIMessageText;
  }
  return ExportFormat::kMetaMessagesJson;
}

nlohmann::json Truth(const fs::path& dir) {
  return nlohmann::json::parse(testing::ReadFile(dir / "messages" / "truth.json"));
}

// The day of a stored time ("2014-11-05T00:35:32.056Z" -> "2014-11-05").
std::string Day(const Message& m) { return m.time ? m.time->substr(0, 10) : ""; }

TEST(SocialSamples, EveryTruthEntry) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const nlohmann::json truth = Truth(*dir);
  int checked = 0;
  for (const auto& [key, want] : truth.items()) {
    const std::string family = key.substr(0, key.find('/'));
    if (family != "messenger" && family != "instagram" && family != "googlechat" &&
        family != "imessage") {
      continue;
    }
    SCOPED_TRACE(key);
    ++checked;
    const fs::path path = *dir / "messages" / key;
    auto format = DetectExportFormat(path, path.filename().string());
    ASSERT_TRUE(format.ok()) << format.status().ToString();
    EXPECT_EQ(*format, FamilyFormat(family, path));
    Parsed run = ParseSocialSample(path);
    ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
    EXPECT_EQ(run.summary->message_count, run.messages.size());

    std::vector<const Message*> conversation;  // announcements apart
    for (const Message& m : run.messages) {
      if (!m.system) conversation.push_back(&m);
    }
    const uint64_t count = conversation.size();
    EXPECT_GE(count, want["min"].get<uint64_t>());
    EXPECT_LE(count, want["max"].get<uint64_t>());

    std::vector<std::string> days;
    std::set<std::string> senders;
    for (const Message* m : conversation) {
      EXPECT_TRUE(m->time.has_value()) << "message " << m->index;
      days.push_back(Day(*m));
      if (!m->sender.empty()) senders.insert(m->sender);
    }
    ASSERT_FALSE(days.empty());
    EXPECT_EQ(*std::min_element(days.begin(), days.end()), want["first_date"]);
    EXPECT_EQ(*std::max_element(days.begin(), days.end()), want["last_date"]);
    EXPECT_EQ(senders.size(), want["senders"].get<size_t>());
    for (size_t i = 0; i < run.messages.size(); ++i) EXPECT_EQ(run.messages[i].index, i);

    if (want.contains("sender_names")) {
      std::set<std::string> names(want["sender_names"].begin(), want["sender_names"].end());
      EXPECT_EQ(senders, names);
    }
    if (want.contains("participants")) {
      ASSERT_TRUE(run.summary->fields.contains("participants"));
      EXPECT_EQ(run.summary->fields["participants"].size(), want["participants"].get<size_t>());
    }
    if (family == "messenger" || family == "instagram") {
      // Meta writes the newest message first; the file's order is kept.
      for (size_t i = 1; i < run.messages.size(); ++i) {
        EXPECT_GE(*run.messages[i - 1].time, *run.messages[i].time);
      }
    }
    if (want.contains("with_attachments")) {
      uint64_t with = 0;
      uint64_t text_only = 0;
      for (const Message* m : conversation) {
        if (!m->attachments.empty()) {
          ++with;
        } else if (!m->text.empty()) {
          ++text_only;
        }
      }
      EXPECT_EQ(with, want["with_attachments"].get<uint64_t>());
      EXPECT_EQ(text_only, want["text_only"].get<uint64_t>());
    }
    if (want.contains("dates_in") && want["dates_in"].get<std::string>().rfind("UTC", 0) == 0) {
      for (const Message* m : conversation) EXPECT_EQ(m->time->back(), 'Z') << *m->time;
    }
    if (family == "imessage") {
      uint64_t sent = 0, received = 0, announcements = 0, sms = 0;
      std::vector<std::string> all_days;
      for (const Message& m : run.messages) {
        all_days.push_back(Day(m));
        if (m.system) ++announcements;
        if (m.direction == "outgoing") ++sent;
        if (m.direction == "incoming") ++received;
        if (m.extra.value("service", "") == "SMS") ++sms;
      }
      EXPECT_EQ(sent, want["sent"].get<uint64_t>());
      EXPECT_EQ(received, want["received"].get<uint64_t>());
      EXPECT_EQ(announcements, want["announcements"].get<uint64_t>());
      EXPECT_EQ(sms, want["sms"].get<uint64_t>());
      EXPECT_EQ(*std::min_element(all_days.begin(), all_days.end()), want["first_date_all"]);
      EXPECT_EQ(*std::max_element(all_days.begin(), all_days.end()), want["last_date_all"]);
    }
  }
  EXPECT_GE(checked, 6);
}

// The other families' samples (Telegram, Discord, Google Voice, WhatsApp, SMS, e-mail...) are
// never taken for one of these four formats, by the parser's detection or by the metadata's.
TEST(SocialSamples, OtherFamiliesAreNotClaimed) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*dir / "messages")) {
    if (!entry.is_regular_file()) continue;
    const fs::path& path = entry.path();
    const std::string family = path.parent_path().filename().string();
    if (family == "messenger" || family == "instagram" || family == "googlechat" ||
        family == "imessage" || path.filename() == "truth.json") {
      continue;
    }
    SCOPED_TRACE(path.string());
    ++checked;
    auto format = DetectExportFormat(path, path.filename().string());
    if (format.ok()) {
      EXPECT_FALSE(IsMine(*format)) << ExportFormatName(*format);
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace evidence
