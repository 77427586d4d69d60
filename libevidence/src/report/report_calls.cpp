// The calls part of the report: the sentences and row orders the HTML, Markdown and JSON
// renderers share.
#include <algorithm>
#include <array>
#include <tuple>

#include "report_internal.hpp"

namespace evidence::report_internal {

namespace {

std::string HumanDate(const std::string& date) {
  static constexpr std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  auto d = DatePart(date);
  if (!d || d->month < 1 || d->month > 12) return date;
  return std::to_string(d->day) + " " + kMonths[static_cast<size_t>(d->month - 1)] + " " +
         std::to_string(d->year);
}

}  // namespace

std::string CallCountSentence(const ReportCallCount& cc) {
  std::string s =
      Plural(cc.calls, "call", "calls") + " on " + HumanDate(cc.date) + " with " + cc.number;
  if (!cc.contact.empty()) s += " (" + cc.contact + ")";
  if (cc.missed > 0) {
    s += cc.missed == cc.calls && cc.calls > 1 ? ", all of them missed"
         : cc.calls == 1                       ? ", missed"
                                               : ", " + GroupDigits(cc.missed) + " of them missed";
  }
  return s;
}

std::string CallsSentence(const ReportSummary& s) {
  if (s.calls == 0) return "";
  std::string out = Plural(s.calls, "call", "calls") + " from parsed call logs";
  if (s.missed_calls > 0) out += ", " + GroupDigits(s.missed_calls) + " of them missed";
  return out + ", with " + Plural(s.calls_by_number.size(), "number", "numbers") + ", on " +
         Plural(s.calls_by_day.size(), "day", "days") + ".";
}

std::vector<const ReportCallCount*> CallCountsByDay(const ReportData& data) {
  return SortedRows(data.call_counts, [](const ReportCallCount& cc) {
    return std::tie(cc.date, cc.number, cc.item);
  });
}

std::vector<const ReportCallCount*> BusiestCallDays(const ReportData& data, size_t limit) {
  std::vector<const ReportCallCount*> rows = CallCountsByDay(data);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    if (a->calls != b->calls) return a->calls > b->calls;
    return a->missed > b->missed;
  });
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

}  // namespace evidence::report_internal
