// Telegram Desktop and DiscordChatExporter JSON exports from public repositories
// ($EVIDENCE_SAMPLES/messages/telegram and .../discord), checked against every entry of
// messages/truth.json under those folders. The expected values there were computed independently
// of this project; skipped when the samples are absent.
//
// Dates follow truth.json's rule: the file's own wall time where the export has no zone
// (Telegram's "date", kept in extra.date), the stated offset where it has one (Discord).
// first_date, last_date and senders are taken over the messages that are not system notices;
// first_date_all and last_date_all over all of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
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
using nlohmann::json;

using testing::Parsed;

Parsed ParseChatSample(const fs::path& path) {
  return testing::DetectAndCollect(path, path.filename().string());
}

// The calendar date of a message in the zone truth.json uses for its format.
std::string WallDate(const Message& m) {
  if (const auto it = m.extra.find("date"); it != m.extra.end() && it->is_string()) {
    return it->get<std::string>().substr(0, 10);
  }
  return m.time ? m.time->substr(0, 10) : "";
}

json LoadTruth(const fs::path& dir) {
  std::ifstream in(dir / "messages" / "truth.json");
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

size_t CountIf(const std::vector<Message>& messages, bool (*pred)(const Message&)) {
  return static_cast<size_t>(std::count_if(messages.begin(), messages.end(), pred));
}

void CheckChatFamily(const std::string& family, ExportFormat expected_format) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const json truth = LoadTruth(*dir);
  ASSERT_TRUE(truth.is_object()) << "messages/truth.json is missing or malformed";
  size_t checked = 0;
  for (const auto& [file, want] : truth.items()) {
    if (file.rfind(family + "/", 0) != 0) continue;
    SCOPED_TRACE(file);
    ++checked;
    Parsed run = ParseChatSample(*dir / "messages" / file);
    ASSERT_TRUE(run.format.ok()) << run.format.status().ToString();
    EXPECT_EQ(*run.format, expected_format);
    ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
    EXPECT_EQ(run.summary->message_count, run.messages.size());

    const uint64_t count = run.messages.size();
    EXPECT_GE(count, want.at("min").get<uint64_t>());
    EXPECT_LE(count, want.at("max").get<uint64_t>());

    std::vector<std::string> dates, dates_all;
    std::set<std::string> senders;
    for (const Message& m : run.messages) {
      const std::string date = WallDate(m);
      if (!date.empty()) dates_all.push_back(date);
      if (m.system) continue;
      if (!date.empty()) dates.push_back(date);
      if (!m.sender.empty()) senders.insert(m.sender);
    }
    ASSERT_FALSE(dates.empty());
    std::sort(dates.begin(), dates.end());
    std::sort(dates_all.begin(), dates_all.end());
    EXPECT_EQ(dates.front(), want.at("first_date").get<std::string>());
    EXPECT_EQ(dates.back(), want.at("last_date").get<std::string>());
    if (want.contains("first_date_all")) {
      EXPECT_EQ(dates_all.front(), want["first_date_all"].get<std::string>());
      EXPECT_EQ(dates_all.back(), want["last_date_all"].get<std::string>());
    }
    EXPECT_EQ(senders.size(), want.at("senders").get<size_t>());

    auto has = [](const Message& m, const char* key) { return m.extra.contains(key); };
    if (family == "telegram") {
      EXPECT_EQ(CountIf(run.messages, [](const Message& m) { return m.system; }),
                want.at("service").get<size_t>());
      EXPECT_EQ(
          static_cast<size_t>(std::count_if(run.messages.begin(), run.messages.end(),
                                            [&](const Message& m) { return has(m, "edited"); })),
          want.at("edited").get<size_t>());
      EXPECT_EQ(static_cast<size_t>(
                    std::count_if(run.messages.begin(), run.messages.end(),
                                  [&](const Message& m) { return has(m, "forwarded_from"); })),
                want.at("forwarded").get<size_t>());
      EXPECT_EQ(static_cast<size_t>(
                    std::count_if(run.messages.begin(), run.messages.end(),
                                  [&](const Message& m) { return has(m, "text_as_list"); })),
                want.at("text_as_list").get<size_t>());
      EXPECT_EQ(CountIf(run.messages, [](const Message& m) { return !m.attachments.empty(); }),
                want.at("with_media").get<size_t>());
    } else {
      EXPECT_EQ(run.summary->fields.value("channel_type", ""),
                want.at("channel_type").get<std::string>());
      EXPECT_EQ(CountIf(run.messages, [](const Message& m) { return m.system; }),
                want.at("system").get<size_t>());
      EXPECT_EQ(
          static_cast<size_t>(std::count_if(run.messages.begin(), run.messages.end(),
                                            [&](const Message& m) { return has(m, "edited"); })),
          want.at("edited").get<size_t>());
      EXPECT_EQ(CountIf(run.messages,
                        [](const Message& m) { return m.extra.value("type", "") == "Call"; }),
                want.at("calls").get<size_t>());
      EXPECT_EQ(run.summary->fields.value("duplicate_ids", uint64_t{0}),
                want.at("duplicate_ids").get<uint64_t>());
      EXPECT_EQ(run.summary->fields.value("declared_count", int64_t{-1}),
                want.at("declared_count").get<int64_t>());
    }
  }
  EXPECT_GT(checked, 0u) << "no truth.json entry under " << family << "/";
}

