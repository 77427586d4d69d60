// The JSON report against schemas/report.schema.json, checked by an independent validator
// (Python's jsonschema, Debian python3-jsonschema), plus the no-floats rule and the schema's own
// strictness.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evidence/incident.hpp"
#include "evidence/report.hpp"
#include "report_fixture.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using nlohmann::json;
using testing::HostileCase;
using testing::RealisticCase;
using testing::TempDir;

// Debian's interpreter on purpose: a python3 earlier in PATH (pyenv, venv) may lack jsonschema.
constexpr char kPython[] = "/usr/bin/python3";

constexpr char kValidator[] = R"py(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        print("invalid", path, "/".join(str(p) for p in e.absolute_path), e.message[:160])
    else:
        print("ok", path)
)py";

std::string SchemaText() {
  return testing::ReadFile(std::string(EVIDENCE_SOURCE_DIR) + "/schemas/report.schema.json");
}

// The JSON report, or "{}" (which parses) after the test failure Rendered records.
std::string Render(const ReportData& d) {
  std::string json = testing::Rendered(d, ReportFormat::kJson);
  return json.empty() ? "{}" : json;
}

// Validates each named document with the schema; returns the validator's verdict line for each.
std::map<std::string, std::string> Validate(const std::map<std::string, std::string>& docs) {
  std::map<std::string, std::string> verdicts;
  auto probe = testing::RunProgram({kPython, "-c", "import jsonschema"});
  EXPECT_EQ(probe.exit_code, 0)
      << "python3-jsonschema is missing (" << probe.err
      << "); run scripts/install-deps.sh as root, or apt-get install python3-jsonschema";
  if (probe.exit_code != 0) return verdicts;
  TempDir dir;
  testing::WriteFile(dir / "report.schema.json", SchemaText());
  testing::WriteFile(dir / "validate.py", kValidator);
  std::vector<std::string> argv = {kPython, (dir / "validate.py").string(),
                                   (dir / "report.schema.json").string()};
  for (const auto& [name, text] : docs) {
    testing::WriteFile(dir / (name + ".json"), text);
    argv.push_back((dir / (name + ".json")).string());
  }
  auto r = testing::RunProgram(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    for (const auto& [name, text] : docs) {
      if (line.find("/" + name + ".json") != std::string::npos) verdicts[name] = line;
    }
  }
  EXPECT_EQ(verdicts.size(), docs.size()) << r.out << r.err;
  return verdicts;
}

ReportData FullyFilled() {
  ReportData d = RealisticCase();
  d.since = "2026-03-01";
  d.until = "2026-03-31 23:59";
  auto& amended = d.incidents[2];
  for (auto& v : amended.versions) {
    v.at = amended.at;
    v.until = amended.until;
    v.behaviours = amended.behaviours;
  }
  d.message_counts.push_back({"2026-03-12", "", "EX-0004", 2});  // an unnamed sender
  d.items[1].captured = "2026:03:09 08:01:40";                   // evidence times may be unreadable
  d.events.push_back({"2026-02-31T10:00:00", "capture", "EX-0002", "photo card.jpg"});
  d.call_counts.push_back({"2026-03-02", "+15550000001", "Alex", "EX-0005", 43, 38});
  d.call_counts.push_back({"2026-03-03", "(withheld)", "", "EX-0005", 1, 0});
  // A linked message the case does not hold, and one without a time.
  LinkedMessageQuote missing;
  missing.item = "EX-0004";
  missing.index = 999;
  d.quoted_messages["INC-0005"].push_back(missing);
  d.quoted_messages["INC-0005"].push_back(testing::Quote("EX-0004", 3, std::nullopt, "", "hi"));
  return d;
}

TEST(JsonReport, ValidatesAgainstTheSchema) {
  auto verdicts = Validate({{"realistic", Render(RealisticCase())},
                            {"hostile", Render(HostileCase())},
                            {"empty", Render(testing::EmptyCase())},
                            {"filled", Render(FullyFilled())}});
  for (const auto& [name, verdict] : verdicts) {
    EXPECT_EQ(verdict.rfind("ok ", 0), 0u) << name << ": " << verdict;
  }
}

TEST(JsonReport, SchemaRejectsWhatTheReportNeverWrites) {
  json base = json::parse(Render(RealisticCase()));
  std::map<std::string, json> bad;
  bad["extra-top-level"] = base;
  bad["extra-top-level"]["verdict"] = "guilty";
  bad["float-count"] = base;
  bad["float-count"]["summary"]["incidents"] = 10.5;
  bad["negative-size"] = base;
  bad["negative-size"]["items"][0]["size"] = -1;
  bad["upper-case-hash"] = base;
  bad["upper-case-hash"]["items"][0]["sha256"] = std::string(64, 'A');
  bad["bad-week"] = base;
  bad["bad-week"]["summary"]["by_week"][0]["week"] = "2026-W54";
  bad["missing-summary"] = base;
  bad["missing-summary"].erase("summary");
  bad["no-versions"] = base;
  bad["no-versions"]["incidents"][0]["versions"] = json::array();
  bad["unknown-behaviour"] = base;
  bad["unknown-behaviour"]["incidents"][0]["behaviours"].push_back("stalking-by-drone");
  bad["bad-event-kind"] = base;
  bad["bad-event-kind"]["events"][0]["kind"] = "download";
  bad["first-without-last"] = base;
  bad["first-without-last"]["summary"].erase("last_date");
  bad["extra-in-item"] = base;
  bad["extra-in-item"]["items"][0]["colour"] = "red";
  bad["time-not-rfc3339"] = base;
  bad["time-not-rfc3339"]["incidents"][0]["at"] = "14/03/2026 18:20";
  bad["wrong-version"] = base;
  bad["wrong-version"]["report_version"] = 2;
  std::map<std::string, std::string> docs;
  for (const auto& [name, doc] : bad) docs[name] = doc.dump();
  auto verdicts = Validate(docs);
  for (const auto& [name, verdict] : verdicts) {
    EXPECT_EQ(verdict.rfind("invalid ", 0), 0u) << name << ": " << verdict;
  }
}

