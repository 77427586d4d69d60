// Escaping and shared wording for the report renderers. Escaping is the security boundary of the
// report: everything that came from evidence or from the user passes through HtmlEscape or the
// Markdown functions before it is written, whatever it contains. Both start from PrintableText,
// which shows C1 controls and bidirectional overrides as \uNNNN (docs/output.md), and then drop
// the ASCII controls themselves.
#include <algorithm>
#include <map>
#include <tuple>

#include "evidence/printable.hpp"
#include "report_internal.hpp"

namespace evidence::report_internal {

namespace {

// Control characters other than tab and line breaks have no business in a report and can upset
// terminals and viewers; DEL likewise.
bool DroppedControl(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

// Markdown punctuation that can start or end markup anywhere in a line (CommonMark and the
// common extensions: tables, strikethrough, math). Escaping ASCII punctuation with a backslash is
// always allowed in CommonMark, so over-escaping costs only a little readability.
bool MarkdownSpecial(char c) {
  switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '<':
    case '>':
    case '|':
    case '~':
    case '&':
    case '$':
      return true;
    default:
      return false;
  }
}

std::string MarkdownInline(std::string_view text) {
  std::string clean = PrintableText(text, AsciiControls::kKeep);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char c : clean) {
    if (DroppedControl(static_cast<unsigned char>(c))) continue;
    if (MarkdownSpecial(c)) out += '\\';
    out += c;
  }
  return out;
}

// Escapes what would make `line` (already inline-escaped, leading blanks removed) a heading,
// list item, rule or setext underline.
std::string NeutraliseLineStart(std::string line) {
  if (line.empty()) return line;
  char c = line[0];
  if (c == '#' || c == '-' || c == '+' || c == '=') return "\\" + line;
  size_t digits = 0;
  while (digits < line.size() && digits < 9 && line[digits] >= '0' && line[digits] <= '9') {
    digits++;
  }
  if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
    line.insert(digits, "\\");
  }
  return line;
}

}  // namespace

std::string Plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return GroupDigits(n) + " " + std::string(n == 1 ? one : many);
}

std::string GroupDigits(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string clean = PrintableText(text, AsciiControls::kKeep);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (!DroppedControl(static_cast<unsigned char>(c))) out += c;
    }
  }
  return out;
}

std::string MarkdownCell(std::string_view text) {
  std::string out = MarkdownInline(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string MarkdownText(std::string_view text) {
  std::string escaped = MarkdownInline(text);
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start <= escaped.size()) {
    size_t end = escaped.find('\n', start);
    if (end == std::string::npos) end = escaped.size();
    std::string line = escaped.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Leading blanks would turn the line into a code block; the original text stays in the case.
    size_t lead = line.find_first_not_of(" \t");
    line = lead == std::string::npos ? "" : NeutraliseLineStart(line.substr(lead));
    for (char& c : line) {
      if (c == '\t' || c == '\r') c = ' ';
    }
    if (!first) out += "  \n";  // a hard line break keeps the user's lines
    out += line;
    first = false;
    start = end + 1;
  }
  return out;
}

std::vector<TimelineRow> BuildTimeline(const ReportData& data) {
  std::vector<TimelineRow> rows;
  rows.reserve(data.incidents.size() + data.events.size());
  for (const auto& inc : data.incidents) {
    TimelineRow r;
    r.time = inc.at;
    r.kind = TimelineRow::Kind::kIncident;
    r.incident = &inc;
    rows.push_back(r);
  }
  for (const auto& ev : data.events) {
    TimelineRow r;
    r.time = ev.time;
    r.kind = ev.kind == "message" ? TimelineRow::Kind::kMessage : TimelineRow::Kind::kCapture;
    r.event = &ev;
    rows.push_back(r);
  }
  // Unreadable times (only evidence can have them) sort after every readable one, in input order.
  std::vector<std::string> keys;
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    keys.push_back(IsReportTime(rows[i].time) ? WallClockKey(rows[i].time) : "~");
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<TimelineRow> sorted;
  sorted.reserve(rows.size());
  for (size_t i : order) sorted.push_back(rows[i]);
  return sorted;
}

std::vector<std::pair<std::string, std::uint64_t>> MessagesPerDayFilled(const ReportSummary& s) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  if (s.messages_by_day.empty()) return out;
  std::map<std::int64_t, std::uint64_t> by_day;
  for (const auto& [date, count] : s.messages_by_day) {
    auto d = DatePart(date);
    if (d) by_day[DaysFromCivil(*d)] += count;
  }
  if (by_day.empty()) return out;
  for (std::int64_t day = by_day.begin()->first; day <= by_day.rbegin()->first; ++day) {
    auto it = by_day.find(day);
    out.emplace_back(FormatDate(CivilFromDays(day)), it == by_day.end() ? 0 : it->second);
  }
  return out;
}

