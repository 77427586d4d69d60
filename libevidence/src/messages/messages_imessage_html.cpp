// iMessage conversations as rendered to HTML by imessage-exporter (one .html per chat). Each
// message is a <div class="message"> holding <div class="sent iMessage"> or <div class="received
// SMS">, with a <span class="timestamp">, a <span class="sender">, message parts (bubbles,
// attachments, app cards, edit histories), reactions and nested replies; group events are
// <div class="announcement">. The file is parsed with libxml2's HTML parser, with no network
// access, and only text is taken from it: nothing in it is ever rendered or followed.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "xml_util.hpp"

namespace evidence::messages_internal {

namespace {

constexpr std::string_view kLabel = "imessage";
// libxml2 builds the whole document; this keeps its memory to a few hundred MiB at most.
constexpr uint64_t kMaxHtmlBytes = 64ull << 20;
constexpr int kMaxDepth = 200;

std::string_view Name(const xmlNode* n) {
  return n->name == nullptr ? std::string_view()
                            : std::string_view(reinterpret_cast<const char*>(n->name));
}

bool IsElement(const xmlNode* n, std::string_view name = {}) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && (name.empty() || Name(n) == name);
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool HasClass(const xmlNode* n, std::string_view cls) {
  if (!IsElement(n)) return false;
  const std::string value = Attr(n, "class");
  std::string_view v = value;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')) ++i;
    size_t j = i;
    while (j < v.size() && v[j] != ' ' && v[j] != '\t' && v[j] != '\n' && v[j] != '\r') ++j;
    if (j > i && v.substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

std::vector<std::string> Classes(const xmlNode* n) {
  std::vector<std::string> out;
  const std::string value = Attr(n, "class");
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    size_t j = i;
    while (j < value.size() && !std::isspace(static_cast<unsigned char>(value[j]))) ++j;
    if (j > i) out.push_back(value.substr(i, j - i));
    i = j;
  }
  return out;
}

// The text of `n` as a reader sees it: text nodes in order, <br> as a line break. `skip` (may be
// null) is left out.
void AppendText(const xmlNode* n, std::string& out, int depth, const xmlNode* skip = nullptr) {
  if (n == nullptr || depth > kMaxDepth || n == skip) return;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->content != nullptr) out += reinterpret_cast<const char*>(n->content);
    return;
  }
  if (n->type != XML_ELEMENT_NODE) return;
  if (Name(n) == "br") {
    out += '\n';
    return;
  }
  if (Name(n) == "script" || Name(n) == "style") return;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    AppendText(c, out, depth + 1, skip);
}

// Collapses the white space the HTML layout adds around text (indentation, line breaks between
// tags) at both ends; interior text is kept as written.
std::string Trimmed(std::string s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string TextOf(const xmlNode* n, const xmlNode* skip = nullptr) {
  std::string out;
  AppendText(n, out, 0, skip);
  return LossyUtf8(Trimmed(std::move(out)));
}

// First descendant element (depth-first) with the class, or null.
const xmlNode* FindClass(const xmlNode* n, std::string_view cls, int depth = 0) {
  if (n == nullptr || depth > kMaxDepth) return nullptr;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    if (HasClass(c, cls)) return c;
    if (const xmlNode* f = FindClass(c, cls, depth + 1)) return f;
  }
  return nullptr;
}

// Media elements inside a message part: their sources are the attachments.
void CollectMedia(const xmlNode* n, std::vector<Attachment>& out, int depth) {
  if (n == nullptr || depth > kMaxDepth || out.size() >= 10000) return;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    const std::string_view name = Name(c);
    std::string src;
    if (name == "img" || name == "video" || name == "audio" || name == "source" ||
        name == "embed") {
      src = Attr(c, "src");
    } else if (name == "a") {
      src = Attr(c, "href");
    }
    if (!src.empty()) {
      Attachment a;
      a.name = LossyUtf8(std::string_view(src).substr(0, 4096));
      a.media_type = MediaTypeForName(a.name);
      out.push_back(std::move(a));
    }
    CollectMedia(c, out, depth + 1);
  }
}

