// The case module through its public API (evidence/case.hpp) on a temporary folder: what a
// program that links libevidence sees when it creates a case, adds evidence, reads it back and
// verifies it.
#include "evidence/case.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;
using testing::CreateTestCase;
using testing::TempDir;
using testing::WriteFile;

class CaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = CreateTestCase(tmp_ / "case", "Case module test", "Test Owner");
    ASSERT_TRUE(c.ok()) << c.status().message();
    case_.emplace(std::move(c).value());
  }

  fs::path Source(const std::string& name, const std::string& content) {
    fs::path p = tmp_ / name;
    WriteFile(p, content);
    return p;
  }

  std::vector<std::string> Actions() {
    auto log = case_->Log(LogFilter{});
    EXPECT_TRUE(log.ok()) << log.status().message();
    std::vector<std::string> out;
    for (const auto& e : *log) out.push_back(e.action);
    return out;
  }

  TempDir tmp_;
  std::optional<Case> case_;
};

TEST_F(CaseTest, NewCaseHoldsItsCreationAndKeyAndVerifies) {
  EXPECT_EQ(case_->info().name, "Case module test");
  EXPECT_EQ(case_->info().exhibit_prefix, "EX");
  EXPECT_EQ(Actions(), (std::vector<std::string>{"case.created", "key.added"}));
  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  EXPECT_TRUE(items->empty());
  auto report = case_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->ok()) << report->failures.front();
  EXPECT_EQ(report->entries_checked, 2u);
}

TEST_F(CaseTest, CreateRefusesAFolderThatAlreadyHoldsACase) {
  CaseOptions o;
  o.name = "again";
  auto again = Case::Create(tmp_ / "case", o);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
}

TEST_F(CaseTest, IngestedFileIsAnItemWithItsEntriesAndVerifies) {
  std::string content = "He was outside again at 22:10.\n";
  IngestOptions with_note;
  with_note.note = "from my phone";
  auto out = case_->Ingest(Source("note.txt", content), with_note);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->exhibit, "EX-0001");
  EXPECT_FALSE(out->duplicate);
  EXPECT_EQ(out->sha256, Sha256::Of(std::string_view(content)));
  ASSERT_TRUE(case_->Seal().ok());

  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  const Item& it = items->front();
  EXPECT_EQ(it.exhibit, "EX-0001");
  EXPECT_EQ(it.name, "note.txt");
  EXPECT_EQ(it.size, content.size());
  EXPECT_EQ(it.note, "from my phone");
  EXPECT_EQ(it.sha256, out->sha256);

  std::vector<std::string> actions = Actions();
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(actions[2], "item.ingested");
  LogFilter by_item;
  by_item.item = "EX-0001";
  auto for_item = case_->Log(by_item);
  ASSERT_TRUE(for_item.ok());
  ASSERT_FALSE(for_item->empty());
  for (const auto& e : *for_item) EXPECT_EQ(e.data.value("item", ""), "EX-0001") << e.action;

  // The same bytes again are a duplicate: nothing recorded.
  auto again = case_->Ingest(Source("copy.txt", content), IngestOptions{});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->exhibit, "EX-0001");
  EXPECT_EQ(Actions(), actions);

  auto report = case_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->ok()) << report->failures.front();
  EXPECT_EQ(report->objects_checked, 1u);
  EXPECT_EQ(report->bytes_hashed, content.size());
}

TEST_F(CaseTest, MissingSourceIsRefusedAndLeavesTheCaseAsItWas) {
  std::vector<std::string> before = Actions();
  auto out = case_->Ingest(tmp_ / "no-such-file.jpg", IngestOptions{});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("no-such-file.jpg"), std::string::npos)
      << out.status().message();
  EXPECT_EQ(Actions(), before);
  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  EXPECT_TRUE(items->empty());
}

TEST_F(CaseTest, ChangedObjectFailsVerifyNamingTheExhibit) {
  auto out = case_->Ingest(Source("photo.txt", "original bytes"), IngestOptions{});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_TRUE(case_->Seal().ok());
  std::string hex = DigestHex(out->sha256);
  fs::path object = case_->dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(object, "altered bytes!");  // the same length

  auto report = case_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_FALSE(report->ok());
  std::string all;
  for (const auto& f : report->failures) all += f + "\n";
  EXPECT_NE(all.find("EX-0001"), std::string::npos) << all;
}

