// Telegram Desktop's JSON export (result.json): one chat ({"name", "type", "id", "messages"}) or
// the whole account ({"about", "personal_information", ..., "chats": {"list": [chat...]},
// "left_chats": {"list": [...]}}). Streamed: one message object at a time is built and turned
// into a Message; docs/messages.md describes the fields used and the time rule.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json.hpp"

namespace evidence::messages_internal {

namespace {

using nlohmann::json;

// The chat types Telegram Desktop writes in "type".
constexpr std::array<std::string_view, 9> kChatTypes = {
    "personal_chat",     "bot_chat",        "saved_messages", "private_group", "private_supergroup",
    "public_supergroup", "private_channel", "public_channel", "replies"};

bool IsChatType(std::string_view type) {
  return std::find(kChatTypes.begin(), kChatTypes.end(), type) != kChatTypes.end();
}

// Placeholders Telegram writes instead of a path when the file was not exported:
// "(File not included. Change data exporting settings to download.)", "(File exceeds maximum
// size. ...)", "(File unavailable, please try again later)".
bool IsFilePlaceholder(std::string_view value) { return value.rfind("(File ", 0) == 0; }

struct ChatInfo {
  std::string name;
  std::string type;
  std::string id;
};

class TelegramParser final : public StreamedExportParser {
 public:
  TelegramParser(const ParseOptions& options, const MessageCallback& on_message)
      : StreamedExportParser(options, on_message, ExportFormat::kTelegramJson, "telegram") {
    // Telegram writes "text" as a string only when it has no entities, and text_entities then
    // repeats it as one plain entity; building it again would only cost time.
    limits_.redundant_members = {{"text_entities", "text"}};
  }

  bool Want(const JsonPath& path) override {
    const size_t n = path.size();
    const std::string& top = path[0].key;
    if (n == 1) {
      // A single chat's header, and the account's owner.
      return top == "name" || top == "type" || top == "id" || top == "personal_information";
    }
    if (n == 2 && top == "messages") return true;
    // Full-account export: chats.list[i] and left_chats.list[i].
    if ((top == "chats" || top == "left_chats") && n >= 3 && path[1].key == "list") {
      if (n == 3) {
        // A chat starts: what the previous chat's header said no longer applies.
        chat_ = ChatInfo();
        ++chats_;
        in_account_chat_ = true;
        return false;
      }
      const std::string& member = path[3].key;
      if (n == 4) return member == "name" || member == "type" || member == "id";
      if (n == 5 && member == "messages") return true;
    }
    return false;
  }

  Status OnValue(const JsonPath& path, json&& value, const JsonCapture& capture) override {
    const size_t n = path.size();
    const std::string& top = path[0].key;
    if ((n == 2 && top == "messages") || n == 5) return OnMessage(value, capture);
    if (n == 1 && top == "personal_information") {
      const auto id = JsonInteger(JsonMember(value, "user_id"));
      if (id) {
        owner_ = "user" + std::to_string(*id);
        summary_.fields["owner_user_id"] = *id;
      }
      const std::string name = JsonScalarText(JsonMember(value, "first_name")) + " " +
                               JsonScalarText(JsonMember(value, "last_name"));
      const std::string_view trimmed = TrimBlanksAndMarks(name);
      if (!trimmed.empty()) summary_.fields["owner_name"] = std::string(trimmed);
      return Status::Ok();
    }
    const std::string& member = n == 1 ? top : path[3].key;
    ChatInfo& chat = n == 1 ? single_ : chat_;
    if (member == "name") chat.name = JsonScalarText(&value);
    if (member == "type") chat.type = JsonScalarText(&value);
    if (member == "id") chat.id = JsonScalarText(&value);
    return Status::Ok();
  }

 private:
  const ChatInfo& CurrentChat() const { return in_account_chat_ ? chat_ : single_; }

  // Direction: known when the export names the account owner (a full-account export), or in a
  // personal chat, whose "id" is the other person's user id.
  std::string Direction(const std::string& from_id) const {
    if (from_id.empty()) return "";
    if (!owner_.empty()) return from_id == owner_ ? "outgoing" : "incoming";
    const ChatInfo& chat = CurrentChat();
    if (chat.type == "saved_messages") return "outgoing";
    if (chat.type == "personal_chat" && !chat.id.empty()) {
      return from_id == "user" + chat.id ? "incoming" : "outgoing";
    }
    return "";
  }

