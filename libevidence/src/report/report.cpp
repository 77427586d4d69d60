// The report's facts (Summarize), its input checks, and the choice of renderer.
#include "evidence/report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "evidence/incident.hpp"
#include "report_internal.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace ri = report_internal;

namespace {

bool IsLowerHex(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool KnownBehaviour(std::string_view b) {
  return std::find(std::begin(kBehaviours), std::end(kBehaviours), b) != std::end(kBehaviours);
}

Status BadTime(const std::string& where, const std::string& value) {
  return Status::InvalidArgument("report: " + where + ": \"" + value +
                                 "\" is not a date and time (YYYY-MM-DD[THH:MM[:SS]][Z|+hh:mm])");
}

Status CheckBehaviours(const std::string& where, const std::vector<std::string>& behaviours) {
  for (const auto& b : behaviours) {
    if (!KnownBehaviour(b)) {
      return Status::InvalidArgument("report: " + where + ": unknown behaviour \"" + b + "\"");
    }
  }
  return Status::Ok();
}

// Sorts counts most first, then by name, so that equal counts come out the same on every run.
void SortByCountDesc(std::vector<std::pair<std::string, std::uint64_t>>* v) {
  std::sort(v->begin(), v->end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

}  // namespace

namespace report_internal {

// Times the case writes itself (diary, ledger, ingest) must be in the grammar: anything else is
// corruption. Times read out of evidence (capture times, message times) are the source's word and
// are shown as written when they cannot be read, so one odd file never stops the report.
Status Validate(const ReportData& data) {
  if (!IsReportTime(data.generated)) return BadTime("generated", data.generated);
  if (!IsLowerHex(data.checkpoint_root, 64)) {
    return Status::InvalidArgument("report: checkpoint root \"" + data.checkpoint_root +
                                   "\" is not 64 lower-case hex digits");
  }
  for (const auto& inc : data.incidents) {
    const std::string where = "incident " + inc.id;
    if (inc.id.empty()) return Status::InvalidArgument("report: an incident has no id");
    if (!IsReportTime(inc.at)) return BadTime(where + " at", inc.at);
    if (inc.until && !IsReportTime(*inc.until)) return BadTime(where + " until", *inc.until);
    EVIDENCE_RETURN_IF_ERROR(CheckBehaviours(where, inc.behaviours));
    if (inc.versions.empty()) {
      return Status::InvalidArgument("report: " + where + ": no versions (the original is one)");
    }
    for (size_t i = 0; i < inc.versions.size(); ++i) {
      const auto& v = inc.versions[i];
      const std::string vwhere = where + " version " + std::to_string(i + 1);
      if (!IsReportTime(v.recorded)) return BadTime(vwhere + " recorded", v.recorded);
      if (!v.at.empty() && !IsReportTime(v.at)) return BadTime(vwhere + " at", v.at);
      if (v.until && !IsReportTime(*v.until)) return BadTime(vwhere + " until", *v.until);
      EVIDENCE_RETURN_IF_ERROR(CheckBehaviours(vwhere, v.behaviours));
    }
  }
  for (const auto& item : data.items) {
    if (item.exhibit.empty()) return Status::InvalidArgument("report: an item has no exhibit id");
    const std::string where = "item " + item.exhibit;
    if (!IsLowerHex(item.sha256, 64)) {
      return Status::InvalidArgument("report: " + where + ": sha256 \"" + item.sha256 +
                                     "\" is not 64 lower-case hex digits");
    }
    if (!IsReportTime(item.ingested)) return BadTime(where + " ingested", item.ingested);
  }
  for (const auto& mc : data.message_counts) {
    if (mc.date.size() != 10 || !DatePart(mc.date)) {
      return Status::InvalidArgument("report: message count of " + mc.item + ": \"" + mc.date +
                                     "\" is not a date (YYYY-MM-DD)");
    }
  }
  for (const auto& cc : data.call_counts) {
    if (cc.date.size() != 10 || !DatePart(cc.date)) {
      return Status::InvalidArgument("report: call count of " + cc.item + ": \"" + cc.date +
                                     "\" is not a date (YYYY-MM-DD)");
    }
  }
  for (const auto& ev : data.events) {
    if (ev.kind != "capture" && ev.kind != "message") {
      return Status::InvalidArgument("report: event of " + ev.item + ": unknown kind \"" + ev.kind +
                                     "\" (capture or message)");
    }
  }
  return Status::Ok();
}

}  // namespace report_internal

ReportSummary Summarize(const ReportData& data) {
  ReportSummary s;
  s.incidents = data.incidents.size();
  s.exhibits = data.items.size();

  std::set<std::int64_t> days;
  std::map<std::string, std::uint64_t> behaviours;
  std::map<ri::IsoWeek, std::uint64_t> weeks;
  for (const auto& inc : data.incidents) {
    // An incident that names a behaviour twice is still one incident of that behaviour.
    std::set<std::string> seen(inc.behaviours.begin(), inc.behaviours.end());
    for (const auto& b : seen) behaviours[b]++;
    auto date = ri::DatePart(inc.at);
    if (!date) continue;
    days.insert(ri::DaysFromCivil(*date));
    weeks[ri::IsoWeekOf(*date)]++;
  }
  s.separate_days = days.size();
  if (!days.empty()) {
    s.first_date = ri::FormatDate(ri::CivilFromDays(*days.begin()));
    s.last_date = ri::FormatDate(ri::CivilFromDays(*days.rbegin()));
  }
  for (const auto& [b, n] : behaviours) s.by_behaviour.emplace_back(b, n);
  SortByCountDesc(&s.by_behaviour);

  if (!weeks.empty()) {
    // Every week from the first to the last, empty ones included: gaps and escalation are part
    // of the pattern.
    std::int64_t first = ri::DaysFromCivil(ri::IsoWeekMonday(weeks.begin()->first));
    std::int64_t last = ri::DaysFromCivil(ri::IsoWeekMonday(weeks.rbegin()->first));
    for (std::int64_t monday = first; monday <= last; monday += 7) {
      ri::IsoWeek w = ri::IsoWeekOf(ri::CivilFromDays(monday));
      auto it = weeks.find(w);
      s.by_week.emplace_back(ri::IsoWeekLabel(w), it == weeks.end() ? 0 : it->second);
    }
  }

  std::map<std::string, std::uint64_t> senders;
  std::map<std::string, std::uint64_t> msg_days;
  for (const auto& mc : data.message_counts) {
    s.messages += mc.count;
    senders[mc.sender] += mc.count;
    msg_days[mc.date] += mc.count;
  }
  for (const auto& [sender, n] : senders) s.messages_by_sender.emplace_back(sender, n);
  SortByCountDesc(&s.messages_by_sender);
  for (const auto& [date, n] : msg_days) s.messages_by_day.emplace_back(date, n);

  std::map<std::string, ReportSummary::CallTally> call_days, call_numbers;
  for (const auto& cc : data.call_counts) {
    s.calls += cc.calls;
    s.missed_calls += cc.missed;
    for (auto* tally : {&call_days[cc.date], &call_numbers[cc.number]}) {
      tally->calls += cc.calls;
      tally->missed += cc.missed;
    }
  }
  for (auto& [date, t] : call_days) {
    t.key = date;
    s.calls_by_day.push_back(t);
  }
  for (auto& [number, t] : call_numbers) {
    t.key = number;
    s.calls_by_number.push_back(t);
  }
  std::stable_sort(s.calls_by_number.begin(), s.calls_by_number.end(),
                   [](const auto& a, const auto& b) { return a.calls > b.calls; });
  return s;
}

Result<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "html") return ReportFormat::kHtml;
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "json") return ReportFormat::kJson;
  return Status::InvalidArgument("report format \"" + std::string(name) +
                                 "\": unknown (use html, md or json)");
}

Result<std::string> RenderReport(const ReportData& data, ReportFormat format) {
  EVIDENCE_RETURN_IF_ERROR(ri::Validate(data));
  ReportSummary summary = Summarize(data);
  switch (format) {
    case ReportFormat::kHtml:
      return ri::RenderHtml(data, summary);
    case ReportFormat::kMarkdown:
      return ri::RenderMarkdown(data, summary);
    case ReportFormat::kJson:
      return ri::RenderJson(data, summary);
  }
  return Status::InvalidArgument("report: unknown format");
}

}  // namespace evidence
