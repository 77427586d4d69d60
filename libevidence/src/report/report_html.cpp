// The HTML report: one self-contained page for people (an officer, a court, a support worker)
// that opens offline in any browser and prints on A4. It carries no script and loads nothing:
// styles and charts are inline, a Content-Security-Policy forbids everything else in case a
// viewer ever mis-parses a byte of evidence text, and every such text goes through HtmlEscape.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "report_internal.hpp"
#include "utf8.hpp"

namespace evidence::report_internal {

namespace {

std::string E(std::string_view s) { return HtmlEscape(s); }

std::string Num(std::uint64_t n) { return GroupDigits(n); }

// Coordinates are computed in doubles but written with one decimal: enough for a chart, and the
// page does not vary with the platform's printf rounding of long fractions.
std::string Coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

constexpr std::string_view kCss = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; color: #1b1f24; background: #fff;
  font-family: "DejaVu Sans", "Liberation Sans", "Helvetica Neue", Arial, sans-serif;
  font-size: 10.5pt; line-height: 1.45; }
main { max-width: 190mm; margin: 0 auto; padding: 14mm 12mm 18mm; }
h1 { font-size: 19pt; line-height: 1.2; margin: 2px 0 10px; color: #14304f;
  overflow-wrap: anywhere; }
h2 { font-size: 13pt; color: #14304f; margin: 26px 0 8px; padding-bottom: 3px;
  border-bottom: 1.5px solid #14304f; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 0 0 4px; color: #14304f; break-after: avoid; }
h4 { font-size: 9.5pt; margin: 0 0 4px; color: #3b4653; font-weight: 600; }
p { margin: 4px 0 8px; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 8.5pt; color: #56606b;
  margin: 0; }
.mono, .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  font-size: 8.5pt; }
.hash { word-break: break-all; overflow-wrap: anywhere; }
.muted { color: #5d6874; }
.note { color: #56606b; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 9pt; }
th, td { border: 1px solid #cfd6de; padding: 4px 6px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { overflow-wrap: normal; }
.scroll { overflow-x: auto; margin: 6px 0 12px; }
.scroll:focus { outline: 3px solid #14304f; outline-offset: 2px; }
.scroll > table { margin: 0; }
table.timeline, table.exhibits { min-width: 36em; }
table.by-day { min-width: 28em; }
thead th { background: #e9eef4; font-weight: 600; }
thead { display: table-header-group; }
tr, table.exhibits tbody { break-inside: avoid; page-break-inside: avoid; }
table.exhibits tr.digest td { border-top: 0; padding-top: 0; }
td.warning { color: #8a1c1c; }
table.exhibits tbody tr:first-child td { border-bottom: 0; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
table.meta th { width: 26%; background: #f4f6f9; font-weight: 600; }
table.meta { font-size: 9.5pt; }
.anchor { border: 1px solid #b8c4d2; border-left: 4px solid #14304f; background: #f7f9fb;
  padding: 8px 12px 4px; margin: 10px 0 0; break-inside: avoid; }
.anchor h2 { margin: 0 0 6px; border: 0; padding: 0; font-size: 11pt; }
.anchor table { margin-bottom: 6px; }
.anchor table.meta th { width: 19%; }
.anchor .hash { font-size: 8pt; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 8px 0 10px; }
.figure { border: 1px solid #cfd6de; border-radius: 4px;
  padding: 6px 8px; background: #f7f9fb; }
.figure .value { display: block; font-size: 14pt; font-weight: 700; color: #14304f; }
.figure .label { display: block; font-size: 8pt; color: #56606b; text-transform: uppercase;
  letter-spacing: 0.05em; }
ul.facts { margin: 4px 0 8px; padding-left: 18px; }
ul.facts li { margin: 2px 0; }
.chart { display: block; width: 100%; height: auto; margin: 4px 0 4px; break-inside: avoid; }
.chart text { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11px;
  fill: #333b44; }
.chart .bar { fill: #2c5d8f; }
.chart .grid { stroke: #dde3ea; stroke-width: 1; }
.chart .axis { stroke: #5d6874; stroke-width: 1; }
.chart .value { font-size: 10px; fill: #14304f; font-weight: 600; }
tr.day th { background: #14304f; color: #fff; font-weight: 600; border-color: #14304f; }
tr.day { break-after: avoid; page-break-after: avoid; }
.tag { display: inline-block; border: 1px solid #9fb3c8; background: #eef3f8; color: #14304f;
  border-radius: 3px; padding: 0 5px; margin: 0 3px 2px 0; font-size: 8pt; white-space: nowrap; }
.kind { display: inline-block; font-size: 8pt; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.04em; color: #56606b; }
.kind-incident { color: #8a1c1c; }
.incident { border: 1px solid #cfd6de; border-left: 4px solid #8a1c1c; padding: 8px 12px 6px;
  margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.incident table.fields { font-size: 9pt; margin: 4px 0 6px; }
.incident table.fields th { width: 22%; background: #f7f9fb; font-weight: 600; }
.what { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0 6px; }
.version { border-top: 1px dashed #b8c4d2; margin-top: 6px; padding-top: 6px; }
.version.amendment h4 { color: #8a4b00; }
.amended-note { font-size: 9pt; color: #8a4b00; font-weight: 600; }
.quotes { border-top: 1px dashed #b8c4d2; margin-top: 6px; padding-top: 6px; }
.quotes ul { list-style: none; margin: 4px 0; padding: 0; }
.quotes li { border-left: 3px solid #9fb3c8; padding: 2px 0 2px 8px; margin: 0 0 6px; }
.quote-head { margin: 0; font-size: 9pt; color: #333b44; }
.quote-head .warning { color: #8a1c1c; }
footer { margin-top: 28px; padding-top: 6px; border-top: 1px solid #cfd6de; font-size: 8.5pt;
  color: #56606b; }
@media (max-width: 36em) {
  main { padding: 12px 12px 18px; }
  .figures { grid-template-columns: repeat(2, 1fr); }
  table.meta, table.meta tbody, table.meta tr, table.meta th, table.meta td,
  table.fields, table.fields tbody, table.fields tr, table.fields th, table.fields td {
    display: block; width: auto; }
  .anchor table.meta th, .incident table.fields th { width: auto; }
  table.meta td, table.fields td { border-top: 0; }
  table.meta tr + tr th, table.fields tr + tr th { border-top: 0; }
  .incident { padding: 8px 8px 6px; }
}
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; margin: 0; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { margin-top: 18px; }
  .scroll { overflow: visible; }
}
)css";

// A column chart of counts in order (weeks, days). Labels are thinned out so that they never
// overlap; every bar keeps a tooltip with its exact count.
std::string ColumnChart(const std::vector<std::pair<std::string, std::uint64_t>>& bars,
                        std::string_view title, std::string_view one, std::string_view many) {
  constexpr double kWidth = 760, kHeight = 250, kLeft = 44, kRight = 8, kTop = 18, kBottom = 42;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::uint64_t max = 1;
  size_t label_len = 1;
  for (const auto& [label, n] : bars) {
    max = std::max(max, n);
    label_len = std::max(label_len, label.size());
  }
  // An integer step of 1, 2 or 5 times a power of ten, giving at most five grid lines.
  std::uint64_t step = 1;
  for (std::uint64_t base = 1;; base *= 10) {
    if (max <= base * 5) {
      step = base;
      break;
    }
    if (max <= base * 10) {
      step = base * 2;
      break;
    }
    if (max <= base * 25) {
      step = base * 5;
      break;
    }
  }
  std::uint64_t top = (max + step - 1) / step * step;
  const double slot = plot_w / static_cast<double>(std::max<size_t>(bars.size(), 1));
  const double bar_w = std::max(1.0, slot * 0.72);
  const double label_w = static_cast<double>(label_len) * 6.6 + 10;
  const size_t every = static_cast<size_t>(std::max(1.0, std::ceil(label_w / slot)));

  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + Coord(kWidth) + " " + Coord(kHeight) +
                    "\" role=\"img\" aria-label=\"" + E(title) + "\"><title>" + E(title) +
                    "</title>";
  for (std::uint64_t v = 0; v <= top; v += step) {
    double y = kTop + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(top);
    out += "<line class=\"grid\" x1=\"" + Coord(kLeft) + "\" x2=\"" + Coord(kWidth - kRight) +
           "\" y1=\"" + Coord(y) + "\" y2=\"" + Coord(y) + "\"/>";
    out += "<text x=\"" + Coord(kLeft - 6) + "\" y=\"" + Coord(y + 4) + "\" text-anchor=\"end\">" +
           Num(v) + "</text>";
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, n] = bars[i];
    double cx = kLeft + slot * (static_cast<double>(i) + 0.5);
    double h = plot_h * static_cast<double>(n) / static_cast<double>(top);
    double y = kTop + plot_h - h;
    if (n > 0) {
      out += "<rect class=\"bar\" x=\"" + Coord(cx - bar_w / 2) + "\" y=\"" + Coord(y) +
             "\" width=\"" + Coord(bar_w) + "\" height=\"" + Coord(h) + "\"><title>" + E(label) +
             ": " + E(Plural(n, one, many)) + "</title></rect>";
      if (slot >= 20) {
        out += "<text class=\"value\" x=\"" + Coord(cx) + "\" y=\"" + Coord(y - 4) +
               "\" text-anchor=\"middle\">" + Num(n) + "</text>";
      }
    }
    if (i % every == 0) {
      out += "<text x=\"" + Coord(cx) + "\" y=\"" + Coord(kTop + plot_h + 16) +
             "\" text-anchor=\"middle\">" + E(label) + "</text>";
    }
  }
  double base = kTop + plot_h;
  out += "<line class=\"axis\" x1=\"" + Coord(kLeft) + "\" x2=\"" + Coord(kWidth - kRight) +
         "\" y1=\"" + Coord(base) + "\" y2=\"" + Coord(base) + "\"/>";
  out += "</svg>\n";
  return out;
}

// A horizontal bar chart with the name and the count on each row: chart and table in one.
std::string BarChart(const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                     std::string_view title, std::string_view one, std::string_view many) {
  constexpr double kWidth = 760, kRow = 22, kLabel = 196, kBarMax = 480;
  std::uint64_t max = 1;
  for (const auto& [name, n] : rows) max = std::max(max, n);
  double height = kRow * static_cast<double>(rows.size()) + 8;
  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + Coord(kWidth) + " " + Coord(height) +
                    "\" role=\"img\" aria-label=\"" + E(title) + "\"><title>" + E(title) +
                    "</title>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [name, n] = rows[i];
    double y = 4 + kRow * static_cast<double>(i);
    double w = std::max(2.0, kBarMax * static_cast<double>(n) / static_cast<double>(max));
    out += "<text x=\"" + Coord(kLabel - 8) + "\" y=\"" + Coord(y + 15) +
           "\" text-anchor=\"end\">" + E(name) + "</text>";
    out += "<rect class=\"bar\" x=\"" + Coord(kLabel) + "\" y=\"" + Coord(y + 3) + "\" width=\"" +
           Coord(w) + "\" height=\"" + Coord(kRow - 6) + "\"><title>" + E(name) + ": " +
           E(Plural(n, one, many)) + "</title></rect>";
    out += "<text class=\"value\" x=\"" + Coord(kLabel + w + 6) + "\" y=\"" + Coord(y + 15) +
           "\">" + Num(n) + "</text>";
  }
  out += "<line class=\"axis\" x1=\"" + Coord(kLabel) + "\" x2=\"" + Coord(kLabel) +
         "\" y1=\"2\" y2=\"" + Coord(height - 2) + "\"/></svg>\n";
  return out;
}

// `text` cut to at most `max` bytes on a UTF-8 boundary, with an ellipsis when cut.
std::string Shorten(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, Utf8CutPoint(text, max))) + "\u2026";
}

// "2026-03-14 18:20 +01:00" with the zone set apart; "—" when nothing is given.
std::string WhenHtml(std::string_view time) {
  if (time.empty()) return "&#8212;";
  if (!IsReportTime(time)) {
    return E(time) + " <span class=\"muted\">(as the source wrote it)</span>";
  }
  std::string out = E(WallClockText(time));
  std::string zone = ZonePart(time);
  if (!zone.empty()) out += " <span class=\"muted\">" + E(zone) + "</span>";
  return out;
}

// "18:20 – 19:05 +01:00", or with the end's date when the incident ran past midnight.
std::string SpanHtml(std::string_view at, const std::optional<std::string>& until) {
  std::string out = WhenHtml(at);
  if (until) {
    std::string end = WallClockText(*until);
    if (end.compare(0, 10, std::string(at.substr(0, 10))) == 0 && end.size() > 11) {
      end = end.substr(11);
    }
    out += " &#8211; " + E(end);
    std::string zone = ZonePart(*until);
    if (!zone.empty() && zone != ZonePart(at))
      out += " <span class=\"muted\">" + E(zone) + "</span>";
  }
  return out;
}

std::string Tags(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += "<span class=\"tag\">" + E(n) + "</span>";
  return out;
}

std::string JoinEscaped(const std::vector<std::string>& v, std::string_view none) {
  if (v.empty()) return "<span class=\"muted\">" + std::string(none) + "</span>";
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += E(v[i]);
  }
  return out;
}

std::string OrNone(std::string_view s, std::string_view none) {
  if (s.empty()) return "<span class=\"muted\">" + std::string(none) + "</span>";
  return E(s);
}

// The first line of a text, cut at about `max` bytes on a UTF-8 boundary, for the timeline.
// `more` tells whether anything was left out, `mid_line` whether the cut fell inside the line.
std::string Excerpt(std::string_view text, size_t max, bool* more, bool* mid_line) {
  size_t end = text.find('\n');
  *more = end != std::string_view::npos && text.find_first_not_of(" \t\r\n", end) != text.npos;
  *mid_line = false;
  if (end == std::string_view::npos) end = text.size();
  if (end > max) {
    end = Utf8CutPoint(text, max);
    *more = *mid_line = true;
  }
  return std::string(text.substr(0, end));
}

// A table too wide for a phone scrolls inside this region instead of the page scrolling
// sideways; the region takes the keyboard's focus so that it can be scrolled without a mouse,
// and its label says what it holds. On paper it shows the table whole (the print styles).
std::string ScrollRegion(std::string_view label) {
  return "<div class=\"scroll\" role=\"region\" aria-label=\"" + E(label) + "\" tabindex=\"0\">\n";
}

void Header(const ReportData& data, std::string* out) {
  // A table cell starts a sentence: "From ...", "Up to ...", "The whole case".
  std::string window = PeriodCovered(data, HtmlEscape);
  window[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(window[0])));
  *out += "<header>\n<p class=\"kicker\">Incident timeline and pattern report</p>\n<h1>" +
          (data.case_name.empty() ? std::string("Untitled case") : E(data.case_name)) + "</h1>\n";
  *out += "<table class=\"meta\">\n";
  *out += "<tr><th>Case</th><td>" + OrNone(data.case_name, "no name") +
          "<br><span class=\"mono muted\">" + E(data.case_uuid) + "</span></td></tr>\n";
  *out += "<tr><th>Owner</th><td>" + OrNone(data.owner, "not named") + "</td></tr>\n";
  *out += "<tr><th>Generated</th><td>" + WhenHtml(data.generated) + "</td></tr>\n";
  *out += "<tr><th>Period covered</th><td>" + window + "</td></tr>\n";
  *out += "</table>\n";
  *out += "<section class=\"anchor\">\n<h2>Integrity anchor</h2>\n<table class=\"meta\">\n";
  *out += "<tr><th>Ledger size</th><td>" + Plural(data.ledger_size, "entry", "entries") +
          "</td></tr>\n";
  *out += "<tr><th>Checkpoint root hash</th><td class=\"hash\">" + E(data.checkpoint_root) +
          "</td></tr>\n";
  *out += "<tr><th>Signing key fingerprint</th><td class=\"hash\">" +
          OrNone(data.key_fingerprint, "not given") + "</td></tr>\n";
  *out += "</table>\n<p class=\"note\">" + E(VerifySentence()) + "</p>\n</section>\n</header>\n";
}

void Figure(std::string_view label, const std::string& value_html, std::string* out) {
  *out += "<div class=\"figure\"><span class=\"value\">" + value_html +
          "</span><span class=\"label\">" + std::string(label) + "</span></div>\n";
}

void Summary(const ReportData& data, const ReportSummary& s, std::string* out) {
  *out += "<section>\n<h2>Summary</h2>\n<div class=\"figures\">\n";
  Figure("Incidents", Num(s.incidents), out);
  Figure("Separate days", Num(s.separate_days), out);
  Figure("First incident", s.first_date ? E(*s.first_date) : "&#8212;", out);
  Figure("Last incident", s.last_date ? E(*s.last_date) : "&#8212;", out);
  Figure("Messages", Num(s.messages), out);
  Figure("Exhibits", Num(s.exhibits), out);
  *out += "</div>\n<ul class=\"facts\">\n";
  for (const auto& sentence : SummarySentences(data, s)) *out += "<li>" + E(sentence) + "</li>\n";
  *out +=
      "</ul>\n<p class=\"note\">This report sets out what was recorded, with dates and "
      "counts. It draws no conclusions.</p>\n</section>\n";
}

void Charts(const ReportSummary& s, std::string* out) {
  *out += "<section>\n<h2>Incidents per week</h2>\n";
  if (s.by_week.empty()) {
    *out += "<p class=\"muted\">No incidents in the period covered.</p>\n";
  } else {
    *out += ColumnChart(s.by_week, "Incidents per ISO week", "incident", "incidents");
    *out += "<p class=\"note\">ISO 8601 weeks (Monday to Sunday) from " +
            E(s.by_week.front().first) + " to " + E(s.by_week.back().first) +
            ", by the local date written in each incident. Weeks without incidents are shown as "
            "gaps.</p>\n";
  }
  *out += "</section>\n<section>\n<h2>Incidents by behaviour</h2>\n";
  if (s.by_behaviour.empty()) {
    *out += "<p class=\"muted\">No behaviours recorded.</p>\n";
  } else {
    *out += BarChart(s.by_behaviour, "Incidents by behaviour", "incident", "incidents");
    *out += "<p class=\"note\">An incident with several behaviours counts once for each.</p>\n";
  }
  *out += "</section>\n";
}

void Timeline(const ReportData& data, std::string* out) {
  *out += "<section>\n<h2>Timeline</h2>\n";
  auto rows = BuildTimeline(data);
  if (rows.empty()) {
    *out += "<p class=\"muted\">Nothing dated in the period covered.</p>\n</section>\n";
    return;
  }
  *out +=
      "<p class=\"note\">Incidents from the diary, capture times from the metadata of "
      "exhibits, and messages from parsed exports, in order of the local time written.</p>\n";
  *out += ScrollRegion("Timeline") +
          "<table class=\"timeline\">\n<thead><tr><th style=\"width:13%\">Time</th>"
          "<th style=\"width:17%\">Entry</th><th>Details</th></tr></thead>\n<tbody>\n";
  std::optional<std::string> day;
  for (const auto& row : rows) {
    bool readable = IsReportTime(row.time);
    std::string date = readable ? row.time.substr(0, 10) : "";
    if (date != day) {
      day = date;
      auto d = DatePart(date);
      *out += "<tr class=\"day\"><th colspan=\"3\">" +
              (d ? std::string(WeekdayName(*d)) + " " + E(date)
                 : std::string("Times that could not be read as dates")) +
              "</th></tr>\n";
    }
    std::string clock = WallClockText(row.time);
    std::string time_html = !readable ? E(row.time)
                            : clock.size() > 11
                                ? E(clock.substr(11))
                                : std::string("<span class=\"muted\">all day</span>");
    std::string zone = readable ? ZonePart(row.time) : "";
    if (!zone.empty()) time_html += "<br><span class=\"muted mono\">" + E(zone) + "</span>";
    *out += "<tr><td class=\"nowrap\">" + time_html + "</td>";
    if (row.incident != nullptr) {
      const Incident& inc = *row.incident;
      bool more = false, mid_line = false;
      std::string excerpt = Excerpt(inc.what, 220, &more, &mid_line);
      *out += "<td><span class=\"kind kind-incident\">Incident</span><br>" + E(inc.id) +
              "</td><td>" + Tags(inc.behaviours);
      if (!inc.where.empty()) *out += " <span class=\"muted\">at</span> " + E(inc.where);
      *out += "<br>" + E(excerpt);
      if (mid_line) *out += "&#8230;";
      if (more) *out += " <span class=\"muted\">(in full under " + E(inc.id) + ")</span>";
      if (inc.versions.size() > 1) {
        *out += " <span class=\"muted\">(amended)</span>";
      }
      *out += "</td></tr>\n";
    } else {
      const ReportEvent& ev = *row.event;
      bool message = row.kind == TimelineRow::Kind::kMessage;
      *out += "<td><span class=\"kind\">" + std::string(message ? "Message" : "Capture") +
              "</span><br>" + E(ev.item) + "</td><td class=\"what\">" + E(ev.summary) +
              "</td></tr>\n";
    }
  }
  *out += "</tbody>\n</table>\n</div>\n</section>\n";
}

void VersionHtml(const IncidentVersion& v, size_t index, bool current, std::string* out) {
  *out += std::string("<div class=\"version") + (index > 0 ? " amendment" : "") + "\">\n<h4>" +
          (index == 0 ? std::string("Original account") : "Amendment " + Num(index)) +
          (current ? " (current)" : "") + " &#183; recorded " + WhenHtml(v.recorded) +
          " &#183; ledger entry " + Num(v.entry_seq) + "</h4>\n";
  if (index > 0) {
    *out += "<p><strong>Reason given:</strong> " + OrNone(v.reason, "none given") + "</p>\n";
  }
  *out += "<table class=\"fields\">\n";
  if (!v.at.empty()) *out += "<tr><th>When</th><td>" + SpanHtml(v.at, v.until) + "</td></tr>\n";
  if (!v.behaviours.empty()) {
    *out += "<tr><th>Behaviours</th><td>" + Tags(v.behaviours) + "</td></tr>\n";
  }
  *out += "<tr><th>Where</th><td>" + OrNone(v.where, "not given") + "</td></tr>\n";
  *out += "<tr><th>Witnesses</th><td>" + JoinEscaped(v.witnesses, "none named") + "</td></tr>\n";
  *out +=
      "</table>\n<div class=\"what\">" + OrNone(v.what, "no account given") + "</div>\n</div>\n";
}

std::string SenderHtml(std::string_view sender) {
  return sender.empty() ? "<span class=\"muted\">(no sender named)</span>" : E(sender);
}

// The messages linked to the incident, each as the export gave it: where it is in the export,
// when, who sent it, and its text whole.
void QuotedMessagesHtml(const ReportData& data, const Incident& inc, std::string* out) {
  auto it = data.quoted_messages.find(inc.id);
  if (it == data.quoted_messages.end() || it->second.empty()) return;
  *out +=
      "<div class=\"quotes\">\n<h4>Linked messages (" + Num(it->second.size()) + ")</h4>\n<ul>\n";
  for (const LinkedMessageQuote& q : it->second) {
    *out += "<li><p class=\"quote-head\">" + E(q.item) + " message " + std::to_string(q.index);
    if (!q.found) {
      *out +=
          " &#183; <span class=\"warning\">not in the case; evidence verify names the "
          "link</span></p></li>\n";
      continue;
    }
    *out += " &#183; " + (q.time ? WhenHtml(*q.time) : "<span class=\"muted\">no time</span>") +
            " &#183; " + SenderHtml(q.sender) + "</p><div class=\"what\">" +
            OrNone(q.text, "no text") + "</div></li>\n";
  }
  *out += "</ul>\n</div>\n";
}

void Incidents(const ReportData& data, std::string* out) {
  *out += "<section>\n<h2>Incidents</h2>\n";
  if (data.incidents.empty()) {
    *out += "<p class=\"muted\">No incidents in the period covered.</p>\n</section>\n";
    return;
  }
  for (const auto& inc : data.incidents) {
    auto d = DatePart(inc.at);
    *out += "<article class=\"incident\">\n<h3>" + E(inc.id) + " &#183; " +
            (d ? std::string(WeekdayName(*d)) + " " : std::string()) + SpanHtml(inc.at, inc.until) +
            "</h3>\n<p>" + Tags(inc.behaviours) + "</p>\n";
    *out += "<table class=\"fields\">\n";
    *out += "<tr><th>Where</th><td>" + OrNone(inc.where, "not given") + "</td></tr>\n";
    *out +=
        "<tr><th>Witnesses</th><td>" + JoinEscaped(inc.witnesses, "none named") + "</td></tr>\n";
    *out += "<tr><th>Evidence</th><td>" + JoinEscaped(inc.items, "none linked") + "</td></tr>\n";
    if (inc.versions.size() == 1) {
      const auto& v = inc.versions.front();
      *out += "<tr><th>Recorded</th><td>" + WhenHtml(v.recorded) + " &#183; ledger entry " +
              Num(v.entry_seq) + "</td></tr>\n</table>\n";
      *out += "<div class=\"what\">" + OrNone(inc.what, "no account given") + "</div>\n";
    } else {
      *out += "</table>\n<p class=\"amended-note\">Amended " +
              Plural(inc.versions.size() - 1, "time", "times") +
              ". Every version stays in the ledger and is shown here, oldest first.</p>\n";
      for (size_t i = 0; i < inc.versions.size(); ++i) {
        VersionHtml(inc.versions[i], i, i + 1 == inc.versions.size(), out);
      }
    }
    QuotedMessagesHtml(data, inc, out);
    *out += "</article>\n";
  }
  *out += "</section>\n";
}

void Messages(const ReportData& data, const ReportSummary& s, std::string* out) {
  *out += "<section>\n<h2>Messages</h2>\n";
  if (data.message_counts.empty()) {
    *out +=
        "<p class=\"muted\">No messages from parsed exports in the period covered.</p>\n"
        "</section>\n";
    return;
  }
  auto days = MessagesPerDayFilled(s);
  if (days.size() <= 120) {
    *out += ColumnChart(days, "Messages per day", "message", "messages");
    *out += "<p class=\"note\">Messages per local day from " + E(days.front().first) + " to " +
            E(days.back().first) + "; days without messages are shown as gaps.</p>\n";
  } else {
    // Too many days for readable columns: the same counts by ISO week.
    std::vector<std::pair<std::string, std::uint64_t>> weeks;
    for (const auto& [date, n] : days) {
      std::string label = IsoWeekLabel(IsoWeekOf(*DatePart(date)));
      if (weeks.empty() || weeks.back().first != label) weeks.emplace_back(label, 0);
      weeks.back().second += n;
    }
    *out += ColumnChart(weeks, "Messages per ISO week", "message", "messages");
    *out += "<p class=\"note\">Messages per ISO week from " + E(weeks.front().first) + " to " +
            E(weeks.back().first) + "; the table below gives each day.</p>\n";
  }
  *out += "<h3>By sender</h3>\n";
  if (s.messages_by_sender.size() > 1) {
    // The chart shows the busiest senders with names shortened to fit; the table has them all.
    std::vector<std::pair<std::string, std::uint64_t>> top;
    for (const auto& [sender, n] : s.messages_by_sender) {
      if (top.size() == 12) break;
      top.emplace_back(sender.empty() ? "(no sender named)" : Shorten(sender, 28), n);
    }
    *out += BarChart(top, "Messages by sender", "message", "messages");
  }
  *out += ScrollRegion("Messages by sender") +
          "<table>\n<thead><tr><th>Sender</th><th class=\"num\">Messages"
          "</th></tr></thead>\n<tbody>\n";
  for (const auto& [sender, n] : s.messages_by_sender) {
    *out += "<tr><td>" + SenderHtml(sender) + "</td><td class=\"num\">" + Num(n) + "</td></tr>\n";
  }
  *out += "</tbody>\n</table>\n</div>\n";

  *out += "<h3>By day and sender</h3>\n" + ScrollRegion("Messages by day and sender") +
          "<table class=\"by-day\">\n<thead><tr><th style=\"width:18%\">Date</th>"
          "<th>Sender</th><th style=\"width:18%\">Export</th><th class=\"num\">Messages</th>"
          "</tr></thead>\n<tbody>\n";
  for (const auto* mc : MessageCountsByDay(data)) {
    *out += "<tr><td class=\"nowrap\">" + E(mc->date) + "</td><td>" + SenderHtml(mc->sender) +
            "</td><td>" + E(mc->item) + "</td><td class=\"num\">" + Num(mc->count) + "</td></tr>\n";
  }
  *out += "</tbody>\n</table>\n</div>\n</section>\n";
}

std::string CallPartyHtml(const std::string& number, const std::string& contact) {
  return E(number) + (contact.empty() ? "" : " <span class=\"muted\">(" + E(contact) + ")</span>");
}

void Calls(const ReportData& data, const ReportSummary& s, std::string* out) {
  if (data.call_counts.empty()) return;  // no call log, no section
  *out += "<section>\n<h2>Calls</h2>\n<p>" + E(CallsSentence(s)) + "</p>\n";
  *out +=
      "<p class=\"note\">Missed counts the calls nobody answered: missed, sent to voicemail, "
      "rejected and blocked. Days are the dates written in each call&#39;s time.</p>\n";
  *out += "<h3>Busiest days</h3>\n<ul>\n";
  for (const auto* cc : BusiestCallDays(data, 10)) {
    *out += "<li>" + E(CallCountSentence(*cc)) + " <span class=\"muted\">(" + E(cc->item) +
            ")</span></li>\n";
  }
  *out += "</ul>\n<h3>By number</h3>\n" + ScrollRegion("Calls by number") +
          "<table>\n<thead><tr><th>Number</th>"
          "<th class=\"num\">Calls</th><th class=\"num\">Missed</th></tr></thead>\n<tbody>\n";
  for (const auto& t : s.calls_by_number) {
    *out += "<tr><td>" + E(t.key) + "</td><td class=\"num\">" + Num(t.calls) +
            "</td><td class=\"num\">" + Num(t.missed) + "</td></tr>\n";
  }
  *out += "</tbody>\n</table>\n</div>\n";
  *out += "<h3>By day and number</h3>\n" + ScrollRegion("Calls by day and number") +
          "<table class=\"by-day\">\n<thead><tr><th style=\"width:18%\">Date</th>"
          "<th>Number</th><th style=\"width:18%\">Call log</th><th class=\"num\">Calls</th>"
          "<th class=\"num\">Missed</th></tr></thead>\n<tbody>\n";
  for (const auto* cc : CallCountsByDay(data)) {
    *out += "<tr><td class=\"nowrap\">" + E(cc->date) + "</td><td>" +
            CallPartyHtml(cc->number, cc->contact) + "</td><td>" + E(cc->item) +
            "</td><td class=\"num\">" + Num(cc->calls) + "</td><td class=\"num\">" +
            Num(cc->missed) + "</td></tr>\n";
  }
  *out += "</tbody>\n</table>\n</div>\n</section>\n";
}

void Exhibits(const ReportData& data, std::string* out) {
  *out += "<section>\n<h2>Exhibits</h2>\n";
  if (data.items.empty()) {
    *out += "<p class=\"muted\">No exhibits in the period covered.</p>\n</section>\n";
    return;
  }
  *out +=
      "<p class=\"note\">Capture times come from each file&#39;s own metadata; ingest times "
      "are when the file entered the case. The SHA-256 identifies the exact bytes of the "
      "original.</p>\n";
  *out += ScrollRegion("Exhibits") +
          "<table class=\"exhibits\">\n<thead><tr><th style=\"width:12%\">Exhibit</th><th>Name</th>"
          "<th style=\"width:17%\">Kind</th><th style=\"width:19%\">Captured</th>"
          "<th style=\"width:19%\">Ingested</th><th class=\"num\" style=\"width:13%\">Size (bytes)"
          "</th></tr></thead>\n";
  // One tbody per exhibit, so that its two rows stay together on a printed page.
  for (const auto& it : data.items) {
    *out +=
        "<tbody><tr><td class=\"nowrap\"><strong>" + E(it.exhibit) + "</strong></td><td>" +
        OrNone(it.name, "no name") + "</td><td>" + E(it.kind) +
        (it.media_type.empty() ? "" : "<br><span class=\"muted\">" + E(it.media_type) + "</span>") +
        "</td><td>" +
        (it.captured && !it.captured->empty()
             ? WhenHtml(*it.captured)
             : std::string("<span class=\"muted\">not known</span>")) +
        "</td><td>" + WhenHtml(it.ingested) + "</td><td class=\"num\">" + Num(it.size) +
        "</td></tr>\n<tr class=\"digest\"><td colspan=\"6\"><span class=\"muted\">SHA-256"
        "</span> <span class=\"hash\">" +
        E(it.sha256) + "</span></td></tr>\n";
    for (const auto& w : it.warnings) {
      *out +=
          "<tr class=\"digest\"><td colspan=\"6\" class=\"warning\"><strong>Warning:"
          "</strong> " +
          E(w) + "</td></tr>\n";
    }
    *out += "</tbody>\n";
  }
  *out += "</table>\n</div>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const ReportData& data, const ReportSummary& summary) {
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>Pattern report &#8212; " + E(data.case_name) + "</title>\n<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n<main>\n";
  Header(data, &out);
  Summary(data, summary, &out);
  Charts(summary, &out);
  Timeline(data, &out);
  Incidents(data, &out);
  Messages(data, summary, &out);
  Calls(data, summary, &out);
  Exhibits(data, &out);
  out += "<footer>" + E(TimesSentence()) + " Made by libevidence from a ledger of " +
         Plural(data.ledger_size, "entry", "entries") + ".</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace evidence::report_internal