class HtmlParser {
 public:
  HtmlParser(const ParseOptions& options, const MessageCallback& on_message)
      : options_(options), on_message_(on_message) {
    summary_.format = ExportFormat::kIMessageHtml;
    summary_.fields["time_zone"] = "unknown (the exporting Mac's local time)";
  }

  Status Walk(const xmlNode* n, int depth) {
    if (depth > kMaxDepth) {
      if (!deep_warned_) {
        deep_warned_ = true;
        AddWarning(&summary_, std::string(kLabel) + ": elements nested deeper than " +
                                  std::to_string(kMaxDepth) + " levels were not read");
      }
      return Status::Ok();
    }
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (!IsElement(c)) continue;
      if (Name(c) == "div" && HasClass(c, "message")) {
        EVIDENCE_RETURN_IF_ERROR(MessageDiv(c, std::nullopt, depth + 1));
      } else if (Name(c) == "div" && HasClass(c, "announcement")) {
        EVIDENCE_RETURN_IF_ERROR(AnnouncementDiv(c));
      } else {
        EVIDENCE_RETURN_IF_ERROR(Walk(c, depth + 1));
      }
    }
    return Status::Ok();
  }

  ExportSummary Finish() {
    summary_.message_count = delivered_;
    return std::move(summary_);
  }

 private:
  // "Jul 17, 2022 5:31:49 PM (Read by you after 5 seconds)" -> time, and the receipt in extra.
  void SetTime(Message& m, const xmlNode* container) {
    const xmlNode* ts = FindClass(container, "timestamp");
    if (ts == nullptr) {
      m.extra["date_error"] = "no timestamp";
      AddWarning(&summary_, std::string(kLabel) + ": message " + std::to_string(m.index + 1) +
                                ": no timestamp");
      return;
    }
    const std::string raw = TextOf(ts);
    size_t consumed = 0;
    m.time = ParseIMessageTimestamp(raw, &consumed);
    if (!m.time) {
      m.extra["date_raw"] = CutUtf8(raw, 256);
      m.extra["date_error"] = "timestamp does not parse";
      AddWarning(&summary_, std::string(kLabel) + ": message " + std::to_string(m.index + 1) +
                                ": timestamp does not parse");
      return;
    }
    const std::string rest = Trimmed(raw.substr(consumed));
    if (!rest.empty()) m.extra["read_receipt"] = CutUtf8(rest, 1024);
  }

  Status MessageDiv(const xmlNode* div, std::optional<uint64_t> parent, int depth) {
    if (depth > kMaxDepth) return Status::Ok();
    // The bubble: the first child div saying who sent it.
    const xmlNode* body = nullptr;
    for (const xmlNode* c = div->children; c != nullptr; c = c->next) {
      if (IsElement(c, "div") && (HasClass(c, "sent") || HasClass(c, "received"))) {
        body = c;
        break;
      }
    }
    if (body == nullptr) {
      AddWarning(&summary_, std::string(kLabel) + ": line " + std::to_string(div->line) +
                                ": a message without a sent or received part; skipped");
      return Status::Ok();
    }
    Message m;
    m.index = delivered_;
    m.extra["line"] = static_cast<uint64_t>(div->line);
    if (parent) m.extra["reply_to_index"] = *parent;
    std::string service;
    for (const auto& cls : Classes(body)) {
      if (cls == "sent") {
        m.direction = "outgoing";
      } else if (cls == "received") {
        m.direction = "incoming";
      } else if (service.empty()) {
        service = cls;
      }
    }
    if (!service.empty()) m.extra["service"] = LossyUtf8(service.substr(0, 64));
    SetTime(m, body);
    if (const xmlNode* sender = FindClass(body, "sender")) m.sender = TextOf(sender);

    std::vector<std::string> texts;
    std::vector<const xmlNode*> replies;
    nlohmann::json reactions = nlohmann::json::array();
    for (const xmlNode* c = body->children; c != nullptr; c = c->next) {
      if (!IsElement(c)) continue;
      if (HasClass(c, "subject")) {
        m.extra["subject"] = TextOf(c);
      } else if (HasClass(c, "message_part")) {
        Part(c, m, texts);
      } else if (HasClass(c, "reactions") || HasClass(c, "tapbacks")) {
        for (const xmlNode* r = c->children; r != nullptr; r = r->next) {
          if (!IsElement(r) || !(HasClass(r, "reaction") || HasClass(r, "tapback"))) continue;
          std::string text = TextOf(r);
          std::vector<Attachment> media;
          CollectMedia(r, media, 0);
          for (const auto& a : media) text += (text.empty() ? "" : " ") + a.name;
          if (reactions.size() < 10000) reactions.push_back(std::move(text));
        }
      } else if (HasClass(c, "replies")) {
        replies.push_back(c);
      } else if (HasClass(c, "expressive")) {
        m.extra["expressive"] = TextOf(c);
      }
    }
    if (!reactions.empty()) m.extra["reactions"] = std::move(reactions);
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i > 0) m.text += '\n';
      m.text += texts[i];
    }
    if (TruncateUtf8(m.text, options_.max_text_bytes)) {
      m.extra["text_truncated"] = true;
      AddWarning(&summary_,
                 std::string(kLabel) + ": message " + std::to_string(m.index + 1) + ": text cut");
    }
    const uint64_t own_index = delivered_++;
    EVIDENCE_RETURN_IF_ERROR(on_message_(std::move(m)));
    for (const xmlNode* r : replies) {
      for (const xmlNode* reply = r->children; reply != nullptr; reply = reply->next) {
        if (!IsElement(reply)) continue;
        for (const xmlNode* inner = reply->children; inner != nullptr; inner = inner->next) {
          if (IsElement(inner, "div") && HasClass(inner, "message")) {
            EVIDENCE_RETURN_IF_ERROR(MessageDiv(inner, own_index, depth + 3));
          }
        }
      }
    }
    return Status::Ok();
  }

  // One part of a message: a text bubble, an edit history, an app card, or media.
  void Part(const xmlNode* part, Message& m, std::vector<std::string>& texts) {
    if (const xmlNode* edited = FindClass(part, "edited")) {
      // A table whose rows are the versions, oldest first; the last one is what is shown.
      nlohmann::json history = nlohmann::json::array();
      std::vector<const xmlNode*> rows;
      CollectRows(edited, rows, 0);
      for (const xmlNode* tr : rows) {
        const xmlNode* last_td = nullptr;
        for (const xmlNode* td = tr->children; td != nullptr; td = td->next) {
          if (IsElement(td, "td")) last_td = td;
        }
        if (last_td == nullptr) continue;
        std::string version = TextOf(last_td);
        if (!version.empty() && history.size() < 1000) history.push_back(std::move(version));
      }
      m.extra["edited"] = true;
      if (!history.empty()) {
        texts.push_back(history.back().get<std::string>());
        m.extra["edit_history"] = std::move(history);
      }
      return;
    }
    if (const xmlNode* app = FindClass(part, "app")) {
      nlohmann::json card = nlohmann::json::object();
      std::vector<Attachment> links;
      CollectMedia(app, links, 0);
      nlohmann::json urls = nlohmann::json::array();
      for (const auto& l : links) urls.push_back(l.name);
      card["urls"] = std::move(urls);
      // A card is layout around a title and captions: one line per piece of text.
      std::string lines;
      std::string raw = TextOf(app);
      size_t pos = 0;
      while (pos <= raw.size()) {
        size_t nl = raw.find('\n', pos);
        if (nl == std::string::npos) nl = raw.size();
        std::string line = Trimmed(raw.substr(pos, nl - pos));
        if (!line.empty()) lines += (lines.empty() ? "" : "\n") + line;
        pos = nl + 1;
      }
      card["text"] = std::move(lines);
      m.extra["app"] = std::move(card);
      return;
    }
    bool bubble = false;
    for (const xmlNode* c = part->children; c != nullptr; c = c->next) {
      if (IsElement(c) && HasClass(c, "bubble")) {
        texts.push_back(TextOf(c));
        bubble = true;
      }
    }
    CollectMedia(part, m.attachments, 0);
    if (!bubble && m.attachments.empty()) {
      std::string text = TextOf(part);
      if (!text.empty()) texts.push_back(std::move(text));
    }
  }

  void CollectRows(const xmlNode* n, std::vector<const xmlNode*>& rows, int depth) {
    if (n == nullptr || depth > 8 || rows.size() >= 1000) return;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (IsElement(c, "tr")) {
        rows.push_back(c);
      } else if (IsElement(c)) {
        CollectRows(c, rows, depth + 1);
      }
    }
  }

  Status AnnouncementDiv(const xmlNode* div) {
    Message m;
    m.index = delivered_;
    m.system = true;
    m.extra["line"] = static_cast<uint64_t>(div->line);
    SetTime(m, div);
    const xmlNode* ts = FindClass(div, "timestamp");
    m.text = TextOf(div, ts);
    TruncateUtf8(m.text, options_.max_text_bytes);
    ++delivered_;
    return on_message_(std::move(m));
  }

  const ParseOptions& options_;
  const MessageCallback& on_message_;
  ExportSummary summary_;
  uint64_t delivered_ = 0;
  bool deep_warned_ = false;
};