  // A time from "<key>_unixtime" (seconds, UTC) when present, else from "<key>" (the exporting
  // computer's local time, no zone). Returns "" when neither is usable.
  std::string TimeOf(const json& msg, const char* key, bool* utc, std::string* raw_local) {
    const std::string unix_key = std::string(key) + "_unixtime";
    const auto seconds = JsonInteger(JsonMember(msg, unix_key));
    const std::string* local = JsonString(msg, key);
    if (local != nullptr && raw_local != nullptr) *raw_local = *local;
    if (seconds && *seconds > -62135596800 && *seconds < 253402300800) {
      if (auto t = FormatUnixMillisUtc(*seconds * 1000)) {
        *utc = true;
        return *t;
      }
    }
    if (local != nullptr) {
      if (auto t = ParseIsoDateTime(*local)) {
        *utc = t->has_zone;
        return t->Format();
      }
    }
    return "";
  }

  // "text" is a string, or an array of strings and entity objects ({"type", "text", "href"...})
  // whose texts concatenate to the message. Entities whose target is not in the text (a
  // text_link's href, a mention_name's user id) are kept in extra.
  void TextOf(const json& msg, Message* m) {
    const json* text = JsonMember(msg, "text");
    const json* entities = JsonMember(msg, "text_entities");
    const json* parts = text != nullptr && text->is_array() ? text : nullptr;
    if (text != nullptr && text->is_string()) {
      m->text = *text->get_ptr<const std::string*>();
    } else if (parts == nullptr && entities != nullptr && entities->is_array()) {
      parts = entities;
    }
    if (parts != nullptr) {
      if (text != nullptr && text->is_array()) m->extra["text_as_list"] = true;
      for (const json& part : *parts) {
        if (part.is_string()) {
          m->text += *part.get_ptr<const std::string*>();
        } else if (const std::string* t = JsonString(part, "text")) {
          m->text += *t;
        }
      }
    }
    const json* scan = entities != nullptr && entities->is_array() ? entities : parts;
    if (scan == nullptr) return;
    for (const json& part : *scan) {
      const std::string* type = JsonString(part, "type");
      if (type == nullptr) continue;
      if (*type == "text_link") {
        m->extra["links"].push_back({{"text", JsonScalarText(JsonMember(part, "text"))},
                                     {"href", JsonScalarText(JsonMember(part, "href"))}});
      } else if (*type == "mention_name") {
        m->extra["mentions"].push_back({{"text", JsonScalarText(JsonMember(part, "text"))},
                                        {"user_id", JsonScalarText(JsonMember(part, "user_id"))}});
      }
    }
  }

  void MediaOf(const json& msg, Message* m) {
    const std::string* mime = JsonString(msg, "mime_type");
    auto add = [&](const std::string& value, const char* default_type) {
      Attachment a;
      if (IsFilePlaceholder(value)) {
        m->extra["media_not_included"] = value;
      } else {
        a.name = value;
      }
      if (mime != nullptr && !mime->empty()) {
        a.media_type = *mime;
      } else if (!a.name.empty()) {
        a.media_type = MediaTypeForName(a.name);
      } else {
        a.media_type = default_type;
      }
      m->attachments.push_back(std::move(a));
    };
    if (const std::string* photo = JsonString(msg, "photo")) add(*photo, "image/jpeg");
    if (const std::string* file = JsonString(msg, "file")) {
      add(*file, "application/octet-stream");
    }
    if (const std::string* kind = JsonString(msg, "media_type")) m->extra["media_type"] = *kind;
    if (const std::string* emoji = JsonString(msg, "sticker_emoji")) {
      m->extra["sticker_emoji"] = *emoji;
    }
    if (auto d = JsonInteger(JsonMember(msg, "duration_seconds")); d && !m->system) {
      m->extra["duration_seconds"] = *d;
    }
    // Shared contacts, places and polls are kept as the export gives them (numbers that are
    // not integers arrive as text).
    for (const char* key : {"contact_information", "location_information", "place_name", "address",
                            "poll", "game_title", "invoice_information"}) {
      if (const json* v = JsonMember(msg, key)) m->extra[key] = *v;
    }
    if (!m->attachments.empty()) ++with_media_;
  }

