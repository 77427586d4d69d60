// The JSON report: the data and its summary for other programs, in the shape fixed by
// schemas/report.schema.json. Integers and strings only, never floating-point numbers, like the
// ledger; keys in a fixed, readable order.
#include <nlohmann/json.hpp>

#include "report_internal.hpp"

namespace evidence::report_internal {

namespace {

using Json = nlohmann::ordered_json;

Json Strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

Json Counts(const std::vector<std::pair<std::string, std::uint64_t>>& v, const char* name_key,
            const char* count_key) {
  Json a = Json::array();
  for (const auto& [name, n] : v) a.push_back(Json{{name_key, name}, {count_key, n}});
  return a;
}

Json Version(const IncidentVersion& v) {
  Json j;
  j["recorded"] = v.recorded;
  j["entry_seq"] = v.entry_seq;
  if (!v.at.empty()) j["at"] = v.at;
  if (v.until) j["until"] = *v.until;
  if (!v.behaviours.empty()) j["behaviours"] = Strings(v.behaviours);
  j["what"] = v.what;
  j["where"] = v.where;
  j["witnesses"] = Strings(v.witnesses);
  if (!v.reason.empty()) j["reason"] = v.reason;
  return j;
}

Json Tallies(const std::vector<ReportSummary::CallTally>& v, const char* name_key) {
  Json a = Json::array();
  for (const auto& t : v)
    a.push_back(Json{{name_key, t.key}, {"calls", t.calls}, {"missed", t.missed}});
  return a;
}

Json Window(const ReportData& data) {
  Json window = Json::object();
  if (data.since) window["since"] = *data.since;
  if (data.until) window["until"] = *data.until;
  return window;
}

Json Summary(const ReportSummary& summary) {
  Json s;
  s["incidents"] = summary.incidents;
  if (summary.first_date) s["first_date"] = *summary.first_date;
  if (summary.last_date) s["last_date"] = *summary.last_date;
  s["separate_days"] = summary.separate_days;
  s["by_behaviour"] = Counts(summary.by_behaviour, "behaviour", "incidents");
  s["by_week"] = Counts(summary.by_week, "week", "incidents");
  s["messages"] = summary.messages;
  s["messages_by_sender"] = Counts(summary.messages_by_sender, "sender", "messages");
  s["messages_by_day"] = Counts(summary.messages_by_day, "date", "messages");
  s["exhibits"] = summary.exhibits;
  s["calls"] = summary.calls;
  s["missed_calls"] = summary.missed_calls;
  s["calls_by_day"] = Tallies(summary.calls_by_day, "date");
  s["calls_by_number"] = Tallies(summary.calls_by_number, "number");
  return s;
}

// A linked message: where it is and, when the case holds it, what it says.
Json QuoteJson(const LinkedMessageQuote& q) {
  Json j = Json{{"item", q.item}, {"index", q.index}};
  if (!q.found) return j;
  if (q.time) j["time"] = *q.time;
  j["sender"] = q.sender;
  j["text"] = q.text;
  return j;
}

Json IncidentJson(const ReportData& data, const Incident& inc) {
  Json versions = Json::array();
  for (const auto& v : inc.versions) versions.push_back(Version(v));
  Json messages = Json::array();
  if (auto q = data.quoted_messages.find(inc.id); q != data.quoted_messages.end()) {
    for (const auto& m : q->second) messages.push_back(QuoteJson(m));
  }
  Json i = Json{{"id", inc.id}, {"at", inc.at}};
  if (inc.until) i["until"] = *inc.until;
  i.update(Json{{"behaviours", Strings(inc.behaviours)},
                {"what", inc.what},
                {"where", inc.where},
                {"witnesses", Strings(inc.witnesses)},
                {"items", Strings(inc.items)},
                {"versions", versions},
                {"messages", messages}});
  return i;
}

Json ItemJson(const ReportItem& it) {
  Json i = Json{{"exhibit", it.exhibit},       {"name", it.name}, {"kind", it.kind},
                {"media_type", it.media_type}, {"size", it.size}, {"sha256", it.sha256}};
  if (it.captured && !it.captured->empty()) i["captured"] = *it.captured;
  i["ingested"] = it.ingested;
  if (!it.warnings.empty()) i["warnings"] = Strings(it.warnings);
  return i;
}

Json MessageCounts(const ReportData& data) {
  Json counts = Json::array();
  for (const auto& mc : data.message_counts) {
    counts.push_back(
        Json{{"date", mc.date}, {"sender", mc.sender}, {"item", mc.item}, {"messages", mc.count}});
  }
  return counts;
}

Json CallCounts(const ReportData& data) {
  Json calls = Json::array();
  for (const auto* cc : CallCountsByDay(data)) {
    calls.push_back(Json{{"date", cc->date},
                         {"number", cc->number},
                         {"contact", cc->contact},
                         {"item", cc->item},
                         {"calls", cc->calls},
                         {"missed", cc->missed}});
  }
  return calls;
}

// Events in timeline order, so that a reader of the JSON sees the same sequence as the HTML.
Json Events(const ReportData& data) {
  Json events = Json::array();
  for (const auto& row : BuildTimeline(data)) {
    if (row.event == nullptr) continue;
    const ReportEvent& ev = *row.event;
    events.push_back(
        Json{{"time", ev.time}, {"kind", ev.kind}, {"item", ev.item}, {"summary", ev.summary}});
  }
  return events;
}

}  // namespace

// The keys in the order of schemas/report.schema.json and docs/report.md.
std::string RenderJson(const ReportData& data, const ReportSummary& summary) {
  Json j;
  j["report_version"] = 1;
  j["case"] = Json{{"name", data.case_name}, {"uuid", data.case_uuid}, {"owner", data.owner}};
  j["generated"] = data.generated;
  j["window"] = Window(data);
  j["integrity"] = Json{{"ledger_size", data.ledger_size},
                        {"checkpoint_root", data.checkpoint_root},
                        {"key_fingerprint", data.key_fingerprint}};
  j["summary"] = Summary(summary);
  j["incidents"] = Json::array();
  for (const auto& inc : data.incidents) j["incidents"].push_back(IncidentJson(data, inc));
  j["items"] = Json::array();
  for (const auto& it : data.items) j["items"].push_back(ItemJson(it));
  j["message_counts"] = MessageCounts(data);
  j["call_counts"] = CallCounts(data);
  j["events"] = Events(data);

  // Ill-formed UTF-8 from a damaged source becomes U+FFFD rather than an exception.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace evidence::report_internal
