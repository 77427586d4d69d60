// The typed payloads of ledger entries: one well-formed payload per action as the commands write
// it, then each kind of damage a forger can make to a field (wrong type, removed, out of range).
#include "ledger_payloads.hpp"

#include <gtest/gtest.h>

#include "evidence/ledger.hpp"

namespace evidence::payload {
namespace {

const std::string kHex64(64, 'a');
const std::string kUuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
const std::string kFingerprint = "SHA256:" + std::string(64, 'b');
const std::string kPub = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";  // 32 bytes
const std::string kSig = std::string(86, 'A') + "==";                     // 64 bytes

// A payload per action, as the code that appends it writes it.
nlohmann::json Valid(std::string_view action) {
  if (action == "case.created") {
    return {{"case", kUuid},          {"name", "Harassment"},
            {"owner", "Jane Doe"},    {"origin", "evidence.case/" + kUuid},
            {"exhibit_prefix", "EX"}, {"format", 1}};
  }
  if (action == "key.added") {
    return {{"key", "jane-doe"},
            {"public_key", kPub},
            {"fingerprint", kFingerprint},
            {"vkey", "jane-doe+01234567+AQ=="},
            {"previous_fingerprint", kFingerprint},
            {"previous_vkey", "jane-doe+89abcdef+AQ=="},
            {"endorsement", kSig}};
  }
  if (action == "item.ingested") {
    return {{"item", "EX-0001"}, {"sha256", kHex64},      {"size", 5},
            {"name", "a.jpg"},   {"kind", "photo"},       {"media_type", "image/jpeg"},
            {"note", "n"},       {"incident", "INC-0001"}};
  }
  if (action == "item.metadata") {
    return {{"item", "EX-0001"},
            {"sha256", kHex64},
            {"metadata", {{"fields", {{"make", "X"}}}}},
            {"captured", "2026-03-14T18:20:00"},
            {"errors", {"exif: bad"}},
            {"messages",
             {{"format", "whatsapp"},
              {"count", 3},
              {"sha256", kHex64},
              {"complete", true},
              {"fields", nlohmann::json::object()}}}};
  }
  if (action == "item.annotated") return {{"item", "EX-0001"}, {"note", "reviewed"}};
  if (action == "item.accessed") {
    return {{"item", "EX-0001"}, {"sha256", kHex64}, {"purpose", "extract"}, {"to", "/tmp/a.jpg"}};
  }
  if (action == "item.linked") {
    return {
        {"item", "EX-0001"}, {"incident", "INC-0001"}, {"sha256", kHex64}, {"messages", {0, 2}}};
  }
  if (action == "incident.recorded") {
    return {{"incident", "INC-0001"},
            {"at", "2026-03-14T18:20:00+01:00"},
            {"until", "2026-03-14T19:20:00Z"},
            {"behaviours", {"phone-call"}},
            {"what", "called 12 times"},
            {"where", "home"},
            {"witnesses", {"Sam"}}};
  }
  if (action == "incident.amended") {
    return {{"incident", "INC-0001"}, {"changes", {{"what", "called 13 times"}}}, {"reason", "r"}};
  }
  if (action == "export.created") {
    return {{"bundle", "evidence-x"},
            {"manifest_sha256", kHex64},
            {"items", {"EX-0001"}},
            {"incidents", {"INC-0001"}},
            {"recipient", "PC Smith"}};
  }
  if (action == "bundle.verified") return {{"bundle", "evidence-x"}, {"manifest_sha256", kHex64}};
  if (action == "bundle.received") {
    return {{"bundle", "evidence-x"},
            {"manifest_sha256", kHex64},
            {"checkpoint_sha256", kHex64},
            {"checkpoint_size", 9},
            {"signer_fingerprint", kFingerprint},
            {"sender_case", kUuid},
            {"items", {"EX-0003"}},
            {"custody", 1},
            {"custody_carried", {2, 3}}};
  }
  if (action == "case.encrypted") return {{"objects", 3}, {"entries", 12}};
  return {{"checkpoint_size", 4},
          {"checkpoint_sha256", kHex64},
          {"imprint", kHex64},
          {"root", kHex64},
          {"gen_time", "2026-03-14T18:20:00Z"},
          {"tsa", "CN=Test TSA"},
          {"serial", "1f"},
          {"policy", "1.2.3.4"},
          {"nonce", "0a1b"},
          {"chain_checked", false},
          {"token", "timestamps/4.tsr"},
          {"token_sha256", kHex64}};
}

std::string ErrorOf(std::string_view action, const nlohmann::json& data) {
  auto p = Parse(7, action, data);
  EXPECT_FALSE(p.ok()) << action << " " << data.dump();
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), StatusCode::kCorruption);
  return p.status().message();
}

