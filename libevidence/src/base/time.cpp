#include "evidence/time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#include "status_macros.hpp"
#include "time_text.hpp"

namespace evidence {

namespace {

struct LocalReading {
  std::time_t t;
  int offset_minutes;
};

// mktime with one DST assumption, kept only if the clock really shows `wanted` at that instant.
std::optional<LocalReading> ReadLocal(const std::tm& wanted, int isdst) {
  std::tm tm = wanted;
  tm.tm_isdst = isdst;
  std::time_t t = mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  std::tm shown{};
  localtime_r(&t, &shown);
  if (shown.tm_year != wanted.tm_year || shown.tm_mon != wanted.tm_mon ||
      shown.tm_mday != wanted.tm_mday || shown.tm_hour != wanted.tm_hour ||
      shown.tm_min != wanted.tm_min || shown.tm_sec != wanted.tm_sec) {
    return std::nullopt;
  }
  return LocalReading{t, static_cast<int>(shown.tm_gmtoff / 60)};
}

std::string OffsetText(int offset_minutes) {
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

}  // namespace

Result<ParsedTime> ParseUserTime(std::string_view text) {
  const char* why = "";
  auto fields = ScanTimeText(text, &why);
  if (!fields) {
    return Status::InvalidArgument("time \"" + std::string(text) + "\": " + why +
                                   " (use YYYY-MM-DD HH:MM, optionally with +hh:mm)");
  }
  ParsedTime out;
  out.date_only = !fields->has_clock;
  out.had_offset = fields->zone != TimeText::Zone::kNone;
  out.offset_minutes = fields->offset_minutes;
  std::tm tm{};
  tm.tm_year = fields->year - 1900;
  tm.tm_mon = fields->month - 1;
  tm.tm_mday = fields->day;
  tm.tm_hour = fields->hour;
  tm.tm_min = fields->minute;
  tm.tm_sec = fields->second;
  std::int64_t secs;
  if (out.had_offset) {
    secs = static_cast<std::int64_t>(timegm(&tm)) - out.offset_minutes * 60;
  } else {
    // Both DST assumptions are tried: a time the clocks showed twice reads back under each, one
    // they skipped under neither.
    std::vector<LocalReading> readings;
    for (int isdst : {0, 1, -1}) {
      auto r = ReadLocal(tm, isdst);
      if (!r) continue;
      bool seen = false;
      for (const auto& x : readings) seen = seen || x.t == r->t;
      if (!seen) readings.push_back(*r);
    }
    std::sort(readings.begin(), readings.end(),
              [](const LocalReading& a, const LocalReading& b) { return a.t < b.t; });
    if (readings.empty()) {
      // The clocks skipped this time: take mktime's reading (the same wall time after the change).
      std::tm guess = tm;
      guess.tm_isdst = -1;
      std::time_t t = mktime(&guess);
      if (t == static_cast<std::time_t>(-1)) {
        return Status::InvalidArgument("time \"" + std::string(text) +
                                       "\": cannot be placed in the local time zone");
      }
      std::tm local{};
      localtime_r(&t, &local);
      readings.push_back({t, static_cast<int>(local.tm_gmtoff / 60)});
      out.kind = LocalTimeKind::kSkipped;
    } else if (readings.size() > 1) {
      out.kind = LocalTimeKind::kRepeated;
      out.later_unix_ms = static_cast<std::int64_t>(readings.back().t) * 1000 + fields->millis;
      out.later_offset_minutes = readings.back().offset_minutes;
    }
    secs = static_cast<std::int64_t>(readings.front().t);
    out.offset_minutes = readings.front().offset_minutes;
  }
  out.unix_ms = secs * 1000 + fields->millis;
  return out;
}

Result<ParsedTime> ParseRecordedTime(std::string_view text) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedTime t, ParseUserTime(text));
  if (t.date_only) return t;
  const std::string quoted = "time \"" + std::string(text) + "\": ";
  if (t.kind == LocalTimeKind::kSkipped) {
    return Status::InvalidArgument(
        quoted + "the local clock skipped this time (the clocks went forward); give the time " +
        "with its offset, e.g. \"" + std::string(text) + OffsetText(t.offset_minutes) + "\"");
  }
  if (t.kind == LocalTimeKind::kRepeated) {
    return Status::InvalidArgument(
        quoted + "the local clock showed this time twice (the clocks went back); give the " +
        "offset of the one you mean: \"" + std::string(text) + OffsetText(t.offset_minutes) +
        "\" (the first) or \"" + std::string(text) + OffsetText(t.later_offset_minutes) +
        "\" (the second)");
  }
  return t;
}

Result<std::int64_t> ParseTimeBound(std::string_view text, bool upper) {
  EVIDENCE_ASSIGN_OR_RETURN(ParsedTime t, ParseUserTime(text));
  if (upper && t.date_only) {
    // The next day's start, one millisecond back: a local day is not always 24 hours long.
    const char* why = "";
    auto fields = ScanTimeText(text, &why);
    std::tm next{};
    next.tm_year = fields->year - 1900;
    next.tm_mon = fields->month - 1;
    next.tm_mday = fields->day + 1;  // mktime normalises the end of a month or year
    next.tm_isdst = -1;
    std::time_t start;
    if (t.had_offset) {
      start = timegm(&next) - t.offset_minutes * 60;
    } else {
      start = mktime(&next);
      if (start == static_cast<std::time_t>(-1)) {
        return Status::InvalidArgument("time \"" + std::string(text) +
                                       "\": cannot be placed in the local time zone");
      }
    }
    return static_cast<std::int64_t>(start) * 1000 - 1;
  }
  if (upper && t.kind == LocalTimeKind::kRepeated) return t.later_unix_ms;
  return t.unix_ms;
}

std::string FormatUtc(std::int64_t unix_ms) {
  std::int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  std::time_t secs = static_cast<std::time_t>((unix_ms - ms) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string FormatWithOffset(std::int64_t unix_ms, int offset_minutes) {
  std::int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  std::time_t secs = static_cast<std::time_t>((unix_ms - ms) / 1000 + offset_minutes * 60);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (ms != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(ms));
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return buf;
}

std::int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace evidence