  // A service message: who did what ("action"), with the action's own fields in extra.service.
  void ServiceOf(const json& msg, Message* m) {
    m->system = true;
    const std::string action = JsonScalarText(JsonMember(msg, "action"));
    m->extra["action"] = action;
    static constexpr std::array<std::string_view, 10> kCommon = {
        "id",       "type", "date",          "date_unixtime", "actor",
        "actor_id", "text", "text_entities", "action",        "edited"};
    json service = json::object();
    for (const auto& [key, v] : msg.items()) {
      if (std::find(kCommon.begin(), kCommon.end(), key) == kCommon.end()) service[key] = v;
    }
    if (!service.empty()) m->extra["service"] = std::move(service);
    if (!m->text.empty()) return;
    // The export leaves most service texts empty; say what happened so a listing shows it.
    std::string text = "[" + action;
    std::replace(text.begin(), text.end(), '_', ' ');
    if (const std::string* title = JsonString(msg, "title")) text += ": " + *title;
    if (const json* members = JsonMember(msg, "members"); members && members->is_array()) {
      std::string names;
      for (const json& member : *members) {
        if (!names.empty()) names += ", ";
        names += JsonScalarText(&member);
      }
      if (!names.empty()) text += ": " + names;
    }
    if (auto d = JsonInteger(JsonMember(msg, "duration_seconds"))) {
      text += ", " + std::to_string(*d) + " s";
    }
    if (const std::string* reason = JsonString(msg, "discard_reason")) text += ", " + *reason;
    text += "]";
    m->text = LossyUtf8(text);
    m->extra["text_generated"] = true;
  }

  Status OnMessage(const json& msg, const JsonCapture& capture) {
    // Only warnings use it.
    auto at = [&capture] { return "telegram: byte " + std::to_string(capture.offset); };
    if (!msg.is_object()) {
      ++skipped_;
      AddWarning(&summary_, at() + ": an entry of \"messages\" that is not an object was skipped");
      return Status::Ok();
    }
    Message m;
    const std::string type = JsonScalarText(JsonMember(msg, "type"));
    if (const json* id = JsonMember(msg, "id"); id && (id->is_number() || id->is_string())) {
      m.extra["id"] = id->is_string() ? json(JsonScalarText(id)) : *id;
    }
    if (!type.empty() && type != "message") m.extra["type"] = type;
    m.system = type == "service";

    bool utc = false;
    std::string local;
    const std::string time = TimeOf(msg, "date", &utc, &local);
    if (!time.empty()) {
      m.time = time;
      ++(utc ? utc_times_ : local_times_);
    } else {
      AddWarning(&summary_, at() + ": a message without a usable date");
    }
    if (!local.empty()) m.extra["date"] = local;

    TextOf(msg, &m);
    if (m.system) {
      m.sender = JsonScalarText(JsonMember(msg, "actor"));
      const std::string actor_id = JsonScalarText(JsonMember(msg, "actor_id"));
      if (!actor_id.empty()) m.extra["actor_id"] = actor_id;
      ServiceOf(msg, &m);
      ++service_;
    } else {
      const json* from = JsonMember(msg, "from");
      m.sender = JsonScalarText(from);
      // A deleted account is exported as "from": null.
      if (from != nullptr && from->is_null()) m.extra["from_deleted"] = true;
      const std::string from_id = JsonScalarText(JsonMember(msg, "from_id"));
      if (!from_id.empty()) m.extra["from_id"] = from_id;
      m.direction = Direction(from_id);
    }

    bool edited_utc = false;
    const std::string edited = TimeOf(msg, "edited", &edited_utc, nullptr);
    if (!edited.empty()) {
      m.extra["edited"] = edited;
      ++edited_;
    }
    if (const json* fwd = JsonMember(msg, "forwarded_from")) {
      m.extra["forwarded_from"] = JsonScalarText(fwd);
      ++forwarded_;
    }
    if (const json* saved = JsonMember(msg, "saved_from")) {
      m.extra["saved_from"] = JsonScalarText(saved);
    }
    if (auto reply = JsonInteger(JsonMember(msg, "reply_to_message_id"))) {
      m.extra["reply_to_message_id"] = *reply;
    }
    if (const std::string* via = JsonString(msg, "via_bot")) m.extra["via_bot"] = *via;
    if (const std::string* author = JsonString(msg, "author")) m.extra["signature"] = *author;
    MediaOf(msg, &m);

    const ChatInfo& chat = CurrentChat();
    if (in_account_chat_) {
      m.extra["chat"] = chat.name;
      if (!chat.type.empty()) m.extra["chat_type"] = chat.type;
      if (!chat.id.empty()) m.extra["chat_id"] = chat.id;
    }

    m.sender = LossyUtf8(m.sender);
    NoteCaptureLimits(capture, options_.max_text_bytes, at(), &m, &summary_);
    m.index = index_++;
    return on_message_(std::move(m));
  }

