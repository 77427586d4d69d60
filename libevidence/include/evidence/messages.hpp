// Message exports: WhatsApp "Export chat" (.txt and .zip), SMS Backup & Restore (.xml), e-mail
// (.eml and .mbox). A parser turns one export into a stream of messages (time, sender, text,
// attachments) in fixed memory, so a 100 MB chat or a 500 MB mailbox never sits in memory whole.
// The formats, and the rules applied to them, are described in docs/messages.md.
//
// Thread safety: the functions below may be called from several threads at once on different
// files; the callbacks run on the calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The order of day and month in numeric dates such as "03/04/21", when the export cannot prove it.
enum class DateOrder { kUnknown, kDayFirst, kMonthFirst };

enum class ExportFormat {
  kWhatsAppText,
  kWhatsAppZip,
  kSmsBackupXml,
  kEml,
  kMbox,
  kTelegramJson,      // Telegram Desktop result.json (one chat or the whole account)
  kDiscordJson,       // DiscordChatExporter .json (one channel, DM or thread)
  kMetaMessagesJson,  // Facebook Messenger and Instagram "Download your information" JSON
  kGoogleChatJson,    // Google Chat Takeout messages.json
  kIMessageHtml,      // imessage-exporter HTML
  kIMessageText,      // imessage-exporter TXT
  kCallLogXml,        // SMS Backup & Restore / Call Logs Backup & Restore calls.xml
  kSuperBackupCalls,  // SuperBackup <alllogs>
  kGoogleVoiceCall,   // Google Takeout Voice, one call page (Voice/Calls/*.html)
  kGoogleVoiceText,   // Google Takeout Voice, one text thread page
};

// "whatsapp-text", "whatsapp-zip", "sms-backup-xml", "eml", "mbox", "telegram-json",
// "discord-json", "messenger-instagram-json", "google-chat-json", "imessage-html",
// "imessage-text", "call-log-xml", "superbackup-calls", "google-voice-call", "google-voice-text".
std::string_view ExportFormatName(ExportFormat format);

// Parses "day-first" / "month-first" (the spelling of the CLI's --date-order); kInvalidArgument
// otherwise.
Result<DateOrder> ParseDateOrder(std::string_view text);

// A file carried by (or named in) a message.
struct Attachment {
  std::string name;        // file name as the export gives it; "" when it gives none
  std::string media_type;  // "image/jpeg"...; from the export, else guessed from the name's suffix
  // Decoded size in bytes, and lower-case hex SHA-256 of the decoded bytes; both absent when the
  // bytes are not in the export (a WhatsApp .txt only names its files).
  std::optional<uint64_t> size;
  std::optional<std::string> sha256;
};

// What a call-log record says about one call (docs/messages.md, "Call logs").
struct Call {
  // "incoming", "outgoing", "missed", "voicemail", "rejected", "blocked", "recorded",
  // "answered-elsewhere", or "unknown" (a type code the format does not define; extra keeps it).
  std::string type;
  std::string number;   // as the export writes it; "" when withheld, unknown or absent
  std::string contact;  // the contact name the export gives; "" when none
  // Seconds the call lasted, as the export states it; absent when it states none.
  std::optional<uint64_t> duration_s;
  // "" when the number was shown; "withheld", "unknown" or "payphone" when the network hid it.
  std::string presentation;
};

// The call types that count as missed in summaries: the phone rang and nobody answered it.
bool IsMissedCallType(std::string_view type);

struct Message {
  uint64_t index = 0;  // 0-based order within the export (file order, not time order)
  // WhatsApp: phone-local time without offset, "2020-03-14T18:20:00" (the export has no zone).
  // SMS and call logs: UTC with milliseconds, "2017-12-02T14:49:27.463Z". Google Voice: the
  // page's time with its offset, "2016-11-22T09:57:49.000-08:00". E-mail: the Date header with its
  // offset, "2008-11-22T15:04:59+11:00". Telegram: UTC from date_unixtime, else the export's
  // local time without zone. Discord: RFC 3339 with the stated offset ("Z" for +00:00).
  // Messenger/Instagram and Google Chat: UTC ("...Z"); iMessage (imessage-exporter): the Mac's
  // local time without offset. Absent when the export has no usable time.
  std::optional<std::string> time;
  // Display name, address or number as the export gives it. "" for system messages, and for
  // messages the phone's owner sent where the export does not name the owner (SMS).
  std::string sender;
  std::vector<std::string> recipients;
  std::string direction;  // "incoming", "outgoing", or "" when the format does not say
  std::string text;       // full text, line breaks kept, valid UTF-8
  bool system = false;    // WhatsApp notices ("Messages and calls are end-to-end encrypted", joins)
  std::vector<Attachment> attachments;
  nlohmann::json extra = nlohmann::json::object();  // format-specific fields; never floats
  // Set for a record of a call log: the message is then the call (text is a voicemail's
  // transcript, or ""; sender is the caller's number for calls in, recipients the number called).
  std::optional<Call> call;
};

