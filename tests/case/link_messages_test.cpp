// Case::LinkMessages through the public API: linking messages of a chat to an incident, what the
// incident and the log then say, what is refused, and a forged message number failing verify.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/case.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "evidence/report.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;
using testing::CreateTestCase;
using testing::TempDir;
using testing::WriteFile;

class LinkMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = CreateTestCase(tmp_ / "case", "Link messages test", "Test Owner");
    ASSERT_TRUE(c.ok()) << c.status().message();
    case_.emplace(std::move(c).value());
    const fs::path chat = tmp_ / "chat.txt";
    WriteFile(chat,
              "14/03/2026, 18:20 - Daniel Marsh: Why are you ignoring me?\n"
              "14/03/2026, 18:21 - Daniel Marsh: I can see your light is on\n"
              "14/03/2026, 18:40 - Sam: Please stop.\n");
    auto in = case_->Ingest(chat, IngestOptions{});
    ASSERT_TRUE(in.ok()) << in.status().message();
    ASSERT_EQ(in->exhibit, "EX-0001");
    ASSERT_EQ(in->messages, 3u);
    IncidentInput inc;
    inc.at = "2026-03-14T18:30:00Z";
    inc.behaviours = {"messaging-app"};
    inc.what = "Messages all evening";
    auto id = case_->RecordIncident(inc);
    ASSERT_TRUE(id.ok()) << id.status().message();
  }

  std::vector<LedgerEntry> Links() {
    LogFilter f;
    f.action = "item.linked";
    auto log = case_->Log(f);
    EXPECT_TRUE(log.ok());
    return log.ok() ? *log : std::vector<LedgerEntry>{};
  }

  TempDir tmp_;
  std::optional<Case> case_;
};

TEST_F(LinkMessagesTest, LinkedMessagesAreOnTheIncidentAndInOneEntry) {
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {1, 0}).ok());
  auto inc = case_->GetIncident("INC-0001");
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->items, std::vector<std::string>{"EX-0001"}) << "the export is linked too";
  ASSERT_EQ(inc->messages.size(), 2u);
  EXPECT_EQ(inc->messages[0].item, "EX-0001");
  EXPECT_EQ(inc->messages[0].index, 0u);
  EXPECT_EQ(inc->messages[1].index, 1u);
  auto links = Links();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].data["messages"], nlohmann::json({0, 1})) << "in order, whatever was given";
  auto described = DescribeLedgerEntry(links[0]);
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(*described, "EX-0001 messages 0,1 linked to INC-0001");
  auto report = case_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->failures.front();
}

TEST_F(LinkMessagesTest, MessagesAlreadyLinkedAreSkipped) {
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {0}).ok());
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {0}).ok());
  EXPECT_EQ(Links().size(), 1u) << "nothing new: nothing recorded";
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {0, 2}).ok());
  auto links = Links();
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[1].data["messages"], nlohmann::json({2}));
  auto inc = case_->GetIncident("INC-0001");
  ASSERT_TRUE(inc.ok());
  ASSERT_EQ(inc->messages.size(), 2u);
  EXPECT_EQ(inc->messages[1].index, 2u);
}

TEST_F(LinkMessagesTest, UnknownMessageIncidentOrExhibitIsRefusedAndRecordsNothing) {
  auto s = case_->LinkMessages("INC-0001", "EX-0001", {0, 3});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "EX-0001 has no message 3 (it holds 3)");
  EXPECT_EQ(s.argument(), "messages");
  EXPECT_EQ(case_->LinkMessages("INC-0001", "EX-0001", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(case_->LinkMessages("INC-0009", "EX-0001", {0}).code(), StatusCode::kNotFound);
  EXPECT_EQ(case_->LinkMessages("INC-0001", "EX-0009", {0}).code(), StatusCode::kNotFound);
  EXPECT_TRUE(Links().empty());
}

TEST_F(LinkMessagesTest, QuotesGiveWhatEachLinkedMessageSaysInLinkOrder) {
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {2}).ok());
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {0}).ok());
  auto inc = case_->GetIncident("INC-0001");
  ASSERT_TRUE(inc.ok());
  std::vector<LinkedMessage> links = inc->messages;
  links.push_back({"EX-0001", 9});  // a link the case cannot quote (verify names such a link)
  auto quotes = case_->QuoteMessages(links);
  ASSERT_TRUE(quotes.ok()) << quotes.status().message();
  ASSERT_EQ(quotes->size(), 3u);
  EXPECT_EQ((*quotes)[0].index, 2u);
  EXPECT_TRUE((*quotes)[0].found);
  EXPECT_EQ((*quotes)[0].sender, "Sam");
  EXPECT_EQ((*quotes)[0].text, "Please stop.");
  EXPECT_EQ((*quotes)[0].time.value_or(""), "2026-03-14T18:40:00");
  EXPECT_EQ((*quotes)[1].text, "Why are you ignoring me?");
  EXPECT_FALSE((*quotes)[2].found);
  EXPECT_EQ((*quotes)[2].text, "");
}

