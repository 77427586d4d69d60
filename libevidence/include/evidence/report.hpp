// The timeline and pattern report (docs/report.md): what happened, when, how often, and the
// exhibits that show it. Pure: the case gathers a ReportData, and this module summarises and
// renders it without touching the case, so a bundle can render the report of a selection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/incident.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// Times are text as the case stores them: "YYYY-MM-DD", optionally followed by "THH:MM[:SS[.f]]"
// (or a space instead of 'T') and "Z" or "+hh:mm"/"-hh:mm". RenderReport rejects any other form
// with kInvalidArgument; dates and weeks always come from the date part as written, never from a
// conversion between zones, so a diary entry stays on the day the user lived it.

// Incidents are the diary's own type (Incident, incident.hpp). For the report a version's `at`
// may be empty (and its `behaviours` empty), meaning "not given": the report then shows only its
// account, place, witnesses and reason.

struct ReportItem {
  std::string exhibit;
  std::string name;
  std::string kind;
  std::string media_type;
  std::uint64_t size = 0;
  std::string sha256;
  std::optional<std::string> captured;  // RFC 3339 (with or without offset) from metadata
  std::string ingested;
  // From the signed item.metadata entry (Item::warnings): a message export read only in part or
  // not at all. Every format shows them beside the exhibit.
  std::vector<std::string> warnings = {};
};

// Messages parsed out of exports, counted per local day and sender.
struct ReportMessageCount {
  std::string date;  // YYYY-MM-DD
  std::string sender;
  std::string item;  // the export's exhibit id
  std::uint64_t count = 0;
};

// Calls parsed out of call logs, counted per local day (the date written in the call's time) and
// number, with the missed ones (IsMissedCallType: missed, voicemail, rejected, blocked) apart.
struct ReportCallCount {
  std::string date;     // YYYY-MM-DD
  std::string number;   // the number, or "(withheld)", "(unknown)", "(payphone)", "(no number)"
  std::string contact;  // the contact name the log gives for it; "" when none
  std::string item;     // the call log's exhibit id
  std::uint64_t calls = 0;
  std::uint64_t missed = 0;
};

// A dated thing on the timeline that is not an incident: a capture time or a message.
struct ReportEvent {
  std::string time;     // RFC 3339, or local "YYYY-MM-DDTHH:MM:SS" when the source had no zone
  std::string kind;     // "capture" or "message"
  std::string item;     // exhibit id
  std::string summary;  // e.g. "photo gift-on-doorstep.jpg" or "Alex: Why are you ignoring me?"
};

struct ReportData {
  std::string case_name;
  std::string case_uuid;
  std::string owner;
  std::string generated;             // RFC 3339 UTC
  std::optional<std::string> since;  // the window, as the user gave it
  std::optional<std::string> until;
  std::uint64_t ledger_size = 0;  // entries covered by the checkpoint below
  std::string checkpoint_root;    // 64 lower-case hex digits
  std::string key_fingerprint;
  std::vector<Incident> incidents;  // ordered by `at`; at least one version each
  // What each incident's linked messages (Incident::messages) say, by incident id, in link order
  // (Case::QuoteMessages): every format quotes them under the incident.
  std::map<std::string, std::vector<LinkedMessageQuote>> quoted_messages;
  std::vector<ReportItem> items;  // ordered by exhibit
  std::vector<ReportMessageCount> message_counts;
  std::vector<ReportCallCount> call_counts;
  std::vector<ReportEvent> events;  // not necessarily ordered
};

// Dates here are the local dates written in each incident's `at` (see the note on times above).
struct ReportSummary {
  std::uint64_t incidents = 0;
  std::optional<std::string> first_date;  // YYYY-MM-DD of the earliest incident
  std::optional<std::string> last_date;
  std::uint64_t separate_days = 0;  // distinct local dates with at least one incident
  // Incidents per behaviour (an incident counts once for each behaviour it names), most frequent
  // first, ties by name.
  std::vector<std::pair<std::string, std::uint64_t>> by_behaviour;
  // ISO 8601 weeks ("2026-W11") from the first incident's week to the last's, every week listed,
  // empty ones with 0, in order.
  std::vector<std::pair<std::string, std::uint64_t>> by_week;
  std::uint64_t messages = 0;
  // Most first, ties by name; "" is a sender the export does not name.
  std::vector<std::pair<std::string, std::uint64_t>> messages_by_sender;
  // Days that have messages, in date order (renderers fill the silent days in for charts).
  std::vector<std::pair<std::string, std::uint64_t>> messages_by_day;
  std::uint64_t exhibits = 0;
  // Calls from parsed call logs, and how many of them were missed.
  std::uint64_t calls = 0;
  std::uint64_t missed_calls = 0;
  struct CallTally {
    std::string key;  // a date (calls_by_day) or a number (calls_by_number)
    std::uint64_t calls = 0;
    std::uint64_t missed = 0;
  };
  // Days that have calls, in date order.
  std::vector<CallTally> calls_by_day;
  // Most calls first, ties by number.
  std::vector<CallTally> calls_by_number;
};

// Facts only: counts and dates; no legal conclusions. Pure and total: an incident whose `at` does
// not start with a real date is counted in `incidents` and `by_behaviour` but in no date or week
// (RenderReport refuses such data before it summarises).
ReportSummary Summarize(const ReportData& data);

enum class ReportFormat { kHtml, kMarkdown, kJson };

// Parses "html", "md"/"markdown", "json". kInvalidArgument otherwise.
Result<ReportFormat> ParseReportFormat(std::string_view name);

// Renders the report (docs/report.md). HTML is one self-contained file (inline CSS and SVG, no
// scripts, no remote content, a restrictive Content-Security-Policy, printable on A4) in which
// every piece of user or evidence text is escaped; Markdown escapes markup and table pipes; JSON
// (integers and strings only) validates against schemas/report.schema.json.
// kInvalidArgument, naming the record, when the data breaks what the schema promises: a time
// outside the grammar above (`generated`, `at`, `until`, `recorded`, `captured`, `ingested`,
// event times; version `at` may be empty), a message-count date that is not YYYY-MM-DD, a
// checkpoint root or sha256 that is not 64 lower-case hex digits, a behaviour not in
// kBehaviours (incident.hpp), an incident without versions or id, or an event kind other than
// "capture" and "message". Pure: no I/O; safe to call from several threads.
Result<std::string> RenderReport(const ReportData& data, ReportFormat format);

}  // namespace evidence
EVIDENCE_PUBLIC_END
