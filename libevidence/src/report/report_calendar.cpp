// Calendar arithmetic for the report: dates as written and ISO 8601 weeks (the time grammar is
// time_text.hpp). Written out here rather than taken from <chrono> so that no time zone database,
// and no local zone of the machine that renders the report, can move an entry to another day or
// week.
#include <cstdio>

#include "report_internal.hpp"
#include "time_text.hpp"

namespace evidence::report_internal {

namespace {

// Floor division, for days before the epoch.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::optional<CivilDate> DatePart(std::string_view text) {
  // Only the first ten characters matter here; ScanTimeText checks the rest where it is needed.
  auto fields = ScanTimeText(text.substr(0, 10));
  if (!fields) return std::nullopt;
  return CivilDate{fields->year, fields->month, fields->day};
}

bool IsReportTime(std::string_view text) { return ScanTimeText(text).has_value(); }

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