Status TooLarge(uint64_t size) {
  return Status::Unsupported(std::string(kLabel) + ": the html export is " + std::to_string(size) +
                             " bytes, over the " + std::to_string(kMaxHtmlBytes >> 20) +
                             " MiB this parser reads; export the conversation as txt");
}

}  // namespace

bool LooksLikeIMessageHtml(std::string_view head) {
  // imessage-exporter's markup: message divs whose bubble is "sent"/"received" and whose time is
  // a span of class "timestamp", or an announcement div. Google Voice pages use other classes.
  // Newer versions put their style sheet inline first; when it fills the head, its selectors
  // are the signature.
  auto has = [&](std::string_view s) { return head.find(s) != std::string_view::npos; };
  const bool message = has("class=\"message\"") && (has("class=\"sent") || has("class=\"received"));
  const bool announcement = has("class=\"announcement\"");
  const bool style = has("<style") && has(".message .sent") && has(".message .received") &&
                     has("span.timestamp") && has(".announcement");
  return style || ((message || announcement) && has("class=\"timestamp\""));
}

Result<ExportSummary> ParseIMessageHtmlBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message) {
  if (bytes.size() > kMaxHtmlBytes) return TooLarge(bytes.size());
  xml_util::InitOnce();
  // The export declares UTF-8 (<meta charset>); saying so keeps libxml2 from guessing.
  xml_util::DocPtr doc(
      htmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
                     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING));
  if (!doc) return Status::Corruption(std::string(kLabel) + ": the html does not parse");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return Status::Corruption(std::string(kLabel) + ": an empty html document");
  HtmlParser parser(options, on_message);
  // The root itself may be a message div in a fragment.
  xmlNode holder{};
  holder.children = const_cast<xmlNode*>(root);
  EVIDENCE_RETURN_IF_ERROR(parser.Walk(&holder, 0));
  return parser.Finish();
}

Result<ExportSummary> ParseIMessageHtml(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IoError(std::string(kLabel) + ": " + path.string() + ": cannot stat");
  if (size > kMaxHtmlBytes) return TooLarge(size);
  auto bytes = ReadSmallFile(path, kMaxHtmlBytes);
  if (!bytes.ok()) return bytes.status().WithContext(kLabel);
  return ParseIMessageHtmlBuffer(*bytes, options, on_message);
}

}  // namespace evidence::messages_internal
