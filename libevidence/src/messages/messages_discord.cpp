// DiscordChatExporter's JSON: one channel per file ({"guild", "channel", "dateRange",
// "messages": [...], "messageCount"}), for DMs, group DMs, guild channels and threads alike.
// Streamed one message object at a time; docs/messages.md describes the fields used.
#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>
#include <utility>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json.hpp"

namespace evidence::messages_internal {

namespace {

using nlohmann::json;

// Message kinds DiscordChatExporter writes for notices rather than for what someone wrote
// (its MessageKind enum; an unknown kind is written as its number, and Discord numbers 1-18
// are notices too).
constexpr std::array<std::string_view, 8> kSystemKinds = {
    "RecipientAdd",      "RecipientRemove",   "Call",
    "ChannelNameChange", "ChannelIconChange", "ChannelPinnedMessage",
    "GuildMemberJoin",   "ThreadCreated"};

bool IsSystemKind(std::string_view kind) {
  if (std::find(kSystemKinds.begin(), kSystemKinds.end(), kind) != kSystemKinds.end()) return true;
  if (kind.empty() || kind.size() > 2) return false;
  int n = 0;
  for (char c : kind) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  return n >= 1 && n <= 18;
}

// The last path component of a URL or of a relative path ("...json_Files\\a-1F2.png").
std::string BaseName(std::string_view s) {
  const size_t q = s.find_first_of("?#");
  if (q != std::string_view::npos && s.find("://") != std::string_view::npos) s = s.substr(0, q);
  const size_t slash = s.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
}

class DiscordParser final : public StreamedExportParser {
 public:
  DiscordParser(const ParseOptions& options, const MessageCallback& on_message)
      : StreamedExportParser(options, on_message, ExportFormat::kDiscordJson, "discord") {}

  bool Want(const JsonPath& path) override {
    const std::string& top = path[0].key;
    if (path.size() == 1) {
      return top == "guild" || top == "channel" || top == "messageCount" || top == "exportedAt";
    }
    return path.size() == 2 && top == "messages";
  }

  Status OnValue(const JsonPath& path, json&& value, const JsonCapture& capture) override {
    const std::string& top = path[0].key;
    if (path.size() == 2) return OnMessage(value, capture);
    json& f = summary_.fields;
    if (top == "guild") {
      f["guild"] = LossyUtf8(JsonScalarText(JsonMember(value, "name")));
      f["guild_id"] = LossyUtf8(JsonScalarText(JsonMember(value, "id")));
    } else if (top == "channel") {
      for (const auto& [from, to] :
           std::array<std::pair<const char*, const char*>, 6>{{{"id", "channel_id"},
                                                               {"type", "channel_type"},
                                                               {"name", "channel_name"},
                                                               {"category", "category"},
                                                               {"categoryId", "category_id"},
                                                               {"topic", "topic"}}}) {
        const std::string v = JsonScalarText(JsonMember(value, from));
        if (!v.empty()) f[to] = LossyUtf8(v);
      }
    } else if (top == "messageCount") {
      declared_count_ = JsonInteger(&value);
      if (declared_count_) f["declared_count"] = *declared_count_;
    } else if (top == "exportedAt" && value.is_string()) {
      f["exported_at"] = LossyUtf8(JsonScalarText(&value));
    }
    return Status::Ok();
  }

 private:
  // True the first time an id is seen. Snowflakes are numbers; anything else is kept as text.
  bool FirstSighting(const std::string& id) {
    if (id.empty()) return true;
    if (id.size() <= 19 &&
        std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return numeric_ids_.insert(std::stoull(id)).second;
    }
    return other_ids_.insert(id).second;
  }

  // A time as the export states it: RFC 3339 with its offset kept ("Z" for +00:00).
  std::optional<IsoDateTime> TimeOf(const json& msg, const char* key) {
    const std::string* raw = JsonString(msg, key);
    if (raw == nullptr) return std::nullopt;
    return ParseIsoDateTime(*raw);
  }

  static std::string Trimmed(const std::string* s) {
    return s == nullptr ? "" : std::string(TrimBlanksAndMarks(*s));
  }