TEST(LedgerPayloads, EveryActionAsWrittenParses) {
  for (auto action : kLedgerActions) {
    auto p = Parse(7, action, Valid(action));
    EXPECT_TRUE(p.ok()) << action << ": " << p.status().message();
  }
}

TEST(LedgerPayloads, EachActionParsesIntoItsOwnStruct) {
  auto p = Parse(3, "item.ingested", Valid("item.ingested"));
  ASSERT_TRUE(p.ok());
  const auto* item = std::get_if<ItemIngested>(&*p);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->item, "EX-0001");
  EXPECT_EQ(item->size, 5u);
  EXPECT_EQ(item->incident, "INC-0001");
  EXPECT_FALSE(item->parent.has_value());

  auto ts = ParseAs<TimestampAttached>(4, Valid("timestamp.attached"));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->checkpoint_size, 4u);
  EXPECT_EQ(ts->token, "timestamps/4.tsr");

  auto amended = ParseAs<IncidentAmended>(5, Valid("incident.amended"));
  ASSERT_TRUE(amended.ok());
  EXPECT_EQ(amended->changes.what, "called 13 times");
  EXPECT_FALSE(amended->changes.at.has_value());
}

TEST(LedgerPayloads, WrongActionForTheStructIsCorruption) {
  LedgerEntry e;
  e.seq = 2;
  e.action = "item.linked";
  e.data = Valid("item.linked");
  auto p = ParseAs<ItemIngested>(e);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "entry 2 is a item.linked entry, not item.ingested");
  EXPECT_TRUE(ParseAs<ItemLinked>(e).ok());
}

TEST(LedgerPayloads, ErrorNamesTheEntryAndTheField) {
  auto d = Valid("item.ingested");
  d["size"] = "5";
  EXPECT_EQ(ErrorOf("item.ingested", d),
            "entry 7 (item.ingested): field \"size\": expected an unsigned integer");
}

TEST(LedgerPayloads, EveryRequiredFieldRemovedIsNamed) {
  for (auto action : kLedgerActions) {
    const auto valid = Valid(action);
    for (const auto& [k, v] : valid.items()) {
      auto d = valid;
      d.erase(k);
      auto p = Parse(7, action, d);
      if (p.ok()) continue;  // an optional field
      EXPECT_NE(p.status().message().find("\"" + k + "\""), std::string::npos)
          << action << " without " << k << ": " << p.status().message();
    }
  }
  auto d = Valid("item.ingested");
  d.erase("sha256");
  EXPECT_EQ(ErrorOf("item.ingested", d), "entry 7 (item.ingested): field \"sha256\": missing");
}

TEST(LedgerPayloads, EveryFieldOfTheWrongTypeIsRefused) {
  for (auto action : kLedgerActions) {
    const auto valid = Valid(action);
    for (const auto& [k, v] : valid.items()) {
      const nlohmann::json other_container =
          v.is_object() ? nlohmann::json::array() : nlohmann::json{{"x", 1}};
      const nlohmann::json other_scalar = v.is_string() ? nlohmann::json(5) : nlohmann::json("5");
      for (const nlohmann::json& wrong : {nlohmann::json(nullptr), other_container, other_scalar}) {
        auto d = valid;
        d[k] = wrong;
        std::string msg = ErrorOf(action, d);
        EXPECT_NE(msg.find("field \"" + k), std::string::npos) << action << "." << k << ": " << msg;
      }
    }
  }
}