// Limits that keep hostile input from exhausting memory, disk or time.
struct ParseOptions {
  // Used only when the export cannot prove the order itself (every day number is 12 or less).
  DateOrder date_order = DateOrder::kUnknown;
  // A message's text beyond this is cut (extra "text_truncated": true, and a summary warning).
  uint64_t max_text_bytes = 1u << 20;
  // WhatsApp .zip: members, bytes of one member, bytes of all members (uncompressed), and the
  // largest uncompressed/compressed ratio tolerated for a member over 1 MiB. Crossing one is a
  // kCorruption error ("zip bomb"), never an out-of-memory.
  uint64_t max_zip_entries = 100000;
  uint64_t max_member_bytes = 4ull << 30;
  uint64_t max_total_bytes = 32ull << 30;
  uint64_t max_compression_ratio = 200;
  // SMS XML: libxml2 refuses one attribute (an MMS part's base64 data) over 10 MB unless this is
  // set, which raises its cap to 1 GB. The attribute is held in memory while it is hashed.
  bool allow_huge_xml_attributes = false;
};

struct ExportSummary {
  ExportFormat format = ExportFormat::kWhatsAppText;
  uint64_t message_count = 0;
  // Facts about the whole export: "time_zone" always; WhatsApp: "layout", "date_order",
  // "date_order_source", "clock", "calendar", "chat_member", "media_count"; SMS: "backup_set",
  // "backup_date", "declared_count", "sms_count", "mms_count"; mbox/eml: nothing more; call logs:
  // "call_count", "calls_by_type", and "declared_count", "backup_set", "backup_date" when given;
  // Google Voice: "title", and "participants" for a group thread.
  nlohmann::json fields = nlohmann::json::object();
  // Problems that did not stop the parse (an undecodable MMS part, a cut text, a bad Date header).
  std::vector<std::string> warnings;
  // How much of the export was read, so that a partial reading is never mistaken for a complete
  // one (docs/messages.md, "Never silent"). `read_count` counts the units the parser went through:
  // lines of a text export, records of an XML or JSON one, messages of a mailbox. `unparsed_count`
  // counts those that belong to no message although the export is read as this format (a line
  // shaped like a message whose stamp does not read, text before the first message, an unknown
  // record). `first_unparsed` shows the first of them, "line 12: <its text>" (at most 200 bytes
  // of text), "" when there is none. A parser that does not count leaves all three empty.
  uint64_t read_count = 0;
  std::string read_unit = "lines";  // what read_count counts: "lines", "records", "messages"
  uint64_t unparsed_count = 0;
  std::string first_unparsed;
};

// Above this share of unparsed units (in percent), a reading needs a warning.
inline constexpr uint64_t kUnparsedWarningPercent = 2;

// The warning a recognised export must carry so that it is never silent: when it yielded no
// messages, or when more than kUnparsedWarningPercent of its units were not read; nullopt when
// neither holds. Names the first unit that could not be read.
std::optional<std::string> ReadingWarning(const ExportSummary& summary);

// The formats DetectExportFormat tries, in its order, as ExportFormatName spells them joined by
// ", ": what a file that is none of them is said to have been tried against.
std::string TriedExportFormats();

// Pulls the bytes of one media member of a WhatsApp .zip. Valid only during the MediaSink call
// that received it.
class MediaReader {
 public:
  // Copies up to out.size() bytes and returns how many; 0 means the member is finished.
  // kCorruption when the member is damaged or crosses a size limit.
  virtual Result<size_t> Read(std::span<uint8_t> out) = 0;
  // Reads whatever is left and returns the member's complete description (size and sha256 set).
  // May be called at any point; reading after it returns 0.
  virtual Result<Attachment> Finish() = 0;

 protected:
  ~MediaReader() = default;
};

// Receives each media member of a WhatsApp .zip, in archive order, before any message is
// delivered. `member` has name and media type (no size or hash yet). The sink may read all, part
// or none of the bytes; the parser then reads the rest itself, so every message's attachment
// carries the member's size and sha256. A non-OK return stops the parse with that status.
using MediaSink = std::function<Status(const Attachment& member, MediaReader& reader)>;

// Tells the format of the export at `path` from its content; `name_hint` (the original file name,
// may be "") only settles .eml against .mbox for a single message with an mbox "From " line.
// kUnsupported when it is not a message export this library reads (with the reason: an Outlook
// .msg, a Telegram JSON, an unrelated XML...); kNotFound / kIoError when it cannot be read.
Result<ExportFormat> DetectExportFormat(const std::filesystem::path& path,
                                        std::string_view name_hint);

// Detects the format, then streams the messages to `on_message` in export order. A non-OK status
// from `on_message` (or `on_media`) stops the parse and is returned as it is. Errors: kUnsupported
// (not an export), kInvalidArgument (WhatsApp day/month order cannot be told and
// options.date_order is kUnknown; the message asks for --date-order day-first|month-first),
// kCorruption (malformed or truncated, naming the line or byte offset, or a zip limit crossed),
// kIoError. Messages delivered before an error stay delivered: a caller that stores them should
// do so in a transaction it can abandon.
Result<ExportSummary> ParseExport(const std::filesystem::path& path, std::string_view name_hint,
                                  const ParseOptions& options,
                                  const std::function<Status(Message&&)>& on_message,
                                  const MediaSink* on_media = nullptr);

}  // namespace evidence
EVIDENCE_PUBLIC_END