  void AttachmentsOf(const json& msg, Message* m) {
    if (const json* list = JsonMember(msg, "attachments"); list && list->is_array()) {
      for (const json& item : *list) {
        const std::string url = JsonScalarText(JsonMember(item, "url"));
        Attachment a;
        a.name = JsonScalarText(JsonMember(item, "fileName"));
        if (a.name.empty()) a.name = BaseName(url);
        a.name = LossyUtf8(a.name);
        a.media_type = MediaTypeForName(a.name);
        json info = {{"name", a.name}, {"url", LossyUtf8(url)}};
        // The size the export states; Attachment::size is only for bytes the export holds.
        if (auto size = JsonInteger(JsonMember(item, "fileSizeBytes")))
          info["declared_size"] = *size;
        m->extra["attachments"].push_back(std::move(info));
        m->attachments.push_back(std::move(a));
      }
    }
    if (const json* list = JsonMember(msg, "stickers"); list && list->is_array()) {
      for (const json& item : *list) {
        const std::string url = JsonScalarText(JsonMember(item, "sourceUrl"));
        Attachment a;
        a.name = LossyUtf8(BaseName(url));
        a.media_type = MediaTypeForName(a.name);
        m->extra["stickers"].push_back(LossyUtf8(JsonScalarText(JsonMember(item, "name"))));
        if (!a.name.empty()) m->attachments.push_back(std::move(a));
      }
    }
    // Link previews and bot cards: their words can matter as much as the message's own.
    if (const json* list = JsonMember(msg, "embeds"); list && list->is_array()) {
      for (const json& item : *list) {
        json embed = json::object();
        for (const char* key : {"title", "url", "description"}) {
          const std::string v = JsonScalarText(JsonMember(item, key));
          if (!v.empty()) embed[key] = LossyUtf8(v);
        }
        if (const json* author = JsonMember(item, "author")) {
          const std::string v = JsonScalarText(JsonMember(*author, "name"));
          if (!v.empty()) embed["author"] = LossyUtf8(v);
        }
        if (const json* fields = JsonMember(item, "fields"); fields && fields->is_array()) {
          for (const json& field : *fields) {
            embed["fields"].push_back(
                {{"name", LossyUtf8(JsonScalarText(JsonMember(field, "name")))},
                 {"value", LossyUtf8(JsonScalarText(JsonMember(field, "value")))}});
          }
        }
        m->extra["embeds"].push_back(std::move(embed));
      }
    }
    if (const json* list = JsonMember(msg, "reactions"); list && list->is_array()) {
      for (const json& item : *list) {
        const json* emoji = JsonMember(item, "emoji");
        json r = {{"emoji", emoji ? LossyUtf8(JsonScalarText(JsonMember(*emoji, "name"))) : ""}};
        if (auto count = JsonInteger(JsonMember(item, "count"))) r["count"] = *count;
        m->extra["reactions"].push_back(std::move(r));
      }
    }
    if (const json* list = JsonMember(msg, "mentions"); list && list->is_array()) {
      for (const json& item : *list) {
        m->extra["mentions"].push_back(LossyUtf8(JsonScalarText(JsonMember(item, "name"))));
      }
    }
  }

