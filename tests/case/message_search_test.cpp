// Case::SearchMessages and Case::MessageExports (evidence/case.hpp): the page-at-a-time reading
// the app's conversation pages use, checked against what Case::Messages loads whole, on a
// plaintext and on an encrypted case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/time.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

constexpr int kChatMessages = 450;

// A WhatsApp export of kChatMessages messages, one a minute from 1 March 2026 08:00 (day first:
// the 13th and later settle the order), Daniel Marsh writing two in three; every tenth mentions
// the Station, in varying case; one carries a photo.
std::string Chat() {
  std::string out;
  for (int i = 0; i < kChatMessages; ++i) {
    const int minutes = 8 * 60 + i * 37;  // 37 minutes apart: the chat spans 12 days
    char when[32];
    std::snprintf(when, sizeof when, "%02d/03/2026, %02d:%02d", 1 + minutes / (24 * 60),
                  minutes / 60 % 24, minutes % 60);
    std::string text = "message " + std::to_string(i);
    if (i % 10 == 0) text += (i % 20 == 0) ? " at the STATION" : " at the station";
    if (i == 7) text = "IMG-20260301-WA0007.jpg (file attached)";
    out +=
        std::string(when) + " - " + (i % 3 == 2 ? "Alex Doe" : "Daniel Marsh") + ": " + text + "\n";
  }
  // A day past the 12th settles the order for the parser.
  out += "14/03/2026, 09:00 - Daniel Marsh: still here\n";
  return out;
}

class MessageSearchTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    CaseOptions o;
    o.name = "searched";
    if (GetParam()) o.passphrase = "a passphrase for the search test";
    o.scrypt.n = 1024;  // opened once: the default cost only slows the test
    auto created = Case::Create(tmp_.path() / "case", o);
    ASSERT_TRUE(created.ok()) << created.status().message();
    case_.emplace(std::move(created).value());
    const fs::path chat = tmp_.path() / "WhatsApp Chat with Daniel Marsh.txt";
    WriteFile(chat, Chat());
    auto in = case_->Ingest(chat, IngestOptions{});
    ASSERT_TRUE(in.ok()) << in.status().message();
    exhibit_ = in->exhibit;
    MessageFilter all;
    all.item = exhibit_;
    auto whole = case_->Messages(all);
    ASSERT_TRUE(whole.ok()) << whole.status().message();
    whole_ = std::move(whole).value();
    ASSERT_EQ(whole_.size(), static_cast<std::size_t>(kChatMessages + 1));
  }

  MessagePage Search(MessageSearch s) {
    auto page = case_->SearchMessages(s);
    EXPECT_TRUE(page.ok()) << page.status().message();
    return page.ok() ? std::move(page).value() : MessagePage{};
  }

  static std::vector<std::uint64_t> Indices(const std::vector<StoredMessage>& ms) {
    std::vector<std::uint64_t> out;
    for (const StoredMessage& m : ms) out.push_back(m.message.index);
    return out;
  }

  TempDir tmp_;
  std::optional<Case> case_;
  std::string exhibit_;
  std::vector<StoredMessage> whole_;
};

TEST_P(MessageSearchTest, PagesCoverTheExportInOrderWithItsCountsAndSenders) {
  std::vector<std::uint64_t> seen;
  for (std::size_t offset : {0, 200, 400}) {
    MessageSearch s;
    s.filter.item = exhibit_;
    s.offset = offset;
    s.limit = 200;
    MessagePage page = Search(s);
    EXPECT_EQ(page.total, whole_.size());
    EXPECT_EQ(page.matching, whole_.size());
    EXPECT_EQ(page.senders, (std::vector<std::string>{"Alex Doe", "Daniel Marsh"}));
    EXPECT_EQ(page.messages.size(), std::min<std::size_t>(200, whole_.size() - offset));
    for (std::uint64_t i : Indices(page.messages)) seen.push_back(i);
  }
  EXPECT_EQ(seen, Indices(whole_));
}

TEST_P(MessageSearchTest, TextSenderAndDatesSelectWhatMessagesWouldAndCountOnlyThose) {
  MessageSearch s;
  s.filter.item = exhibit_;
  s.filter.sender = "daniel";
  s.filter.since = "2026-03-02T00:00:00";
  s.filter.until = "2026-03-06T23:59:59";
  s.text = "Station";
  s.limit = 5;
  MessagePage page = Search(s);

  MessageFilter f = s.filter;
  auto expected = case_->Messages(f);
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  std::vector<std::uint64_t> want;
  for (const StoredMessage& m : *expected) {
    std::string text = m.message.text;
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    if (text.find("station") != std::string::npos) want.push_back(m.message.index);
  }
  ASSERT_GT(want.size(), 5u) << "the chat must give more than one page of matches";
  EXPECT_EQ(page.matching, want.size());
  EXPECT_EQ(page.total, whole_.size());
  want.resize(5);
  EXPECT_EQ(Indices(page.messages), want);
  for (const StoredMessage& m : page.messages) EXPECT_EQ(m.message.sender, "Daniel Marsh");
}

