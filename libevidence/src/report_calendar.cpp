// Calendar arithmetic for the report: dates as written, ISO 8601 weeks, and the time grammar.
// Written out here rather than taken from <chrono> so that no time zone database, and no local
// zone of the machine that renders the report, can move an entry to another day or week.
#include <cstdio>

#include "report_internal.hpp"

namespace evidence::report_internal {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

// Floor division, for days before the epoch.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::optional<CivilDate> DatePart(std::string_view text) {
  CivilDate d;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, &d.year) ||
      !Digits(text, 5, 2, &d.month) || !Digits(text, 8, 2, &d.day)) {
    return std::nullopt;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

bool IsReportTime(std::string_view text) {
  if (!DatePart(text)) return false;
  size_t pos = 10;
  if (pos == text.size()) return true;  // a date alone carries no zone
  if (text[pos] == 'T' || text[pos] == ' ') {
    int h = 0, m = 0, s = 0;
    if (!Digits(text, pos + 1, 2, &h) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !Digits(text, pos + 4, 2, &m) || h > 23 || m > 59) {
      return false;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      // 60 allows a leap second, as RFC 3339 does.
      if (!Digits(text, pos + 1, 2, &s) || s > 60) return false;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        size_t start = ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') pos++;
        if (pos == start) return false;
      }
    }
  } else {
    return false;
  }
  if (pos == text.size()) return true;
  if (text[pos] == 'Z') return pos + 1 == text.size();
  if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    return pos + 6 == text.size() && Digits(text, pos + 1, 2, &oh) && text[pos + 3] == ':' &&
           Digits(text, pos + 4, 2, &om) && oh <= 23 && om <= 59;
  }
  return false;
}

// The classic era-based conversion (400-year cycles of 146097 days), shifted so that the year
// starts in March and the leap day falls at its end.
std::int64_t DaysFromCivil(const CivilDate& date) {
  std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  std::int64_t era = FloorDiv(y, 400);
  std::int64_t yoe = y - era * 400;
  std::int64_t mp = (date.month + 9) % 12;  // March = 0
  std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;
  std::int64_t era = FloorDiv(days, 146097);
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

int Weekday(const CivilDate& date) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((DaysFromCivil(date) % 7) + 7 + 3) % 7);
}

IsoWeek IsoWeekOf(const CivilDate& date) {
  // A week belongs to the year that holds its Thursday.
  std::int64_t days = DaysFromCivil(date);
  CivilDate thursday = CivilFromDays(days - Weekday(date) + 3);
  std::int64_t jan1 = DaysFromCivil({thursday.year, 1, 1});
  IsoWeek w;
  w.year = thursday.year;
  w.week = static_cast<int>((DaysFromCivil(thursday) - jan1) / 7 + 1);
  return w;
}

std::string IsoWeekLabel(const IsoWeek& week) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", week.year, week.week);
  return buf;
}

CivilDate IsoWeekMonday(const IsoWeek& week) {
  // 4 January is always in week 1.
  CivilDate jan4{week.year, 1, 4};
  std::int64_t monday1 = DaysFromCivil(jan4) - Weekday(jan4);
  return CivilFromDays(monday1 + 7 * static_cast<std::int64_t>(week.week - 1));
}

std::string FormatDate(const CivilDate& date) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

std::string_view WeekdayName(const CivilDate& date) {
  static constexpr std::string_view kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
  return kNames[Weekday(date)];
}

std::string WallClockKey(std::string_view time) {
  // "YYYY-MM-DDTHH:MM:SS.fff..." with missing parts as zeros; the zone is dropped on purpose.
  std::string key(time.substr(0, 10));
  std::string clock = "00:00:00";
  std::string frac;
  if (time.size() > 10 && (time[10] == 'T' || time[10] == ' ')) {
    size_t pos = 11;
    if (time.size() >= pos + 5) clock.replace(0, 5, time.substr(pos, 5));
    pos += 5;
    if (pos < time.size() && time[pos] == ':' && time.size() >= pos + 3) {
      clock.replace(6, 2, time.substr(pos + 1, 2));
      pos += 3;
      if (pos < time.size() && time[pos] == '.') {
        ++pos;
        while (pos < time.size() && time[pos] >= '0' && time[pos] <= '9') frac += time[pos++];
      }
    }
  }
  while (frac.size() < 9) frac += '0';
  return key + "T" + clock + "." + frac;
}

std::string WallClockText(std::string_view time) {
  std::string out(time.substr(0, 10));
  if (time.size() >= 16 && (time[10] == 'T' || time[10] == ' ')) {
    out += ' ';
    out += time.substr(11, 5);
    // Seconds are kept when they say something; fractions are for the JSON, not for reading.
    if (time.size() >= 19 && time[16] == ':' && time.compare(17, 2, "00") != 0) {
      out += time.substr(16, 3);
    }
  }
  return out;
}

std::string ZonePart(std::string_view time) {
  if (time.size() <= 10) return "";
  if (time.back() == 'Z') return "UTC";
  if (time.size() >= 16) {
    char sign = time[time.size() - 6];
    if ((sign == '+' || sign == '-') && time[time.size() - 3] == ':') {
      return std::string(time.substr(time.size() - 6));
    }
  }
  return "";
}

}  // namespace evidence::report_internal