TEST(LedgerPayloads, LinkedMessagesAreOptionalNonEmptyAndStrictlyIncreasing) {
  auto d = Valid("item.linked");
  d.erase("messages");
  EXPECT_TRUE(Parse(7, "item.linked", d).ok()) << "without: the whole item";
  d["messages"] = nlohmann::json::array();
  EXPECT_EQ(ErrorOf("item.linked", d), "entry 7 (item.linked): field \"messages\": is empty");
  for (const nlohmann::json& bad : {nlohmann::json({2, 1}), nlohmann::json({1, 1})}) {
    d["messages"] = bad;
    EXPECT_EQ(ErrorOf("item.linked", d),
              "entry 7 (item.linked): field \"messages\": expected strictly increasing message "
              "numbers");
  }
  d["messages"] = {0, -1};
  EXPECT_NE(ErrorOf("item.linked", d).find("field \"messages\""), std::string::npos);
  auto p = Parse(7, "item.linked", Valid("item.linked"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<ItemLinked>(*p).messages, (std::vector<std::uint64_t>{0, 2}));
}

TEST(LedgerPayloads, UnknownFieldIsRefused) {
  auto d = Valid("item.linked");
  d["smuggled"] = "x";
  EXPECT_EQ(ErrorOf("item.linked", d), "entry 7 (item.linked): unknown field \"smuggled\"");
  auto m = Valid("item.metadata");
  m["messages"]["extra"] = 1;
  EXPECT_EQ(ErrorOf("item.metadata", m),
            "entry 7 (item.metadata): unknown field \"messages.extra\"");
}

TEST(LedgerPayloads, ExtremeNumbersAreRefused) {
  auto d = Valid("item.ingested");
  d["size"] = -1;
  EXPECT_EQ(ErrorOf("item.ingested", d),
            "entry 7 (item.ingested): field \"size\": expected an unsigned integer, not a "
            "negative one");
  d["size"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(ErrorOf("item.ingested", d),
            "entry 7 (item.ingested): field \"size\": out of range (more than 2^63 - 1)");
  d["size"] = kMaxUnsigned;
  EXPECT_TRUE(Parse(7, "item.ingested", d).ok());
  auto ts = Valid("timestamp.attached");
  ts["checkpoint_size"] = 0;
  ts["token"] = "timestamps/0.tsr";
  EXPECT_NE(ErrorOf("timestamp.attached", ts).find("must be at least 1"), std::string::npos);
}

TEST(LedgerPayloads, HugeStringsAreRefused) {
  const std::string mib(1 << 20, 'x');
  for (auto [action, field] : {std::pair{"item.ingested", "name"},
                               {"item.ingested", "note"},
                               {"incident.recorded", "what"},
                               {"item.accessed", "to"},
                               {"export.created", "recipient"}}) {
    auto d = Valid(action);
    d[field] = mib;
    EXPECT_NE(ErrorOf(action, d).find("field \"" + std::string(field) + "\": longer than"),
              std::string::npos)
        << action << "." << field;
  }
}

TEST(LedgerPayloads, PatternsAreChecked) {
  struct Case {
    const char* action;
    const char* field;
    nlohmann::json value;
  };
  const Case cases[] = {
      {"item.ingested", "item", "EX-1"},
      {"item.ingested", "item", "../EX-0001"},
      {"item.ingested", "sha256", std::string(64, 'A')},
      {"item.ingested", "sha256", std::string(63, 'a')},
      {"item.ingested", "kind", "Photo\n"},
      {"item.ingested", "media_type", "jpeg"},
      {"item.ingested", "incident", "INC-1"},
      {"item.ingested", "name", ""},
      {"item.ingested", "name_hex", "abc"},
      {"item.linked", "incident", "INC-00x1"},
      {"incident.recorded", "at", "yesterday"},
      {"incident.recorded", "at", "2026-03-14T18:20:00"},  // an incident's time has its offset
      {"incident.recorded", "at", "2026-13-14T18:20:00Z"},
      {"incident.recorded", "behaviours", nlohmann::json::array()},
      {"incident.recorded", "behaviours", {"teleportation"}},
      {"incident.recorded", "what", "   "},
      {"key.added", "fingerprint", "SHA256:xyz"},
      {"key.added", "public_key", "AAAA"},
      {"key.added", "key", "jane doe"},
      {"key.added", "endorsement", "AAAA"},
      {"case.created", "case", "not-a-uuid"},
      {"case.created", "exhibit_prefix", "../x"},
      {"case.created", "format", 2},
      {"case.created", "origin", "evidence.case/other"},
      {"timestamp.attached", "gen_time", "2026-03-14T18:20:00+01:00"},
      {"timestamp.attached", "token", "../../etc/passwd"},
      {"timestamp.attached", "policy", "1..2"},
      {"timestamp.attached", "serial", "XYZ"},
      {"bundle.received", "custody_carried", {1, -2}},
      {"bundle.received", "sender_case", ""},
      {"export.created", "items", {"EX-0001", 5}},
  };
  for (const auto& c : cases) {
    auto d = Valid(c.action);
    d[c.field] = c.value;
    std::string msg = ErrorOf(c.action, d);
    EXPECT_NE(msg.find("entry 7 (" + std::string(c.action) + "): field \"" + c.field + "\""),
              std::string::npos)
        << c.action << "." << c.field << " = " << c.value.dump() << ": " << msg;
  }
}

TEST(LedgerPayloads, AmendmentMustChangeSomething) {
  auto d = Valid("incident.amended");
  d["changes"] = nlohmann::json::object();
  EXPECT_EQ(ErrorOf("incident.amended", d),
            "entry 7 (incident.amended): field \"changes\": changes nothing");
  d["changes"] = {{"at", 5}};
  EXPECT_EQ(ErrorOf("incident.amended", d),
            "entry 7 (incident.amended): field \"changes.at\": expected a string");
  d["changes"] = "x";
  EXPECT_EQ(ErrorOf("incident.amended", d),
            "entry 7 (incident.amended): field \"changes\": expected an object");
}

TEST(LedgerPayloads, DeepMetadataIsRefused) {
  nlohmann::json deep = nlohmann::json::object();
  for (int i = 0; i < 40; ++i) deep = {{"a", deep}};
  auto d = Valid("item.metadata");
  d["metadata"] = deep;
  EXPECT_NE(ErrorOf("item.metadata", d).find("field \"metadata\": nested deeper than"),
            std::string::npos);
}

TEST(LedgerPayloads, ChildAndReceivedItemsCarryTheirCompanions) {
  auto d = Valid("item.ingested");
  d["parent"] = "EX-0001";
  EXPECT_EQ(ErrorOf("item.ingested", d),
            "entry 7 (item.ingested): field \"member\": missing (the item has a parent)");
  d["member"] = "WhatsApp Chat/IMG-1.jpg";
  EXPECT_TRUE(Parse(7, "item.ingested", d).ok());
  auto r = Valid("item.ingested");
  r["received_from"] = kUuid;
  r["source_entry"] = 4;
  EXPECT_NE(ErrorOf("item.ingested", r).find("field \"bundle\": missing"), std::string::npos);
}

TEST(LedgerPayloads, RawNameComesFromNameHex) {
  auto d = Valid("item.ingested");
  d["name"] = "a\xEF\xBF\xBD.jpg";
  d["name_hex"] = "61ff2e6a7067";
  auto p = ParseAs<ItemIngested>(7, d);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->RawName(), std::string("a\xff.jpg"));
}

TEST(LedgerPayloads, Rfc3339Forms) {
  EXPECT_TRUE(IsRfc3339("2026-03-14T18:20:00.000Z", true));
  EXPECT_TRUE(IsRfc3339("2026-03-14T18:20:00-05:30", true));
  EXPECT_TRUE(IsRfc3339("2026-03-14T18:20:00.5", false));
  EXPECT_FALSE(IsRfc3339("2026-03-14T18:20:00.5", true));
  EXPECT_FALSE(IsRfc3339("2026-03-14 18:20:00Z", true));
  EXPECT_FALSE(IsRfc3339("2026-03-14T24:00:00Z", true));
  EXPECT_FALSE(IsRfc3339("2026-03-14T18:20:00.Z", true));
  EXPECT_FALSE(IsRfc3339("2026-03-14T18:20:00Zjunk", true));
}

// ParseLedgerEntry, which every reader of the ledger uses, refuses a bad payload the same way.
TEST(LedgerPayloads, ParseLedgerEntryChecksThePayload) {
  LedgerEntry e;
  e.seq = 9;
  e.time = "2026-03-14T18:20:00.000Z";
  e.actor = "jane-doe";
  e.action = "incident.recorded";
  e.data = Valid("incident.recorded");
  e.data["at"] = 5;
  auto bytes = e.Encode();
  ASSERT_TRUE(bytes.ok());
  auto parsed = ParseLedgerEntry(*bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(parsed.status().message(),
            "entry 9 (incident.recorded): field \"at\": expected a string");
}

}  // namespace
}  // namespace evidence::payload