TEST_P(MessageSearchTest, TextMatchesAnAttachmentsName) {
  MessageSearch s;
  s.filter.item = exhibit_;
  s.text = "img-20260301-wa0007";
  MessagePage page = Search(s);
  ASSERT_EQ(page.matching, 1u);
  ASSERT_EQ(page.messages.size(), 1u);
  ASSERT_EQ(page.messages[0].message.attachments.size(), 1u);
}

TEST_P(MessageSearchTest, AnOffsetPastTheLastMatchGivesTheCountsAndNoMessage) {
  MessageSearch s;
  s.filter.item = exhibit_;
  s.text = "station";
  s.offset = 10'000;
  MessagePage page = Search(s);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_EQ(page.matching, static_cast<std::uint64_t>(kChatMessages / 10));
  EXPECT_EQ(page.total, whole_.size());
}

TEST_P(MessageSearchTest, ExportsAreSummedAsMessagesReadsThem) {
  auto exports = case_->MessageExports();
  ASSERT_TRUE(exports.ok()) << exports.status().message();
  ASSERT_EQ(exports->size(), 1u);
  const MessageExport& e = exports->front();
  EXPECT_EQ(e.item, exhibit_);
  EXPECT_EQ(e.messages, whole_.size());
  EXPECT_EQ(e.calls, 0u);
  EXPECT_EQ(e.first, whole_.front().message.time);
  EXPECT_EQ(e.last, whole_.back().message.time);
}

INSTANTIATE_TEST_SUITE_P(PlaintextAndEncrypted, MessageSearchTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Encrypted" : "Plaintext";
                         });

// Regression for the date filter's hour cache (Selection in src/case/messages.cpp): a zone-less
// chat time is placed once per local hour, and an hour with a change of the clocks in it is read
// in full each time. Around the changes of Europe/London (on the hour) and of Lord Howe Island
// (half an hour, at 02:00), every message a filter selects is one whose own reading
// (ParseUserTime) is inside the bounds, and every such message is selected.
TEST(MessageDateFilter, AroundChangesOfTheClocksSelectsWhatEachTimeReads) {
  struct Zone {
    const char* tz;
    const char* spring;  // day of the change forward, DD/MM/YYYY
    const char* autumn;  // day of the change back
  };
  for (const Zone& zone : {Zone{"Europe/London", "29/03/2026", "25/10/2026"},
                           Zone{"Australia/Lord_Howe", "04/10/2026", "05/04/2026"}}) {
    SCOPED_TRACE(zone.tz);
    testing::WithTz tz(zone.tz);
    TempDir tmp;
    CaseOptions o;
    o.name = "clocks";
    auto c = Case::Create(tmp.path() / "case", o);
    ASSERT_TRUE(c.ok()) << c.status().message();
    // Every 5 minutes from 00:00 to 03:55 on both days (the 25th and later settle the order).
    std::string chat;
    for (const char* day : {zone.spring, zone.autumn}) {
      for (int m = 0; m < 4 * 60; m += 5) {
        char line[96];
        std::snprintf(line, sizeof line, "%s, %02d:%02d - Daniel Marsh: at %02d:%02d\n", day,
                      m / 60, m % 60, m / 60, m % 60);
        chat += line;
      }
    }
    chat += "30/12/2026, 09:00 - Daniel Marsh: still here\n";
    const fs::path file = tmp.path() / "WhatsApp Chat with Daniel Marsh.txt";
    WriteFile(file, chat);
    auto in = c->Ingest(file, IngestOptions{});
    ASSERT_TRUE(in.ok()) << in.status().message();
    auto all = c->Messages({});
    ASSERT_TRUE(all.ok()) << all.status().message();
    ASSERT_EQ(all->size(), 2u * 48 + 1);
    // Bounds every 10 minutes across both nights, each an hour wide, as instants.
    std::vector<std::int64_t> starts;
    for (const StoredMessage& m : *all) {
      auto t = ParseUserTime(*m.message.time);
      ASSERT_TRUE(t.ok()) << *m.message.time;
      if (m.message.index % 2 == 0) starts.push_back(t->unix_ms - 7 * 60 * 1000);
    }
    for (std::int64_t since : starts) {
      const std::int64_t until = since + 60 * 60 * 1000;
      MessageFilter f;
      f.since = FormatUtc(since);
      f.until = FormatUtc(until);
      auto got = c->Messages(f);
      ASSERT_TRUE(got.ok()) << got.status().message();
      std::vector<std::uint64_t> want;
      for (const StoredMessage& m : *all) {
        const std::int64_t t = ParseUserTime(*m.message.time)->unix_ms;
        if (t >= since && t <= until) want.push_back(m.message.index);
      }
      std::vector<std::uint64_t> selected;
      for (const StoredMessage& m : *got) selected.push_back(m.message.index);
      EXPECT_EQ(selected, want) << "from " << *f.since << " to " << *f.until;
    }
  }
}

}  // namespace
}  // namespace evidence