void ExpectNoFloats(const json& j, const std::string& path) {
  EXPECT_FALSE(j.is_number_float()) << path;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) ExpectNoFloats(v, path + "/" + k);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) ExpectNoFloats(j[i], path + "/" + std::to_string(i));
  }
}

TEST(JsonReport, IntegersAndStringsOnly) {
  for (const auto& d : {RealisticCase(), HostileCase(), FullyFilled()}) {
    std::string text = Render(d);
    ExpectNoFloats(json::parse(text), "");
  }
}

TEST(JsonReport, CarriesTheDataAndTheSummary) {
  ReportData d = FullyFilled();
  json j = json::parse(Render(d));
  ReportSummary s = Summarize(d);
  EXPECT_EQ(j["report_version"], 1);
  EXPECT_EQ(j["case"]["name"], d.case_name);
  EXPECT_EQ(j["window"]["since"], "2026-03-01");
  EXPECT_EQ(j["integrity"]["ledger_size"], 137);
  EXPECT_EQ(j["integrity"]["checkpoint_root"], d.checkpoint_root);
  EXPECT_EQ(j["summary"]["incidents"], s.incidents);
  EXPECT_EQ(j["summary"]["first_date"], "2026-02-27");
  EXPECT_EQ(j["summary"]["last_date"], "2026-04-01");
  EXPECT_EQ(j["summary"]["separate_days"], 10);
  ASSERT_EQ(j["summary"]["by_week"].size(), 6u);
  EXPECT_EQ(j["summary"]["by_week"][3], (json{{"week", "2026-W12"}, {"incidents", 0}}));
  EXPECT_EQ(j["summary"]["by_behaviour"][0], (json{{"behaviour", "following"}, {"incidents", 2}}));
  EXPECT_EQ(j["summary"]["messages"], 34);
  EXPECT_EQ(j["summary"]["messages_by_sender"][1], (json{{"sender", ""}, {"messages", 2}}));
  EXPECT_EQ(j["summary"]["exhibits"], 6);
  const json& amended = j["incidents"][2];
  EXPECT_EQ(amended["id"], "INC-0003");
  EXPECT_EQ(amended["until"], "2026-03-05T17:50:00+00:00");
  ASSERT_EQ(amended["versions"].size(), 2u);
  EXPECT_EQ(amended["versions"][0]["entry_seq"], 27);
  EXPECT_FALSE(amended["versions"][0].contains("reason"));
  EXPECT_EQ(amended["versions"][1]["reason"],
            "Remembered the wait at the exit; the guard gave his name.");
  EXPECT_EQ(amended["versions"][1]["behaviours"], (json{"following"}));
  EXPECT_EQ(j["items"][3]["size"], 5502231);
  EXPECT_FALSE(j["items"][3].contains("captured"));
  EXPECT_EQ(j["events"].size(), d.events.size());
  EXPECT_EQ(j["events"].back()["time"], "2026-02-31T10:00:00");  // unreadable ones last
  EXPECT_EQ(j["events"][2]["summary"], "Alex: Why are you ignoring me?");
  // Without dated incidents the dates are absent, not empty.
  json empty = json::parse(Render(testing::EmptyCase()));
  EXPECT_FALSE(empty["summary"].contains("first_date"));
  EXPECT_EQ(empty["summary"]["by_week"], json::array());
}

TEST(JsonReport, BrokenUtf8BecomesReplacementCharacters) {
  ReportData d = RealisticCase();
  d.incidents[0].what = "bad \xff byte";
  d.incidents[0].versions[0].what = d.incidents[0].what;
  json j = json::parse(Render(d));
  EXPECT_EQ(j["incidents"][0]["what"], "bad \xEF\xBF\xBD byte");
}

// Every object in the schema closes its properties, so the report cannot grow fields unnoticed.
void ExpectClosedObjects(const json& schema, const std::string& path) {
  if (schema.is_object()) {
    if (schema.value("type", "") == "object") {
      EXPECT_EQ(schema.value("additionalProperties", true), false) << path;
      EXPECT_TRUE(schema.contains("required")) << path;
    }
    for (const auto& [k, v] : schema.items()) ExpectClosedObjects(v, path + "/" + k);
  } else if (schema.is_array()) {
    for (const auto& v : schema) ExpectClosedObjects(v, path);
  }
}

TEST(JsonSchema, IsStrictAndMatchesTheDiaryBehaviours) {
  json schema = json::parse(SchemaText());
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  ExpectClosedObjects(schema, "");
  std::vector<std::string> expected(std::begin(kBehaviours), std::end(kBehaviours));
  EXPECT_EQ(schema["$defs"]["behaviour"]["enum"].get<std::vector<std::string>>(), expected);
}

}  // namespace
}  // namespace evidence
