// Private pieces shared by the message-export parsers (messages*.cpp), exposed here so the tests
// can reach the pure parts directly: text sanitising, time formatting, the WhatsApp header-line
// grammar and the RFC 5322 date grammar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "evidence/messages.hpp"
#include "evidence/status.hpp"
#include "utf8.hpp"

namespace evidence::messages_internal {

using MessageCallback = std::function<Status(Message&&)>;

// ---------------------------------------------------------------------------------------------
// Text.

// UTF-8 decoding and U+FFFD replacement are the base module's (utf8.hpp: DecodeUtf8, LossyUtf8).

// Invisible formatting marks some WhatsApp locales put around times, names and placeholders:
// LRM/RLM (U+200E/F), ALM (U+061C), embeddings and overrides (U+202A-U+202E), isolates
// (U+2066-U+2069), zero-width space and BOM.
bool IsInvisibleMark(char32_t cp);

// Removes invisible marks from both ends of `text` (interior marks stay: they are the sender's).
std::string_view TrimMarks(std::string_view text);
// Removes invisible marks everywhere (used for names, never for message text).
std::string StripMarks(std::string_view text);
// Trims ASCII blanks, NBSP and narrow NBSP, and invisible marks, at both ends.
std::string_view TrimBlanksAndMarks(std::string_view text);

// Appends a warning to `summary`, keeping at most 1000 (then one line saying more were dropped),
// so hostile input cannot grow the summary without bound.
void AddWarning(ExportSummary* summary, std::string warning);

// Counts one unit of the export that could not be read as part of any message, and keeps the
// first as "<unit> <number>: <text>" (text sanitised, cut to 200 bytes) in `first_unparsed`; see
// ExportSummary. `unit` is "line", "record"...
void NoteUnparsed(ExportSummary* summary, std::string_view unit, uint64_t number,
                  std::string_view text);

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence; returns true if it cut.
bool TruncateUtf8(std::string& text, uint64_t max_bytes);

// `text` cut as TruncateUtf8 cuts it.
std::string CutUtf8(std::string text, uint64_t max_bytes);

// Lower-case media type guessed from a file name's suffix ("application/octet-stream" if unknown).
std::string MediaTypeForName(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Times.

bool IsValidCivilDate(int year, int month, int day);
// "YYYY-MM-DDTHH:MM:SS" (no zone).
std::string FormatLocalTime(int year, int month, int day, int hour, int minute, int second);
// RFC 3339 UTC with milliseconds, "2017-12-02T14:49:27.463Z". Requires a year in 0..9999.
std::optional<std::string> FormatUnixMillisUtc(int64_t millis);

// Parses an RFC 5322 date-time (with the obsolete forms of section 4.3: two-digit years, named
// zones, comments, missing seconds, one-digit hours) into RFC 3339 with its offset, e.g.
// "Sat, 22 Nov 2008 15:04:59 +1100" -> "2008-11-22T15:04:59+11:00". The unknown offset "-0000" and
// military zones give "-00:00" (RFC 3339's "offset unknown"). nullopt when it is not a date.
std::optional<std::string> ParseRfc5322Date(std::string_view value);

// ---------------------------------------------------------------------------------------------
// WhatsApp header lines ("18/03/2022, 14:56 - Name: text" and "[3/18/22, 14:56:01] Name: text").

struct WhatsAppHeader {
  bool bracketed = false;   // iOS layout "[date, time] ..."
  bool time_first = false;  // "[14:56:01, 3/18/22]" (Vietnamese iOS)
  bool year_first = false;  // "2019/01/20" and the like
  char date_separator = '/';
  int field1 = 0,
      field2 = 0;  // the two non-year date fields as written (or month, day if year_first)
  int year = 0;    // Gregorian year, already converted from era or Buddhist calendars
  const char* calendar = "gregorian";  // "gregorian", "buddhist", "japanese"
  int hour = 0, minute = 0, second = 0;
  bool has_seconds = false;
  bool twelve_hour = false;  // an AM/PM marker was present (hour already converted to 0-23)
  bool colon_after = false;  // "25/10/2015, 20:49:25: Name: text" (early iOS, no brackets)
  size_t rest_offset = 0;    // where "sender: text" (or a system notice) starts in the line
};

// Parses the timestamp prefix of a WhatsApp line. nullopt when the line is not a message header
// (then it continues the previous message). Does not decide the order of day and month.
std::optional<WhatsAppHeader> ParseWhatsAppHeader(std::string_view line);

// ---------------------------------------------------------------------------------------------
// Format entry points (called by ParseExport after detection). `name_hint` is only informative.

Result<ExportSummary> ParseWhatsAppText(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message);
Result<ExportSummary> ParseWhatsAppZip(const std::filesystem::path& path,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message,
                                       const MediaSink* on_media);
// Detection helper: true if the zip holds a WhatsApp chat text. kCorruption if it is not a zip
// that can be read.
Result<bool> ZipHoldsWhatsAppChat(const std::filesystem::path& path);
// Detection helper: true if `head` (the first bytes of a file) starts with a WhatsApp header line.
bool LooksLikeWhatsAppText(std::string_view head);

// True if `head` opens with an RFC 5322 header block: every line up to the first blank line (or
// the end of `head`) is a "Name: value" field or a folded continuation, and at least one field is
// one a message carries. Tells an .eml by content, and an mbox "From " separator from a body line
// that happens to begin with "From ".
bool LooksLikeEmailHeaders(std::string_view head);

Result<ExportSummary> ParseSmsBackup(const std::filesystem::path& path, const ParseOptions& options,
                                     const MessageCallback& on_message);

// Parses one message (.eml) or a mailbox (.mbox); `format` is what the summary reports.
Result<ExportSummary> ParseEmail(const std::filesystem::path& path, ExportFormat format,
                                 const ParseOptions& options, const MessageCallback& on_message);

// Telegram Desktop JSON (messages_telegram.cpp) and DiscordChatExporter JSON
// (messages_discord.cpp). The detectors look at the first kJsonHeadBytes of `head` (see
// messages_json.hpp) and are the ones metadata and message code both use.
bool LooksLikeTelegramJson(std::string_view head);
Result<ExportSummary> ParseTelegramJson(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message);
bool LooksLikeDiscordJson(std::string_view head);
Result<ExportSummary> ParseDiscordJson(const std::filesystem::path& path,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message);
// Facebook Messenger / Instagram JSON (messages_meta.cpp). `head` may start with a BOM.
bool LooksLikeMetaMessagesJson(std::string_view head);
// Meta's mojibake: a string whose code points are all below U+0100 and whose code points, taken
// as bytes, form valid UTF-8 with at least one non-ASCII byte, is those bytes; else unchanged.
std::string RepairMetaMojibake(std::string_view text);
Result<ExportSummary> ParseMetaMessages(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message);
Result<ExportSummary> ParseMetaMessagesBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message);

// Google Chat Takeout messages.json (messages_google_chat.cpp).
bool LooksLikeGoogleChatJson(std::string_view head);
// "Wednesday, April 15, 2015 at 6:24:13 PM UTC" -> "2015-04-15T18:24:13Z"; a stated offset or
// US zone gives "+hh:mm"; no zone gives local time without offset. nullopt when it is not a date.
std::optional<std::string> ParseGoogleChatDate(std::string_view value);
Result<ExportSummary> ParseGoogleChat(const std::filesystem::path& path,
                                      const ParseOptions& options,
                                      const MessageCallback& on_message);
Result<ExportSummary> ParseGoogleChatBuffer(std::string_view bytes, const ParseOptions& options,
                                            const MessageCallback& on_message);

// imessage-exporter HTML (messages_imessage_html.cpp) and TXT (messages_imessage_text.cpp).
bool LooksLikeIMessageHtml(std::string_view head);
bool LooksLikeIMessageText(std::string_view head);
// "May 17, 2022  5:29:42 PM" at the start of `text` -> "2022-05-17T17:29:42" (local, no zone);
// `consumed` (optional) receives the length of the stamp.
std::optional<std::string> ParseIMessageTimestamp(std::string_view text, size_t* consumed);
Result<ExportSummary> ParseIMessageHtml(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message);
Result<ExportSummary> ParseIMessageHtmlBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message);
Result<ExportSummary> ParseIMessageText(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message);
Result<ExportSummary> ParseIMessageTextBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message);
// ---------------------------------------------------------------------------------------------
// Call logs and Google Voice (messages_calls.cpp, messages_google_voice.cpp).