  Status OnMessage(const json& msg, const JsonCapture& capture) {
    // Only warnings use it.
    auto at = [&capture] { return "discord: byte " + std::to_string(capture.offset); };
    if (!msg.is_object()) {
      ++skipped_;
      AddWarning(&summary_, at() + ": an entry of \"messages\" that is not an object was skipped");
      return Status::Ok();
    }
    const std::string id = JsonScalarText(JsonMember(msg, "id"));
    if (!FirstSighting(id)) {
      // Exports of overlapping date ranges, merged, repeat messages: each is counted once.
      if (duplicates_++ == 0) first_duplicate_ = LossyUtf8(id) + " (" + at() + ")";
      return Status::Ok();
    }
    Message m;
    if (!id.empty()) m.extra["id"] = LossyUtf8(id);
    const std::string kind = JsonScalarText(JsonMember(msg, "type"));
    m.extra["type"] = LossyUtf8(kind);
    m.system = IsSystemKind(kind);

    if (auto t = TimeOf(msg, "timestamp")) {
      m.time = t->Format();
      if (t->offset_minutes != 0) ++offset_times_;
    } else {
      AddWarning(&summary_, at() + ": message " + LossyUtf8(id) + " has no usable timestamp");
    }
    if (auto edited = TimeOf(msg, "timestampEdited")) {
      m.extra["edited"] = edited->Format();
      ++edited_;
    }
    if (auto ended = TimeOf(msg, "callEndedTimestamp")) {
      m.extra["call_ended"] = ended->Format();
      if (auto started = TimeOf(msg, "timestamp")) {
        const int64_t seconds = (ended->UnixMillis() - started->UnixMillis()) / 1000;
        if (seconds >= 0) m.extra["call_duration_seconds"] = seconds;
      }
    }
    if (kind == "Call") ++calls_;
    if (const json* pinned = JsonMember(msg, "isPinned");
        pinned && pinned->is_boolean() && pinned->get<bool>()) {
      m.extra["pinned"] = true;
    }

    if (const json* author = JsonMember(msg, "author"); author && author->is_object()) {
      // The account name, which identifies the person; the nickname (per server, changed at
      // will) is kept beside it.
      m.sender = LossyUtf8(Trimmed(JsonString(*author, "name")));
      const std::string nickname = LossyUtf8(Trimmed(JsonString(*author, "nickname")));
      if (!nickname.empty() && nickname != m.sender) m.extra["author_nickname"] = nickname;
      const std::string author_id = JsonScalarText(JsonMember(*author, "id"));
      if (!author_id.empty()) m.extra["author_id"] = LossyUtf8(author_id);
      const std::string discriminator = JsonScalarText(JsonMember(*author, "discriminator"));
      if (!discriminator.empty() && discriminator != "0000") {
        m.extra["author_discriminator"] = LossyUtf8(discriminator);
      }
      if (const json* bot = JsonMember(*author, "isBot");
          bot && bot->is_boolean() && bot->get<bool>()) {
        m.extra["author_is_bot"] = true;
      }
    }
    if (const std::string* content = JsonString(msg, "content")) m.text = *content;
    if (const json* ref = JsonMember(msg, "reference"); ref && ref->is_object()) {
      const std::string reply_to = JsonScalarText(JsonMember(*ref, "messageId"));
      if (!reply_to.empty()) m.extra["reply_to"] = LossyUtf8(reply_to);
    }
    AttachmentsOf(msg, &m);

    NoteCaptureLimits(capture, options_.max_text_bytes, at(), &m, &summary_);
    if (m.system) ++system_;
    m.index = index_++;
    return on_message_(std::move(m));
  }

  void Finish() override {
    json& f = summary_.fields;
    f["time_zone"] = offset_times_ > 0 ? "as stated by each timestamp (RFC 3339 offset)" : "UTC";
    f["system_count"] = system_;
    f["call_count"] = calls_;
    f["edited_count"] = edited_;
    f["duplicate_ids"] = duplicates_;
    if (skipped_ > 0) f["skipped_entries"] = skipped_;
    if (duplicates_ > 0) {
      AddWarning(&summary_, "discord: " + std::to_string(duplicates_) +
                                " message(s) repeating an id seen before were counted once "
                                "(first: id " +
                                first_duplicate_ + ")");
    }
    const uint64_t entries = index_ + duplicates_ + skipped_;
    if (declared_count_ && static_cast<uint64_t>(*declared_count_) != entries) {
      AddWarning(&summary_, "discord: the export declares " + std::to_string(*declared_count_) +
                                " messages (messageCount) but holds " + std::to_string(entries));
    }
    if (index_ == 0) AddWarning(&summary_, "discord: the export holds no messages");
  }

  std::unordered_set<uint64_t> numeric_ids_;
  std::unordered_set<std::string> other_ids_;
  std::optional<int64_t> declared_count_;
  std::string first_duplicate_;
  uint64_t duplicates_ = 0;
  uint64_t skipped_ = 0;
  uint64_t system_ = 0;
  uint64_t calls_ = 0;
  uint64_t edited_ = 0;
  uint64_t offset_times_ = 0;
};

}  // namespace

bool LooksLikeDiscordJson(std::string_view head) {
  const JsonHeadShape shape = ScanJsonHead(head);
  // DiscordChatExporter writes "guild" and "channel" before "messages"; no other chat export
  // has both.
  if (!shape.root_object || shape.KindOf("guild") != 'o' || shape.KindOf("channel") != 'o') {
    return false;
  }
  const char messages = shape.KindOf("messages");
  return messages == 'a' || messages == '\0';
}

Result<ExportSummary> ParseDiscordJson(const std::filesystem::path& path,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message) {
  DiscordParser parser(options, on_message);
  return parser.Run(path);
}

}  // namespace evidence::messages_internal