std::vector<const ReportMessageCount*> MessageCountsByDay(const ReportData& data) {
  return SortedRows(data.message_counts, [](const ReportMessageCount& mc) {
    return std::tie(mc.date, mc.sender, mc.item);
  });
}

std::string PeriodCovered(const ReportData& data, std::string (*escape)(std::string_view)) {
  if (data.since && data.until) return "from " + escape(*data.since) + " to " + escape(*data.until);
  if (data.since) return "from " + escape(*data.since) + " onwards";
  if (data.until) return "up to " + escape(*data.until);
  return "the whole case";
}

std::vector<std::string> SummarySentences(const ReportData& data, const ReportSummary& summary) {
  (void)data;
  std::vector<std::string> out;
  if (summary.incidents == 0) {
    out.push_back("No incidents are recorded in the period covered.");
  } else if (summary.first_date && summary.last_date) {
    std::string s = Plural(summary.incidents, "incident is", "incidents are") + " recorded";
    if (*summary.first_date == *summary.last_date) {
      s += " on " + *summary.first_date + ".";
    } else {
      s += " between " + *summary.first_date + " and " + *summary.last_date + ", on " +
           Plural(summary.separate_days, "separate day", "separate days") + ".";
    }
    out.push_back(s);
  } else {
    out.push_back(Plural(summary.incidents, "incident is", "incidents are") + " recorded.");
  }
  if (!summary.by_week.empty()) {
    std::uint64_t with = 0;
    for (const auto& [week, n] : summary.by_week) with += n > 0 ? 1 : 0;
    out.push_back("Incidents fall in " + GroupDigits(with) + " of the " +
                  Plural(summary.by_week.size(), "calendar week", "calendar weeks") + " from " +
                  summary.by_week.front().first + " to " + summary.by_week.back().first + ".");
  }
  if (!summary.by_behaviour.empty()) {
    std::string s = "Behaviours recorded: ";
    for (size_t i = 0; i < summary.by_behaviour.size(); ++i) {
      if (i > 0) s += ", ";
      s += summary.by_behaviour[i].first + " (" + GroupDigits(summary.by_behaviour[i].second) + ")";
    }
    out.push_back(s + ".");
  }
  if (summary.messages > 0) {
    out.push_back(Plural(summary.messages, "message", "messages") + " from parsed exports, from " +
                  Plural(summary.messages_by_sender.size(), "sender", "senders") + ", on " +
                  Plural(summary.messages_by_day.size(), "day", "days") + ".");
  }
  if (std::string calls = CallsSentence(summary); !calls.empty()) out.push_back(calls);
  out.push_back(Plural(summary.exhibits, "exhibit is", "exhibits are") + " listed.");
  return out;
}

std::string_view VerifySentence() {
  return "To verify, run \"evidence verify\" on the case (or \"evidence verify-bundle\" on an "
         "exported bundle) and confirm that the signed checkpoint for this ledger size has this "
         "root hash and was signed by the key with this fingerprint; if entries were added later, "
         "\"evidence prove --consistency\" shows that the ledger only grew.";
}

std::string_view TimesSentence() {
  return "Times are shown as written: an offset such as +01:00 is the local zone at that moment, "
         "UTC marks times recorded in UTC, and a time with neither is the device's local time as "
         "the source gave it.";
}

}  // namespace evidence::report_internal