TEST(ChatJsonSamples, TelegramTruth) { CheckChatFamily("telegram", ExportFormat::kTelegramJson); }

TEST(ChatJsonSamples, DiscordTruth) { CheckChatFamily("discord", ExportFormat::kDiscordJson); }

// Every Telegram and Discord sample, with or without a truth entry, is recognised and yields
// messages, each with a time and valid indexes.
TEST(ChatJsonSamples, EveryFileParses) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  for (const auto& [family, format] : {std::pair{"telegram", ExportFormat::kTelegramJson},
                                       std::pair{"discord", ExportFormat::kDiscordJson}}) {
    for (const auto& entry : fs::directory_iterator(*dir / "messages" / family)) {
      if (entry.path().extension() != ".json") continue;
      SCOPED_TRACE(entry.path().string());
      Parsed run = ParseChatSample(entry.path());
      ASSERT_TRUE(run.format.ok()) << run.format.status().ToString();
      EXPECT_EQ(*run.format, format);
      ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
      EXPECT_GT(run.messages.size(), 0u);
      for (size_t i = 0; i < run.messages.size(); ++i) {
        EXPECT_EQ(run.messages[i].index, i);
        EXPECT_TRUE(run.messages[i].time.has_value());
      }
    }
  }
}

// The batch export ("chats": {"list": [...]}) names each message's chat; the single-chat sample
// with date_unixtime gives UTC times and keeps the local "date" beside them.
TEST(ChatJsonSamples, TelegramShapes) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  Parsed batch = ParseChatSample(*dir / "messages/telegram/chatminer_batch_export.json");
  ASSERT_TRUE(batch.summary.ok()) << batch.summary.status().ToString();
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[0].extra.value("chat", ""), "Chatname");
  EXPECT_EQ(*batch.messages[0].time, "2018-12-05T10:39:10.000Z");
  EXPECT_EQ(batch.messages[1].text, "Link:https://telegram.org/");
  EXPECT_EQ(batch.summary->fields.value("layout", ""), "account");

  Parsed dm = ParseChatSample(*dir / "messages/telegram/chatanalytics_DM_2A_7M.json");
  ASSERT_TRUE(dm.summary.ok()) << dm.summary.status().ToString();
  ASSERT_EQ(dm.messages.size(), 8u);
  EXPECT_TRUE(dm.messages[0].system);
  EXPECT_EQ(dm.messages[1].text, "https://google.com \xF0\x9F\x91\x80");  // 👀
  EXPECT_EQ(dm.messages[1].direction, "incoming");                        // Bob is the chat
  EXPECT_EQ(dm.messages[2].direction, "outgoing");
  // Both given: the UTC instant from date_unixtime, the export's local wall time kept.
  EXPECT_EQ(*dm.messages[7].time, "2023-08-11T02:11:02.000Z");
  EXPECT_EQ(dm.messages[7].extra.value("date", ""), "2023-08-10T23:11:02");
  EXPECT_EQ(dm.messages[7].extra.value("action", ""), "phone_call");
}

// Chat JSON of other apps is left to their own parsers: never taken for Telegram or Discord.
TEST(ChatJsonSamples, OtherAppsAreNotClaimed) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  for (const char* family : {"messenger", "instagram", "googlechat"}) {
    const fs::path folder = *dir / "messages" / family;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      SCOPED_TRACE(entry.path().string());
      auto format = DetectExportFormat(entry.path(), entry.path().filename().string());
      if (!format.ok()) continue;
      EXPECT_NE(*format, ExportFormat::kTelegramJson);
      EXPECT_NE(*format, ExportFormat::kDiscordJson);
    }
  }
}

}  // namespace
}  // namespace evidence
