// The shared real-world samples through the real binary (only when EVIDENCE_SAMPLES is set).
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

TEST_F(CliTest, EveryMalformedImageIsIngestedOrRefusedAndTheCaseVerifies) {
  auto samples = SamplesDir();
  if (!samples) GTEST_SKIP() << "EVIDENCE_SAMPLES is not set";
  InitCase();
  int ingested = 0, refused = 0;
  for (const auto& e : fs::directory_iterator(*samples / "images-malformed")) {
    std::string before = Snapshot();
    auto r = Ev({"--json", "add", e.path().string()});
    if (r.exit_code == 0) {
      ++ingested;
      auto out = json::parse(r.out);
      ASSERT_EQ(out.size(), 1u) << e.path();
    } else {
      ++refused;
      EXPECT_EQ(r.exit_code, 2) << e.path() << ": " << r.err;
      EXPECT_NE(r.err.find(e.path().filename().string()), std::string::npos) << r.err;
      EXPECT_EQ(Snapshot(), before) << e.path();
    }
  }
  std::cout << "images-malformed: " << ingested << " ingested, " << refused << " refused\n";
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// A stopped reading is the item's signed warning, printed once (not an extraction error too).
TEST_F(CliTest, ATruncatedExportIsKeptWithItsWarningRecorded) {
  auto samples = SamplesDir();
  if (!samples) GTEST_SKIP() << "EVIDENCE_SAMPLES is not set";
  InitCase();
  fs::path sms = *samples / "messages" / "sms" / "sms_and_mms.xml";
  auto r = Ev({"--json", "add", sms.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = json::parse(r.out);
  EXPECT_EQ(out[0]["kind"], "message-export");
  ASSERT_FALSE(out[0]["warnings"].empty()) << r.out;
  const std::string warning = out[0]["warnings"][0];
  EXPECT_NE(warning.find("the reading stopped"), std::string::npos) << r.out;
  EXPECT_NE(warning.find("truncated"), std::string::npos) << r.out;
  EXPECT_FALSE(out[0].contains("errors") && !out[0]["errors"].empty()) << r.out;
  EXPECT_EQ(out[0]["messages"], 49);
  EXPECT_NE(r.err.find("the reading stopped"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("kept, but"), std::string::npos) << r.err;
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(CliTest, WhatsAppZipMediaBecomeChildItems) {
  auto samples = SamplesDir();
  if (!samples) GTEST_SKIP() << "EVIDENCE_SAMPLES is not set";
  InitCase();
  fs::path zip = *samples / "messages" / "whatsapp" / "whatsapp-chat-parser-example_with_media.zip";
  auto r = Ev({"--json", "add", "--date-order", "day-first", zip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = json::parse(r.out);
  EXPECT_FALSE(out[0]["children"].empty()) << r.out;
  auto items = json::parse(Ev({"--json", "list"}).out);
  int children = 0;
  for (const auto& it : items) children += it.contains("parent") ? 1 : 0;
  EXPECT_EQ(children, static_cast<int>(out[0]["children"].size()));
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(CliTest, AmbiguousDateOrderIsAskedForNotGuessed) {
  InitCase();
  auto chat = WriteInput("chat.txt",
                         "01/02/2026, 09:14 - Daniel: Why are you ignoring me?\n"
                         "03/02/2026, 21:47 - Daniel: I saw you at the station today\n");
  std::string before = Snapshot();
  auto r = Ev({"add", chat.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--date-order"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
  auto ok = Ev({"--json", "add", "--date-order", "month-first", chat.string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto msgs = json::parse(Ev({"--json", "messages"}).out);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0]["time"], "2026-01-02T09:14:00");
}

}  // namespace
}  // namespace evidence::testing