  void Finish() override {
    json& f = summary_.fields;
    if (utc_times_ > 0 && local_times_ > 0) {
      f["time_zone"] =
          "mixed: UTC where the export gives date_unixtime, the exporting computer's local time "
          "(no zone) elsewhere";
    } else if (local_times_ > 0) {
      f["time_zone"] = "unknown (the exporting computer's local time)";
    } else {
      f["time_zone"] = "UTC";
    }
    if (chats_ > 0) {
      f["layout"] = "account";
      f["chats"] = chats_;
    } else {
      f["layout"] = "chat";
      if (!single_.name.empty()) f["chat_name"] = LossyUtf8(single_.name);
      if (!single_.type.empty()) f["chat_type"] = LossyUtf8(single_.type);
      if (!single_.id.empty()) f["chat_id"] = LossyUtf8(single_.id);
    }
    f["service_count"] = service_;
    f["edited_count"] = edited_;
    f["forwarded_count"] = forwarded_;
    f["media_count"] = with_media_;
    if (skipped_ > 0) f["skipped_entries"] = skipped_;
    if (index_ == 0) AddWarning(&summary_, "telegram: the export holds no messages");
  }

  ChatInfo single_;
  ChatInfo chat_;
  bool in_account_chat_ = false;
  std::string owner_;  // "user<id>" of the account owner, when the export says
  uint64_t chats_ = 0;
  uint64_t utc_times_ = 0;
  uint64_t local_times_ = 0;
  uint64_t service_ = 0;
  uint64_t edited_ = 0;
  uint64_t forwarded_ = 0;
  uint64_t with_media_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace

bool LooksLikeTelegramJson(std::string_view head) {
  const JsonHeadShape shape = ScanJsonHead(head);
  if (!shape.root_object || shape.top_keys.empty()) return false;
  // Full-account export: it opens with Telegram's note about the data, or holds chats.list.
  if (shape.top_keys[0] == "about" && shape.KindOf("about") == 's' &&
      shape.StringOf("about").find("Telegram") != std::string_view::npos) {
    return true;
  }
  if (shape.KindOf("chats") == 'o' && shape.ObjectHasKey("chats", "list")) return true;
  // One chat: its type is one of Telegram's chat types, or (when the header is missing) its
  // first message has Telegram's shape: "type" message/service and a "date" or "date_unixtime".
  // Meta's exports ("sender_name", "timestamp_ms") and Google Chat's ("creator",
  // "created_date") have neither.
  if (shape.KindOf("messages") != 'a' && shape.KindOf("messages") != '\0') return false;
  if (shape.KindOf("type") == 's' && IsChatType(shape.StringOf("type"))) return true;
  if (shape.KindOf("messages") != 'a' || !shape.first_message_seen) return false;
  const bool typed = shape.first_message_type == "message" || shape.first_message_type == "service";
  const bool dated = shape.FirstMessageHas("date") || shape.FirstMessageHas("date_unixtime");
  return typed && dated && !shape.FirstMessageHas("sender_name") &&
         !shape.FirstMessageHas("timestamp_ms");
}

Result<ExportSummary> ParseTelegramJson(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message) {
  TelegramParser parser(options, on_message);
  return parser.Run(path);
}

}  // namespace evidence::messages_internal
