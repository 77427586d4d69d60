// The Markdown report: the same content as the HTML, readable as plain text in an e-mail or a
// terminal and rendered sensibly by any CommonMark viewer with tables. User and evidence text is
// escaped so that it can neither break a table row nor become a link, image or raw HTML.
#include <algorithm>

#include "report_internal.hpp"

namespace evidence::report_internal {

namespace {

std::string Num(std::uint64_t n) { return GroupDigits(n); }

std::string C(std::string_view s) { return MarkdownCell(s); }

std::string CellOr(std::string_view s, std::string_view none) {
  return s.empty() ? "*" + std::string(none) + "*" : C(s);
}

std::string When(std::string_view time) {
  if (!IsReportTime(time)) return C(time) + " *(as the source wrote it)*";
  std::string zone = ZonePart(time);
  return C(WallClockText(time)) + (zone.empty() ? "" : " " + C(zone));
}

std::string Span(std::string_view at, const std::optional<std::string>& until) {
  std::string out = When(at);
  if (until) out += " – " + When(*until);
  return out;
}

std::string List(const std::vector<std::string>& v, std::string_view none) {
  if (v.empty()) return "*" + std::string(none) + "*";
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i > 0 ? ", " : "") + C(v[i]);
  return out;
}

// A text bar for the plain charts: one block per unit, scaled down past 40.
std::string Bar(std::uint64_t n, std::uint64_t max) {
  std::uint64_t len = max <= 40 ? n : (n * 40 + max - 1) / max;
  std::string out;
  for (std::uint64_t i = 0; i < len; ++i) out += "\u2588";
  return out;
}

// Account text as a block quote, so that the user's lines stay lines and cannot escape it.
std::string Quote(std::string_view text) {
  if (text.empty()) return "> *no account given*\n";
  std::string body = MarkdownText(text);
  std::string out = "> ";
  for (char c : body) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out + "\n";
}

std::string SenderCell(std::string_view sender) {
  return sender.empty() ? "*(no sender named)*" : C(sender);
}

// The largest count in `rows`, the scale of their text bars.
std::uint64_t MaxCount(const std::vector<std::pair<std::string, std::uint64_t>>& rows) {
  std::uint64_t max = 0;
  for (const auto& [name, n] : rows) max = std::max(max, n);
  return max;
}

// Table rows "| name | count | bar |" for a count chart.
std::string BarRows(const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                    std::uint64_t max) {
  std::string out;
  for (const auto& [name, n] : rows)
    out += "| " + C(name) + " | " + Num(n) + " | " + Bar(n, max) + " |\n";
  return out;
}

void Header(const ReportData& data, std::string* out) {
  *out +=
      "# Incident timeline and pattern report: " + CellOr(data.case_name, "untitled case") + "\n\n";
  *out += "| | |\n|---|---|\n";
  *out += "| Case | " + CellOr(data.case_name, "no name") + " (" + C(data.case_uuid) + ") |\n";
  *out += "| Owner | " + CellOr(data.owner, "not named") + " |\n";
  *out += "| Generated | " + When(data.generated) + " |\n";
  *out += "| Period covered | " + PeriodCovered(data, MarkdownCell) + " |\n\n";
}

void IntegrityAnchor(const ReportData& data, std::string* out) {
  *out += "## Integrity anchor\n\n| | |\n|---|---|\n";
  *out += "| Ledger size | " + Num(data.ledger_size) +
          (data.ledger_size == 1 ? " entry" : " entries") + " |\n";
  *out += "| Checkpoint root hash | `" + C(data.checkpoint_root) + "` |\n";
  *out += "| Signing key fingerprint | " + CellOr(data.key_fingerprint, "not given") + " |\n\n";
  *out += MarkdownText(VerifySentence()) + "\n\n";
}

void Summary(const ReportData& data, const ReportSummary& s, std::string* out) {
  *out += "## Summary\n\n";
  for (const auto& sentence : SummarySentences(data, s)) *out += "- " + C(sentence) + "\n";
  *out +=
      "\nThis report sets out what was recorded, with dates and counts. It draws no "
      "conclusions.\n\n";
}

void IncidentsPerWeek(const ReportSummary& s, std::string* out) {
  *out += "## Incidents per week\n\n";
  if (s.by_week.empty()) {
    *out += "No incidents in the period covered.\n\n";
    return;
  }
  *out +=
      "ISO 8601 weeks (Monday to Sunday), by the local date written in each incident; weeks "
      "without incidents are listed.\n\n| Week | Incidents | |\n|---|--:|---|\n";
  *out += BarRows(s.by_week, MaxCount(s.by_week)) + "\n";
}

void IncidentsByBehaviour(const ReportSummary& s, std::string* out) {
  *out += "## Incidents by behaviour\n\n";
  if (s.by_behaviour.empty()) {
    *out += "No behaviours recorded.\n\n";
    return;
  }
  // Most frequent first, so the first row sets the scale.
  *out +=
      "An incident with several behaviours counts once for each.\n\n"
      "| Behaviour | Incidents | |\n|---|--:|---|\n";
  *out += BarRows(s.by_behaviour, s.by_behaviour.front().second) + "\n";
}

void Timeline(const ReportData& data, std::string* out) {
  *out += "## Timeline\n\n";
  auto rows = BuildTimeline(data);
  if (rows.empty()) {
    *out += "Nothing dated in the period covered.\n\n";
    return;
  }
  *out += "| Time | Entry | Details |\n|---|---|---|\n";
  for (const auto& row : rows) {
    *out += "| " + When(row.time) + " | ";
    if (row.incident != nullptr) {
      const auto& inc = *row.incident;
      *out += "Incident " + C(inc.id) + " | " + List(inc.behaviours, "no behaviour") +
              (inc.where.empty() ? "" : " at " + C(inc.where)) + ": " + C(inc.what) +
              (inc.versions.size() > 1 ? " *(amended)*" : "") + " |\n";
    } else {
      const auto& ev = *row.event;
      *out += std::string(row.kind == TimelineRow::Kind::kMessage ? "Message " : "Capture ") +
              C(ev.item) + " | " + C(ev.summary) + " |\n";
    }
  }
  *out += "\n";
}

// One version of an amended incident: its heading, its fields and its account.
void Version(const IncidentVersion& v, size_t index, bool current, std::string* out) {
  *out += "#### " + (index == 0 ? std::string("Original account") : "Amendment " + Num(index)) +
          (current ? " (current)" : "") + " · recorded " + When(v.recorded) + " · ledger entry " +
          Num(v.entry_seq) + "\n\n";
  *out += "| | |\n|---|---|\n";
  if (index > 0) *out += "| Reason given | " + CellOr(v.reason, "none given") + " |\n";
  if (!v.at.empty()) *out += "| When | " + Span(v.at, v.until) + " |\n";
  if (!v.behaviours.empty()) *out += "| Behaviours | " + List(v.behaviours, "none") + " |\n";
  *out += "| Where | " + CellOr(v.where, "not given") + " |\n";
  *out += "| Witnesses | " + List(v.witnesses, "none named") + " |\n\n";
  *out += Quote(v.what) + "\n";
}

// The messages linked to the incident, one table row each, the text on one line.
void QuotedMessages(const ReportData& data, const Incident& inc, std::string* out) {
  auto it = data.quoted_messages.find(inc.id);
  if (it == data.quoted_messages.end() || it->second.empty()) return;
  *out += "**Linked messages (" + Num(it->second.size()) + ")**\n\n" +
          "| Export | Message | Time | Sender | Text |\n|---|--:|---|---|---|\n";
  for (const LinkedMessageQuote& q : it->second) {
    *out += "| " + C(q.item) + " | " + std::to_string(q.index) + " | ";
    if (!q.found) {
      *out += "*not in the case; evidence verify names the link* | | |\n";
      continue;
    }
    *out += (q.time ? When(*q.time) : "*no time*") + " | " + SenderCell(q.sender) + " | " +
            CellOr(q.text, "no text") + " |\n";
  }
  *out += "\n";
}

void IncidentInFull(const ReportData& data, const Incident& inc, std::string* out) {
  *out += "### " + C(inc.id) + " · " + Span(inc.at, inc.until) + "\n\n";
  *out += "| | |\n|---|---|\n";
  *out += "| Behaviours | " + List(inc.behaviours, "none") + " |\n";
  *out += "| Where | " + CellOr(inc.where, "not given") + " |\n";
  *out += "| Witnesses | " + List(inc.witnesses, "none named") + " |\n";
  *out += "| Evidence | " + List(inc.items, "none linked") + " |\n";
  if (inc.versions.size() == 1) {
    const auto& v = inc.versions.front();
    *out += "| Recorded | " + When(v.recorded) + ", ledger entry " + Num(v.entry_seq) + " |\n\n";
    *out += Quote(inc.what) + "\n";
    QuotedMessages(data, inc, out);
    return;
  }
  *out += "\n**Amended " + Num(inc.versions.size() - 1) +
          (inc.versions.size() == 2 ? " time" : " times") +
          ".** Every version stays in the ledger and is shown here, oldest first.\n\n";
  for (size_t i = 0; i < inc.versions.size(); ++i) {
    Version(inc.versions[i], i, i + 1 == inc.versions.size(), out);
  }
  QuotedMessages(data, inc, out);
}

void Incidents(const ReportData& data, std::string* out) {
  *out += "## Incidents\n\n";
  if (data.incidents.empty()) *out += "No incidents in the period covered.\n\n";
  for (const auto& inc : data.incidents) IncidentInFull(data, inc, out);
}

void Messages(const ReportData& data, const ReportSummary& s, std::string* out) {
  *out += "## Messages\n\n";
  if (data.message_counts.empty()) {
    *out += "No messages from parsed exports in the period covered.\n\n";
    return;
  }
  *out += "### By sender\n\n| Sender | Messages |\n|---|--:|\n";
  for (const auto& [sender, n] : s.messages_by_sender) {
    *out += "| " + SenderCell(sender) + " | " + Num(n) + " |\n";
  }
  *out += "\n### By day\n\n| Date | Messages | |\n|---|--:|---|\n";
  *out += BarRows(s.messages_by_day, MaxCount(s.messages_by_day));
  *out += "\n### By day and sender\n\n| Date | Sender | Export | Messages |\n|---|---|---|--:|\n";
  for (const auto* mc : MessageCountsByDay(data)) {
    *out += "| " + C(mc->date) + " | " + SenderCell(mc->sender) + " | " + C(mc->item) + " | " +
            Num(mc->count) + " |\n";
  }
  *out += "\n";
}

void Calls(const ReportData& data, const ReportSummary& s, std::string* out) {
  if (data.call_counts.empty()) return;  // no call log, no section
  *out += "## Calls\n\n" + MarkdownText(CallsSentence(s)) +
          " Missed counts the calls nobody answered: missed, sent to voicemail, rejected and "
          "blocked.\n\n### Busiest days\n\n";
  for (const auto* cc : BusiestCallDays(data, 10)) {
    *out += "- " + MarkdownText(CallCountSentence(*cc)) + " (" + MarkdownText(cc->item) + ")\n";
  }
  *out += "\n### By number\n\n| Number | Calls | Missed |\n|---|--:|--:|\n";
  for (const auto& t : s.calls_by_number) {
    *out += "| " + C(t.key) + " | " + Num(t.calls) + " | " + Num(t.missed) + " |\n";
  }
  *out +=
      "\n### By day and number\n\n| Date | Number | Contact | Call log | Calls | Missed "
      "|\n|---|---|---|---|--:|--:|\n";
  for (const auto* cc : CallCountsByDay(data)) {
    *out += "| " + C(cc->date) + " | " + C(cc->number) + " | " + C(cc->contact) + " | " +
            C(cc->item) + " | " + Num(cc->calls) + " | " + Num(cc->missed) + " |\n";
  }
  *out += "\n";
}

void Exhibits(const ReportData& data, std::string* out) {
  *out += "## Exhibits\n\n";
  if (data.items.empty()) {
    *out += "No exhibits in the period covered.\n\n";
    return;
  }
  *out +=
      "| Exhibit | Name | Kind | Captured | Ingested | Size (bytes) | SHA-256 |\n"
      "|---|---|---|---|---|--:|---|\n";
  for (const auto& it : data.items) {
    *out +=
        "| " + C(it.exhibit) + " | " + CellOr(it.name, "no name") + " | " + C(it.kind) +
        (it.media_type.empty() ? "" : " (" + C(it.media_type) + ")") + " | " +
        (it.captured && !it.captured->empty() ? When(*it.captured) : std::string("*not known*")) +
        " | " + When(it.ingested) + " | " + Num(it.size) + " | `" + C(it.sha256) + "` |\n";
  }
  *out += "\n";
  // Below the table: a warning is a sentence, too long for a cell.
  bool any_warning = false;
  for (const auto& it : data.items) {
    for (const auto& w : it.warnings) {
      *out += "- **Warning, " + C(it.exhibit) + ":** " + C(w) + "\n";
      any_warning = true;
    }
  }
  if (any_warning) *out += "\n";
}

}  // namespace

// The sections in the order of docs/report.md.
std::string RenderMarkdown(const ReportData& data, const ReportSummary& summary) {
  std::string out;
  Header(data, &out);
  IntegrityAnchor(data, &out);
  Summary(data, summary, &out);
  IncidentsPerWeek(summary, &out);
  IncidentsByBehaviour(summary, &out);
  Timeline(data, &out);
  Incidents(data, &out);
  Messages(data, summary, &out);
  Calls(data, summary, &out);
  Exhibits(data, &out);
  out += "---\n\n" + std::string(TimesSentence()) + "\n";
  return out;
}

}  // namespace evidence::report_internal
