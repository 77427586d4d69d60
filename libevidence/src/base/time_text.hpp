// The one grammar for times written as text, shared by the user-facing parser (time.cpp) and the
// report's checks (report_calendar.cpp), so that what `incident add --at` accepts and what the
// report accepts can never drift apart. Pure: no clock, no time zone database.
#pragma once

#include <optional>
#include <string_view>

namespace evidence {

struct TimeText {
  int year = 0, month = 0, day = 0;
  bool has_clock = false;  // false for a date alone ("YYYY-MM-DD")
  int hour = 0, minute = 0, second = 0;
  int millis = 0;  // a fraction of a second, truncated to milliseconds
  enum class Zone { kNone, kUtc, kOffset } zone = Zone::kNone;
  int offset_minutes = 0;  // east of UTC, when zone == kOffset
};

// True for a day that exists in the proleptic Gregorian calendar.
bool IsCivilDate(int year, int month, int day);

// Scans "YYYY-MM-DD", optionally followed by "T" or " " and "HH:MM[:SS[.fff...]]", optionally
// followed by "Z" or "+hh:mm"/"-hh:mm" (a zone needs a clock). Seconds may be 60 (a leap second,
// as RFC 3339 allows). On failure returns nullopt and, when `why` is given, a short reason.
std::optional<TimeText> ScanTimeText(std::string_view text, const char** why = nullptr);

}  // namespace evidence
