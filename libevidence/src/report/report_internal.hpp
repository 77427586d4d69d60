// Private pieces of the report module (report*.cpp): calendar arithmetic, input checks, escaping
// for each output format, and the three renderers. Pure functions; tests include this header.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/report.hpp"
#include "evidence/status.hpp"

namespace evidence::report_internal {

// A proleptic Gregorian calendar date.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// The date part of a report time ("YYYY-MM-DD" at the start of `text`), or nothing when `text` does
// not start with a real calendar date. The rest of `text` is not looked at.
std::optional<CivilDate> DatePart(std::string_view text);

// True when `text` is a whole report time: "YYYY-MM-DD", optionally "THH:MM[:SS[.digits]]" (or a
// space for the 'T'), optionally "Z" or "+hh:mm"/"-hh:mm"; with a real date and time of day.
// The same grammar as the `time` pattern of schemas/report.schema.json.
bool IsReportTime(std::string_view text);

// Days since 1970-01-01 (negative before), and back.
std::int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(std::int64_t days);

// 0 = Monday ... 6 = Sunday.
int Weekday(const CivilDate& date);

// ISO 8601 week-numbering year and week (1..53) of `date`.
struct IsoWeek {
  int year = 0;
  int week = 0;
  friend auto operator<=>(const IsoWeek&, const IsoWeek&) = default;
};
IsoWeek IsoWeekOf(const CivilDate& date);
// "2026-W03".
std::string IsoWeekLabel(const IsoWeek& week);
// The Monday that starts `week`.
CivilDate IsoWeekMonday(const IsoWeek& week);

// "2026-03-14".
std::string FormatDate(const CivilDate& date);
// "Saturday".
std::string_view WeekdayName(const CivilDate& date);

// Checks what the summary and the renderers rely on: times in the report grammar, dates in
// message counts, sha256 and root in lower-case hex, known behaviours and event kinds.
// kInvalidArgument naming the offending record otherwise.
Status Validate(const ReportData& data);

// Wall-clock sort key of a report time: date and time as written, zone ignored, so that entries
// sort the way the user's diary reads. Ties keep their input order (callers use stable sorts).
std::string WallClockKey(std::string_view time);

// "2026-03-14 18:20" from "2026-03-14T18:20:00+01:00"; the zone shown apart by ZonePart.
std::string WallClockText(std::string_view time);
// "+01:00", "UTC", or "" when the time carries no zone.
std::string ZonePart(std::string_view time);

// "1,234,567".
std::string GroupDigits(std::uint64_t n);
// "1 incident", "1,204 incidents".
std::string Plural(std::uint64_t n, std::string_view one, std::string_view many);

// Text for HTML element content and attribute values: & < > " ' become references, ill-formed
// UTF-8 becomes U+FFFD, and control characters other than tab and line breaks are dropped.
std::string HtmlEscape(std::string_view text);

// Text for one Markdown table cell: markup characters (including '|') backslash-escaped, line
// breaks turned into spaces, so a cell can never end the row or start markup.
std::string MarkdownCell(std::string_view text);
// Text for a Markdown paragraph: as MarkdownCell, but line breaks are kept as hard breaks and a
// line that would start a heading, list, quote or rule is neutralised.
std::string MarkdownText(std::string_view text);

// The renderers. Each requires Validate(data).ok().
std::string RenderHtml(const ReportData& data, const ReportSummary& summary);
std::string RenderMarkdown(const ReportData& data, const ReportSummary& summary);
std::string RenderJson(const ReportData& data, const ReportSummary& summary);

// Timeline rows, incidents and events together in wall-clock order; events whose time is not a
// report time come last, in input order. Rows point into `data`, so it must outlive them; the
// deleted overload keeps a temporary from being passed (the use-after-free ASan found in a test).
struct TimelineRow {
  std::string time;  // as written
  enum class Kind { kIncident, kCapture, kMessage } kind = Kind::kIncident;
  const Incident* incident = nullptr;  // for kIncident
  const ReportEvent* event = nullptr;  // otherwise
};
std::vector<TimelineRow> BuildTimeline(const ReportData& data);
std::vector<TimelineRow> BuildTimeline(const ReportData&& data) = delete;

// Messages per day over the whole span of days that have any, with empty days filled in, so that
// a chart shows silences too. Empty when there are no messages.
std::vector<std::pair<std::string, std::uint64_t>> MessagesPerDayFilled(const ReportSummary& s);

// A fixed, factual sentence list shared by the HTML and Markdown summaries (plain text, not
// escaped).
std::vector<std::string> SummarySentences(const ReportData& data, const ReportSummary& summary);

// How to check the integrity anchor, one sentence (plain text).
std::string_view VerifySentence();

// How times are shown, one sentence for the foot of the report (plain text).
std::string_view TimesSentence();

// The period covered, "from <since> to <until>", "from <since> onwards", "up to <until>" or "the
// whole case", with the user's dates passed through `escape` for the output format.
std::string PeriodCovered(const ReportData& data, std::string (*escape)(std::string_view));

// Pointers to `rows` ordered by `key(row)` (a std::tie of fields); ties keep their input order.
template <typename Row, typename Key>
std::vector<const Row*> SortedRows(const std::vector<Row>& rows, Key key) {
  std::vector<const Row*> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(&row);
  std::stable_sort(out.begin(), out.end(),
                   [&key](const Row* a, const Row* b) { return key(*a) < key(*b); });
  return out;
}

// Rows of message_counts by date, then sender, then export.
std::vector<const ReportMessageCount*> MessageCountsByDay(const ReportData& data);

// Calls (report_calls.cpp). Plain text, not escaped.
// "43 calls on 2 March 2026 with +15550000001, 38 of them missed" for one row of call_counts.
std::string CallCountSentence(const ReportCallCount& cc);
// "120 calls from parsed call logs, 97 of them missed, from 3 numbers, on 5 days."; "" if none.
std::string CallsSentence(const ReportSummary& summary);
// Rows of call_counts by date, then number, then call log.
std::vector<const ReportCallCount*> CallCountsByDay(const ReportData& data);
// The `limit` rows with the most calls (then most missed, then earliest), for "busiest days".
std::vector<const ReportCallCount*> BusiestCallDays(const ReportData& data, size_t limit);

}  // namespace evidence::report_internal
