// The typed parsers of a bundle's JSON members (bundle_verify_members.hpp): every wrong type,
// missing field or bad value is a kCorruption naming the member, the element and the field.
#include <gtest/gtest.h>

#include "bundle_verify_members.hpp"

namespace evidence::bundle_internal {
namespace {

const char* kItem = R"([{"exhibit": "EX-0001", "path": "data/items/EX-0001/a.txt", "name": "a.txt",
  "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 5,
  "media_type": "text/plain", "kind": "document", "captured": null,
  "ingested": "2026-03-01T07:50:00.000Z", "entry": 2, "metadata": {}}])";

std::string With(const std::string& field, const std::string& value) {
  std::string text = kItem;
  auto at = text.find("\"" + field + "\": ");
  auto start = at + field.size() + 4;
  // The value ends at the next comma or brace; "metadata" is the last field and holds "{}".
  auto end = field == "metadata" ? start + 2 : text.find_first_of(",}", start);
  if (value.empty()) return text.substr(0, at) + text.substr(text.find_first_not_of(", \n", end));
  return text.substr(0, start) + value + text.substr(end);
}

TEST(BundleMembers, ValidItemParses) {
  auto items = ParseItemsJson(kItem);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].exhibit, "EX-0001");
  EXPECT_EQ((*items)[0].size, 5u);
  EXPECT_FALSE((*items)[0].captured);
}

TEST(BundleMembers, WrongTypeNamesMemberElementAndField) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"size", "\"5\"", "\"size\" is string, not an unsigned integer"},
      {"size", "-1", "\"size\" is number, not an unsigned integer"},
      {"exhibit", "1", "\"exhibit\" is number, not a string"},
      {"exhibit", "\"../x\"", "\"exhibit\" is not an exhibit id"},
      {"sha256", "\"ABC\"", "\"sha256\" is not 64 lower-case hex digits"},
      {"captured", "5", "\"captured\" is number, not a string or null"},
      {"metadata", "[]", "\"metadata\" is array, not an object"},
      {"entry", "null", "\"entry\" is null, not an unsigned integer"},
      {"name", "", "\"name\" is missing"}};
  for (const auto& [field, value, needle] : cases) {
    SCOPED_TRACE(field + " = " + value);
    auto items = ParseItemsJson(With(field, value));
    ASSERT_FALSE(items.ok());
    EXPECT_EQ(items.status().code(), StatusCode::kCorruption);
    EXPECT_NE(items.status().message().find("evidence/items.json element 0"), std::string::npos)
        << items.status().message();
    EXPECT_NE(items.status().message().find(needle), std::string::npos) << items.status().message();
  }
}

TEST(BundleMembers, NotJsonOrNotAnArrayIsCorruption) {
  for (const char* text : {"", "{", "{}", "5", "null", "[1]"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseItemsJson(text).status().code(), StatusCode::kCorruption);
    EXPECT_EQ(ParseIncidentsJson(text).status().code(), StatusCode::kCorruption);
    EXPECT_EQ(ParseKeysJson(text).status().code(), StatusCode::kCorruption);
  }
  EXPECT_FALSE(ParseProofsJson("[]", "evidence/proofs.json").ok());
  EXPECT_FALSE(ParseConsistencyJson("{}", "evidence/consistency.json").ok());
}

TEST(BundleMembers, MalformedProofElementIsNamedNotFatal) {
  auto proofs = ParseProofsJson(
      R"({"tree_size": 3, "entries": [{"seq": "0", "inclusion_path": []}, {"seq": 1,
      "inclusion_path": ["zz"]}]})",
      "evidence/proofs.json");
  ASSERT_TRUE(proofs.ok()) << proofs.status().ToString();
  ASSERT_EQ(proofs->entries.size(), 2u);
  EXPECT_NE(proofs->entries[0].problem.find("element 0: \"seq\" is string"), std::string::npos)
      << proofs->entries[0].problem;
  EXPECT_NE(proofs->entries[1].problem.find("\"inclusion_path\" holds something other"),
            std::string::npos)
      << proofs->entries[1].problem;
}

TEST(BundleMembers, IncidentVersionsMustBeANonEmptyArrayOfObjects) {
  auto empty = ParseIncidentsJson(
      R"([{"id": "INC-0001", "at": "x", "until": null, "behaviours": [], "what": "w",
      "where": "", "witnesses": [], "items": [], "versions": []}])");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("(INC-0001): \"versions\" is empty"), std::string::npos)
      << empty.status().message();
  auto wrong = ParseIncidentsJson(
      R"([{"id": "INC-0001", "at": "x", "until": null, "behaviours": [1], "what": "w",
      "where": "", "witnesses": [], "items": [], "versions": [{}]}])");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("\"behaviours\""), std::string::npos)
      << wrong.status().message();
}

// An incident as IncidentToJson writes it, with `messages` (a JSON value, or "" for none).
std::string IncidentWithMessages(const std::string& messages) {
  return R"([{"id": "INC-0001", "at": "2026-03-01T07:50:00+00:00", "until": null,
      "behaviours": ["gift"], "what": "w", "where": "", "witnesses": [], "items": ["EX-0001"],)" +
         (messages.empty() ? std::string() : "\"messages\": " + messages + ",") +
         R"("versions": [{"entry": 3, "recorded": "2026-03-01T08:00:00.000Z",
      "action": "incident.recorded", "at": "2026-03-01T07:50:00+00:00", "behaviours": ["gift"],
      "what": "w", "where": "", "witnesses": []}]}])";
}

TEST(BundleMembers, IncidentMessagesAreReadWhenListed) {
  auto listed = ParseIncidentsJson(IncidentWithMessages(
      R"([{"item": "EX-0001", "index": 130}, {"item": "EX-0001", "index": 2}])"));
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_TRUE((*listed)[0].lists_messages);
  ASSERT_EQ((*listed)[0].messages.size(), 2u);
  EXPECT_EQ((*listed)[0].messages[0].item, "EX-0001");
  EXPECT_EQ((*listed)[0].messages[0].index, 130u);
  auto none = ParseIncidentsJson(IncidentWithMessages("[]"));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE((*none)[0].lists_messages);
  // A file without the key reads as it always did: nothing listed, nothing to compare.
  auto absent = ParseIncidentsJson(IncidentWithMessages(""));
  ASSERT_TRUE(absent.ok()) << absent.status().message();
  EXPECT_FALSE((*absent)[0].lists_messages);
  EXPECT_TRUE((*absent)[0].messages.empty());
}

TEST(BundleMembers, IncidentMessagesOfTheWrongShapeNameTheField) {
  for (const std::string bad :
       {R"({})", R"([1])", R"([{"item": "EX-0001"}])", R"([{"item": "EX-0001", "index": -1}])",
        R"([{"item": 5, "index": 1}])"}) {
    SCOPED_TRACE(bad);
    auto r = ParseIncidentsJson(IncidentWithMessages(bad));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("evidence/incidents.json element 0 (INC-0001): "
                                        "\"messages\""),
              std::string::npos)
        << r.status().message();
  }
}

}  // namespace
}  // namespace evidence::bundle_internal