// Recognises, from the first bytes of a file (after any BOM), a call log (SMS Backup & Restore
// <calls>, SuperBackup <alllogs>) or a Google Takeout Voice page (a call, or a text thread).
// The one detection used by both ParseExport and the metadata classifier. Cheap: string searches.
std::optional<ExportFormat> DetectCallOrVoiceExport(std::string_view head);

// Sets direction, sender and recipients (and extra "kind": "call") from m->call (required).
void SetCallParties(Message* m);
// Android's CallLog.Calls.TYPE code ("1".."7", or the type spelled out) as a Call::type.
std::string AndroidCallType(std::string_view raw);

// `format` is kCallLogXml or kSuperBackupCalls.
Result<ExportSummary> ParseCallLogXml(const std::filesystem::path& path, ExportFormat format,
                                      const ParseOptions& options,
                                      const MessageCallback& on_message);
// `format` is kGoogleVoiceCall or kGoogleVoiceText. One page is read whole (it describes one call
// or one thread), up to kMaxGoogleVoicePageBytes: a DOM takes many times the bytes of its page,
// and real pages are a few KiB (kUnsupported beyond).
inline constexpr uint64_t kMaxGoogleVoicePageBytes = 8ull << 20;
Result<ExportSummary> ParseGoogleVoice(const std::filesystem::path& path, ExportFormat format,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message);
// Exposed for tests: "PT1H2M3S" -> 3723; nullopt when it is not an ISO 8601 duration of hours,
// minutes and seconds.
std::optional<uint64_t> ParseIsoDuration(std::string_view text);

}  // namespace evidence::messages_internal