TEST_F(LinkMessagesTest, TheReportQuotesThemUnderTheirIncident) {
  IncidentInput other;
  other.at = "2026-03-15T09:00:00Z";
  other.behaviours = {"messaging-app"};
  other.what = "More the next morning";
  ASSERT_TRUE(case_->RecordIncident(other).ok());
  ASSERT_TRUE(case_->LinkMessages("INC-0002", "EX-0001", {1}).ok());
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {0, 2}).ok());
  auto data = case_->GatherReport(std::nullopt, std::nullopt);
  ASSERT_TRUE(data.ok()) << data.status().message();
  ASSERT_EQ(data->quoted_messages.size(), 2u);
  const auto& first = data->quoted_messages.at("INC-0001");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].text, "Why are you ignoring me?");
  EXPECT_EQ(first[1].text, "Please stop.");
  ASSERT_EQ(data->quoted_messages.at("INC-0002").size(), 1u);
  EXPECT_EQ(data->quoted_messages.at("INC-0002")[0].text, "I can see your light is on");
  // A window without INC-0002 quotes only INC-0001's.
  auto window = case_->GatherReport(std::nullopt, std::string("2026-03-14T23:59:59Z"));
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(window->quoted_messages.count("INC-0002"), 0u);
  EXPECT_EQ(window->quoted_messages.at("INC-0001").size(), 2u);
}

TEST_F(LinkMessagesTest, AnItemWithoutMessagesIsRefused) {
  const fs::path note = tmp_ / "note.txt";
  WriteFile(note, "not a chat\n");
  ASSERT_TRUE(case_->Ingest(note, IngestOptions{}).ok());
  auto s = case_->LinkMessages("INC-0001", "EX-0002", {0});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "EX-0002 holds no messages");
  EXPECT_EQ(s.argument(), "messages");
  EXPECT_TRUE(Links().empty());
}

TEST_F(LinkMessagesTest, ForgedMessageNumberFailsVerifyNamingTheEntry) {
  ASSERT_TRUE(case_->LinkMessages("INC-0001", "EX-0001", {1}).ok());
  const std::uint64_t seq = Links().at(0).seq;
  case_.reset();
  // The entry rewritten and its leaf hash recomputed, as a forger with sqlite3 does.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp_ / "case" / "ledger.sqlite").c_str(), &db), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> hold(db, sqlite3_close);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT entry FROM entries WHERE seq = ?1", -1, &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(seq));
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  std::string entry(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                    static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
  sqlite3_finalize(st);
  const std::string was = "\"messages\":[1]";
  ASSERT_NE(entry.find(was), std::string::npos) << entry;
  entry.replace(entry.find(was), was.size(), "\"messages\":[999]");
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER IF EXISTS entries_append_only_update", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE entries SET entry = ?1, leaf_hash = ?2 WHERE seq = ?3",
                               -1, &st, nullptr),
            SQLITE_OK);
  auto leaf = merkle::LeafHash(AsBytes(entry));
  sqlite3_bind_blob(st, 1, entry.data(), static_cast<int>(entry.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 2, leaf.data(), static_cast<int>(leaf.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(seq));
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  hold.reset();

  auto c = Case::Open(tmp_ / "case");
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto report = c->Verify();
  ASSERT_TRUE(report.ok()) << report.status().message();
  const std::string want = "entry " + std::to_string(seq) +
                           ": links message 999 of exhibit EX-0001, which holds 3 "
                           "messages";
  bool named = false;
  for (const auto& f : report->failures) named = named || f.find(want) != std::string::npos;
  EXPECT_TRUE(named) << "failures:\n"
                     << [&] {
                          std::string all;
                          for (const auto& f : report->failures) all += f + "\n";
                          return all;
                        }();
}

}  // namespace
}  // namespace evidence