// OpenOriginal hands out the checked bytes in a sealed memory file; showing records nothing, a
// download records its access, and a changed object is refused before any byte is handed out.
TEST_F(CaseTest, OpenOriginalGivesTheCheckedBytesAndRecordsOnlyADownload) {
  auto out = case_->Ingest(Source("photo.txt", "original bytes"), IngestOptions{});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const std::size_t entries = Actions().size();
  auto fd = case_->OpenOriginal("EX-0001");
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  std::string bytes(64, '\0');
  ssize_t n = ::pread(*fd, bytes.data(), bytes.size(), 0);
  EXPECT_EQ(std::string(bytes.data(), n > 0 ? static_cast<std::size_t>(n) : 0), "original bytes");
  EXPECT_LT(::write(*fd, "x", 1), 0) << "sealed against change";
  ::close(*fd);
  EXPECT_EQ(Actions().size(), entries) << "showing is not recorded";

  auto down = case_->OpenOriginal("EX-0001", std::string("a download from a test"));
  ASSERT_TRUE(down.ok()) << down.status().message();
  ::close(*down);
  ASSERT_EQ(Actions().size(), entries + 1);
  EXPECT_EQ(Actions().back(), "item.accessed");

  std::string hex = DigestHex(out->sha256);
  fs::path object = case_->dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(object, "altered bytes!");
  auto refused = case_->OpenOriginal("EX-0001", std::string("a download from a test"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kVerificationFailed) << refused.status().message();
  EXPECT_NE(refused.status().message().find("EX-0001"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Actions().size(), entries + 1) << "a refused download records nothing";
  EXPECT_EQ(case_->OpenOriginal("EX-9999").status().code(), StatusCode::kNotFound);
}

TEST_F(CaseTest, ReopenedCaseShowsTheSameItems) {
  ASSERT_TRUE(case_->Ingest(Source("a.txt", "a"), IngestOptions{}).ok());
  ASSERT_TRUE(case_->Seal().ok());
  auto opened = Case::Open(tmp_ / "case");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->info().uuid, case_->info().uuid);
  auto items = opened->Items();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->front().name, "a.txt");
}

TEST_F(CaseTest, OpenRefusesAFolderThatIsNotACase) {
  fs::create_directories(tmp_ / "empty");
  auto opened = Case::Open(tmp_ / "empty");
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().code() == StatusCode::kNotFound ||
              opened.status().code() == StatusCode::kInvalidArgument)
      << opened.status().message();
}

// A call log of three calls (one missed), as SMS Backup & Restore writes it.
constexpr const char* kThreeCalls =
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"3\">\n"
    "  <call number=\"+15550000001\" duration=\"0\" date=\"1772470800000\" type=\"3\" />\n"
    "  <call number=\"+15550000001\" duration=\"20\" date=\"1772471100000\" type=\"1\" />\n"
    "  <call number=\"+15550000002\" duration=\"75\" date=\"1772560800000\" type=\"2\" />\n"
    "</calls>\n";

// Counts agrees with what Items, Incidents, Messages and Calls load, in a plaintext case and in
// an encrypted one (whose counts come from the columns stored in the clear).
void ExpectCountsOfAFilledCase(const fs::path& dir, std::optional<std::string> passphrase) {
  CaseOptions o;
  o.name = "counted";
  o.passphrase = std::move(passphrase);
  o.scrypt.n = 1024;  // opened once: the default cost only slows the test
  auto created = Case::Create(dir / "case", o);
  ASSERT_TRUE(created.ok()) << created.status().message();
  Case c = std::move(created).value();

  auto empty = c.Counts();
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->items, 0u);
  EXPECT_EQ(empty->incidents, 0u);
  EXPECT_EQ(empty->messages, 0u);
  EXPECT_EQ(empty->calls, 0u);

  testing::WriteWhatsAppExport(dir / "WhatsApp Chat with Daniel Marsh.txt");
  WriteFile(dir / "calls.xml", kThreeCalls);
  WriteFile(dir / "note.txt", "He was outside again at 22:10.\n");
  for (const char* name : {"WhatsApp Chat with Daniel Marsh.txt", "calls.xml", "note.txt"}) {
    auto in = c.Ingest(dir / name, IngestOptions{});
    ASSERT_TRUE(in.ok()) << name << ": " << in.status().message();
  }
  IncidentInput incident;
  incident.at = "2026-03-01T07:50:00Z";
  incident.behaviours = {"gift"};
  incident.what = "A box on the doorstep.";
  for (int i = 0; i < 2; ++i) {
    auto id = c.RecordIncident(incident);
    ASSERT_TRUE(id.ok()) << id.status().message();
  }
  IncidentChanges amended;  // an amendment is not another incident
  amended.where = "home";
  amended.reason = "forgot the place";
  ASSERT_TRUE(c.AmendIncident("INC-0001", amended).ok());

  auto counts = c.Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->items, 3u);
  EXPECT_EQ(counts->incidents, 2u);
  EXPECT_EQ(counts->calls, 3u);
  // The encryption notice (a system line) and every message of both people.
  EXPECT_EQ(counts->messages,
            static_cast<std::uint64_t>(1 + testing::kWhatsAppExportSenderMessages +
                                       testing::kWhatsAppExportRecipientMessages));
  EXPECT_EQ(counts->items, c.Items()->size());
  EXPECT_EQ(counts->incidents, c.Incidents()->size());
  EXPECT_EQ(counts->calls, c.Calls(CallFilter{})->size());
  EXPECT_EQ(counts->messages + counts->calls, c.Messages(MessageFilter{})->size());
}

TEST(CaseCounts, PlaintextCaseCountsWhatItHolds) {
  TempDir tmp;
  ExpectCountsOfAFilledCase(tmp.path(), std::nullopt);
}

TEST(CaseCounts, EncryptedCaseCountsWhatItHolds) {
  TempDir tmp;
  ExpectCountsOfAFilledCase(tmp.path(), "counted passphrase");
}

}  // namespace
}  // namespace evidence
