#include "evidence/ledger.hpp"

#include <gtest/gtest.h>

namespace evidence {
namespace {

LedgerEntry Sample() {
  LedgerEntry e;
  e.seq = 7;
  e.time = "2026-03-14T17:20:00.000Z";
  e.actor = "jane-doe";
  e.action = "item.linked";
  e.data = {{"item", "EX-0001"}, {"sha256", std::string(64, 'a')}, {"incident", "INC-0001"}};
  return e;
}

TEST(LedgerEntry, EncodesTheDocumentedFieldsCanonically) {
  auto bytes = Sample().Encode();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes,
            "{\"action\":\"item.linked\",\"actor\":\"jane-doe\",\"data\":{\"incident\":"
            "\"INC-0001\",\"item\":\"EX-0001\",\"sha256\":\"" +
                std::string(64, 'a') +
                "\"},\"seq\":7,\"time\":\"2026-03-14T17:20:00.000Z\",\"v\":1}");
}

TEST(LedgerEntry, RoundTrips) {
  auto bytes = Sample().Encode();
  ASSERT_TRUE(bytes.ok());
  auto back = ParseLedgerEntry(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, 7u);
  EXPECT_EQ(back->actor, "jane-doe");
  EXPECT_EQ(back->data["item"], "EX-0001");
}

TEST(LedgerEntry, RejectsUnknownActionWrongVersionAndExtraFields) {
  auto e = Sample();
  e.action = "item.deleted";
  auto bytes = e.Encode();
  ASSERT_TRUE(bytes.ok());
  auto parsed = ParseLedgerEntry(*bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("unknown action"), std::string::npos);

  std::string good = *Sample().Encode();
  std::string v2 = good;
  v2.replace(v2.find("\"v\":1"), 5, "\"v\":2");
  EXPECT_FALSE(ParseLedgerEntry(v2).ok());
  std::string extra = good;
  extra.insert(1, "\"a\":0,");
  EXPECT_EQ(ParseLedgerEntry(extra).status().code(), StatusCode::kCorruption);
}

TEST(LedgerEntry, NowIsRfc3339UtcWithMilliseconds) {
  std::string t = NowRfc3339();
  ASSERT_EQ(t.size(), 24u) << t;
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace evidence
