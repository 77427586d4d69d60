// Google Takeout "Voice": one XHTML page per call (Voice/Calls/"Name - Missed - <time>.html") or
// per text thread ("Name - Text - <time>.html"), marked up with microformats (hAudio for a call,
// hChatLog for a thread). A page describes one call or one conversation, so it is read whole into
// libxml2's HTML DOM, within kMaxGoogleVoicePageBytes. Only text is taken from the markup: nothing
// in it is interpreted beyond its classes, titles and link targets (docs/messages.md).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "xml_util.hpp"

namespace evidence::messages_internal {

namespace {

using xml_util::View;

bool IsElement(const xmlNode* n, std::string_view name = {}) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && (name.empty() || View(n->name) == name);
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out(View(v));
  xmlFree(v);
  return out;
}

bool HasClass(const xmlNode* n, std::string_view cls) {
  if (!IsElement(n)) return false;
  const std::string classes = Attr(n, "class");
  size_t i = 0;
  while (i < classes.size()) {
    while (i < classes.size() && std::isspace(static_cast<unsigned char>(classes[i]))) ++i;
    size_t j = i;
    while (j < classes.size() && !std::isspace(static_cast<unsigned char>(classes[j]))) ++j;
    if (std::string_view(classes).substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

// Pre-order walk of the subtree under `root` (not `root` itself), without recursion, so a deeply
// nested hostile page cannot exhaust the stack. `visit` returns false to skip a node's children.
template <typename F>
void Walk(const xmlNode* root, F visit) {
  if (root == nullptr) return;
  const xmlNode* n = root->children;
  while (n != nullptr && n != root) {
    const bool descend = visit(n);
    if (descend && n->children != nullptr) {
      n = n->children;
      continue;
    }
    while (n != nullptr && n != root && n->next == nullptr) n = n->parent;
    if (n == nullptr || n == root) break;
    n = n->next;
  }
}

const xmlNode* FindByClass(const xmlNode* root, std::string_view cls) {
  const xmlNode* found = nullptr;
  Walk(root, [&](const xmlNode* n) {
    if (found != nullptr) return false;
    if (HasClass(n, cls)) found = n;
    return found == nullptr;
  });
  return found;
}

std::vector<const xmlNode*> AllByClass(const xmlNode* root, std::string_view cls) {
  std::vector<const xmlNode*> out;
  Walk(root, [&](const xmlNode* n) {
    if (HasClass(n, cls)) {
      out.push_back(n);
      return false;  // the microformat classes here never nest in themselves
    }
    return true;
  });
  return out;
}

const xmlNode* FindElement(const xmlNode* root, std::string_view name) {
  const xmlNode* found = nullptr;
  Walk(root, [&](const xmlNode* n) {
    if (found == nullptr && IsElement(n, name)) found = n;
    return found == nullptr;
  });
  return found;
}

// The text under `root` as a reader sees it: entities decoded, <br> as a line break, and the
// subtrees whose class is in `skip` (a transcript's per-word timings) left out.
std::string TextOf(const xmlNode* root, std::initializer_list<std::string_view> skip = {}) {
  std::string out;
  if (root == nullptr) return out;
  Walk(root, [&](const xmlNode* n) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      out += View(n->content);
      return false;
    }
    if (!IsElement(n)) return false;
    if (IsElement(n, "br")) out += '\n';
    for (std::string_view cls : skip) {
      if (HasClass(n, cls)) return false;
    }
    return true;
  });
  return out;
}

std::string Trim(std::string_view s) { return std::string(TrimBlanksAndMarks(s)); }

// Strict RFC 3339 with a zone, as Takeout writes it ("2016-11-22T09:57:49.000-08:00").
bool IsTimeWithZone(std::string_view t) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > t.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
  };
  if (t.size() < 20 || !digits(0, 4) || t[4] != '-' || !digits(5, 2) || t[7] != '-' ||
      !digits(8, 2) || t[10] != 'T' || !digits(11, 2) || t[13] != ':' || !digits(14, 2) ||
      t[16] != ':' || !digits(17, 2)) {
    return false;
  }
  const int year = std::stoi(std::string(t.substr(0, 4)));
  const int month = std::stoi(std::string(t.substr(5, 2)));
  const int day = std::stoi(std::string(t.substr(8, 2)));
  if (!IsValidCivilDate(year, month, day) || std::stoi(std::string(t.substr(11, 2))) > 23 ||
      std::stoi(std::string(t.substr(14, 2))) > 59 ||
      std::stoi(std::string(t.substr(17, 2))) > 60) {
    return false;
  }
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    size_t j = i + 1;
    while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
    if (j == i + 1 || j - i > 10) return false;
    i = j;
  }
  if (i + 1 == t.size() && t[i] == 'Z') return true;
  return i + 6 == t.size() && (t[i] == '+' || t[i] == '-') && digits(i + 1, 2) && t[i + 3] == ':' &&
         digits(i + 4, 2) && std::stoi(std::string(t.substr(i + 1, 2))) <= 23 &&
         std::stoi(std::string(t.substr(i + 4, 2))) <= 59;
}

// A "tel:" link's number; "" for "tel:" alone (Takeout's way of saying it has none).
std::string TelNumber(const xmlNode* a) {
  std::string href = Attr(a, "href");
  if (href.rfind("tel:", 0) != 0) return {};
  return LossyUtf8(Trim(std::string_view(href).substr(4)));
}

class VoicePage {
 public:
  VoicePage(const std::filesystem::path& path, ExportFormat format, const ParseOptions& options,
            const MessageCallback& on_message)
      : path_(path), format_(format), options_(options), on_message_(on_message) {}

  Result<ExportSummary> Run() {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path_, ec);
    if (ec) return Status::IoError("google voice: " + path_.string() + ": cannot read its size");
    if (size > kMaxGoogleVoicePageBytes) {
      return Status::Unsupported(
          "google voice: a page of " + std::to_string(size) + " bytes is larger than the " +
          std::to_string(kMaxGoogleVoicePageBytes >> 20) + " MiB one call or thread page may have");
    }
    auto read = ReadSmallFile(path_, kMaxGoogleVoicePageBytes);
    if (!read.ok()) return read.status().WithContext("google voice");
    const std::string& bytes = *read;

    xml_util::InitOnce();
    const xml_util::GenericErrorSilencer silence;
    doc_.reset(htmlReadMemory(
        bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT));
    if (!doc_) return Status::Corruption("google voice: the page cannot be read as html");
    const xmlNode* root = xmlDocGetRootElement(doc_.get());
    if (root == nullptr) return Status::Corruption("google voice: the page has no html element");
    summary_.format = format_;
    summary_.fields["time_zone"] = "offset of each time as written";
    const std::string title = Trim(LossyUtf8(TextOf(FindElement(root, "title"))));
    if (!title.empty()) summary_.fields["title"] = title;
    if (format_ == ExportFormat::kGoogleVoiceCall) {
      EVIDENCE_RETURN_IF_ERROR(ParseCall(root, title));
    } else {
      EVIDENCE_RETURN_IF_ERROR(ParseThread(root));
    }
    summary_.message_count = index_;
    return std::move(summary_);
  }

 private:
  std::optional<std::string> TimeFrom(const xmlNode* abbr, std::string_view what) {
    if (abbr == nullptr) {
      AddWarning(&summary_, "google voice: " + std::string(what) + " " + std::to_string(index_) +
                                " has no time");
      return std::nullopt;
    }
    const std::string t = Trim(LossyUtf8(Attr(abbr, "title")));
    if (IsTimeWithZone(t)) return t;
    AddWarning(&summary_, "google voice: line " + std::to_string(xmlGetLineNo(abbr)) + ": " +
                              std::string(what) + " " + std::to_string(index_) +
                              " has an unusable time \"" + LossyUtf8(t.substr(0, 40)) + "\"");
    return std::nullopt;
  }

  void SetText(std::string text, Message* m) {
    m->text = LossyUtf8(text);
    if (TruncateUtf8(m->text, options_.max_text_bytes)) {
      m->extra["text_truncated"] = true;
      AddWarning(&summary_, "google voice: a text longer than " +
                                std::to_string(options_.max_text_bytes) + " bytes was cut");
    }
  }

  static void AddAttachment(std::string name, Message* m) {
    if (name.empty()) return;
    for (const auto& a : m->attachments) {
      if (a.name == name) return;
    }
    Attachment a;
    a.name = LossyUtf8(name);
    a.media_type = MediaTypeForName(a.name);
    m->attachments.push_back(std::move(a));
  }

  Status ParseCall(const xmlNode* root, const std::string& title) {
    const xmlNode* card = FindByClass(root, "haudio");
    if (card == nullptr) return Status::Corruption("google voice: no call (hAudio) in the page");
    Message m;
    Call c;
    // The label links ("...voice#missed") name the kind of call; the heading says it in words
    // when a page carries no label.
    // A voicemail is also a missed call; the most specific label wins.
    static constexpr std::string_view kKinds[] = {"voicemail", "recorded", "missed", "received",
                                                  "placed"};
    std::vector<std::string> labels;
    Walk(card, [&](const xmlNode* n) {
      if (IsElement(n, "a") && Attr(n, "rel") == "tag") {
        const std::string href = Attr(n, "href");
        const size_t hash = href.rfind('#');
        labels.push_back(LossyUtf8(hash == std::string::npos ? "" : href.substr(hash + 1)));
      }
      return true;
    });
    std::string kind;
    for (std::string_view k : kKinds) {
      if (kind.empty() && std::find(labels.begin(), labels.end(), k) != labels.end()) kind = k;
    }
    const std::string heading = Trim(LossyUtf8(TextOf(FindByClass(card, "contributor"))));
    std::string lower;
    for (char ch : (heading.empty() ? title : heading)) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (kind.empty()) {
      for (std::string_view k : kKinds) {
        if (lower.rfind(k, 0) == 0) kind = k;
      }
    }
    if (kind == "received") {
      c.type = "incoming";
    } else if (kind == "placed") {
      c.type = "outgoing";
    } else if (kind.empty()) {
      c.type = "unknown";
      AddWarning(&summary_, "google voice: the kind of call is not stated (no label or heading)");
    } else {
      c.type = kind;
    }
    if (!labels.empty()) m.extra["labels"] = labels;
    if (const xmlNode* who = FindByClass(card, "contributor")) {
      Walk(who, [&](const xmlNode* n) {
        if (IsElement(n, "a") && HasClass(n, "tel") && c.number.empty()) {
          c.number = TelNumber(n);
          c.contact = Trim(LossyUtf8(TextOf(FindByClass(n, "fn"))));
        }
        return true;
      });
    }
    if (c.number.empty()) c.presentation = "unknown";
    if (const xmlNode* d = FindByClass(card, "duration")) {
      const std::string raw = Trim(LossyUtf8(Attr(d, "title")));
      c.duration_s = ParseIsoDuration(raw);
      if (!c.duration_s) {
        m.extra["duration_raw"] = raw;
        AddWarning(&summary_,
                   "google voice: unusable call duration \"" + LossyUtf8(raw.substr(0, 40)) + "\"");
      }
    }
    const xmlNode* published = FindByClass(card, "published");
    if (published != nullptr) m.extra["line"] = xmlGetLineNo(published);
    m.time = TimeFrom(published, "call");
    // A voicemail's (or recording's) transcript is the full text; the per-word spans beside it
    // repeat it with timings and confidences.
    if (const xmlNode* full = FindByClass(card, "full-text")) {
      SetText(Trim(TextOf(full)), &m);
    } else if (const xmlNode* desc = FindByClass(card, "description")) {
      SetText(Trim(TextOf(desc, {"start-time", "end-time", "confidence"})), &m);
    }
    Walk(card, [&](const xmlNode* n) {
      if (IsElement(n, "audio")) AddAttachment(Attr(n, "src"), &m);
      if (IsElement(n, "a") && Attr(n, "rel") == "enclosure") AddAttachment(Attr(n, "href"), &m);
      return true;
    });
    if (const xmlNode* del = FindByClass(root, "deletedStatusContainer")) {
      if (TextOf(del).find("True") != std::string::npos) m.extra["user_deleted"] = true;
    }
    m.call = std::move(c);
    SetCallParties(&m);
    m.index = index_++;
    summary_.fields["call_count"] = 1;
    summary_.fields["calls_by_type"] = {{m.call->type, 1}};
    return on_message_(std::move(m));
  }

  struct Person {
    std::string number;
    std::string name;
    bool me = false;
  };

  // A <cite class="sender vcard">: the owner's own entry names them with an <abbr class="fn">
  // ("Me"), everyone else with a <span class="fn">.
  static Person PersonOf(const xmlNode* cite) {
    Person p;
    Walk(cite, [&](const xmlNode* n) {
      if (IsElement(n, "a") && HasClass(n, "tel") && p.number.empty()) p.number = TelNumber(n);
      if (HasClass(n, "fn") && p.name.empty()) {
        p.name = Trim(LossyUtf8(TextOf(n)));
        p.me = IsElement(n, "abbr");
      }
      return true;
    });
    return p;
  }

  Status ParseThread(const xmlNode* root) {
    const xmlNode* log = FindByClass(root, "hChatLog");
    if (log == nullptr) return Status::Corruption("google voice: no conversation (hChatLog)");
    std::vector<std::string> others;  // numbers of the people other than the owner
    auto note_other = [&](const Person& p) {
      if (!p.me && !p.number.empty() &&
          std::find(others.begin(), others.end(), p.number) == others.end()) {
        others.push_back(p.number);
      }
    };
    nlohmann::json participants = nlohmann::json::array();
    if (const xmlNode* parts = FindByClass(log, "participants")) {
      for (const xmlNode* cite : AllByClass(parts, "sender")) {
        const Person p = PersonOf(cite);
        note_other(p);
        participants.push_back({{"number", p.number}, {"name", p.name}});
      }
      summary_.fields["participants"] = participants;
    }
    const std::vector<const xmlNode*> messages = AllByClass(log, "message");
    std::vector<Person> senders;
    senders.reserve(messages.size());
    for (const xmlNode* div : messages) {
      const xmlNode* cite = FindByClass(div, "sender");
      senders.push_back(cite == nullptr ? Person{} : PersonOf(cite));
      note_other(senders.back());
    }
    for (size_t i = 0; i < messages.size(); ++i) {
      const xmlNode* div = messages[i];
      const Person& p = senders[i];
      Message m;
      m.extra["kind"] = "text";
      m.extra["line"] = xmlGetLineNo(div);
      m.time = TimeFrom(FindByClass(div, "dt"), "message");
      m.sender = p.name.empty() ? p.number : p.name;
      if (!p.number.empty()) m.extra["sender_number"] = p.number;
      if (p.me) {
        m.direction = "outgoing";
        m.recipients = others;
      } else if (!p.name.empty() || !p.number.empty()) {
        m.direction = "incoming";
      }
      SetText(TextOf(FindElement(div, "q")), &m);
      Walk(div, [&](const xmlNode* n) {
        if (HasClass(n, "sender")) return false;
        if (IsElement(n, "img") || IsElement(n, "audio") || IsElement(n, "video") ||
            IsElement(n, "source")) {
          AddAttachment(Attr(n, "src"), &m);
        } else if (IsElement(n, "a")) {
          const std::string href = Attr(n, "href");
          if (href.rfind("tel:", 0) != 0 && href.find("://") == std::string::npos) {
            AddAttachment(href, &m);
          }
        }
        return true;
      });
      m.index = index_++;
      EVIDENCE_RETURN_IF_ERROR(on_message_(std::move(m)));
    }
    if (messages.empty()) {
      AddWarning(&summary_, "google voice: the conversation page holds no message");
    }
    return Status::Ok();
  }

  const std::filesystem::path& path_;
  ExportFormat format_;
  const ParseOptions& options_;
  const MessageCallback& on_message_;
  xml_util::DocPtr doc_;
  ExportSummary summary_;
  uint64_t index_ = 0;
};

bool Contains(std::string_view head, std::string_view needle) {
  return head.find(needle) != std::string_view::npos;
}

}  // namespace

std::optional<uint64_t> ParseIsoDuration(std::string_view t) {
  if (t.size() < 3 || t.substr(0, 2) != "PT") return std::nullopt;
  uint64_t total = 0;
  uint64_t value = 0;
  bool have_digits = false;
  bool any = false;
  int last_unit = 0;  // H=1, M=2, S=3: each unit at most once, in order
  for (size_t i = 2; i < t.size(); ++i) {
    const char ch = t[i];
    if (ch >= '0' && ch <= '9') {
      if (value > 1000000000) return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(ch - '0');
      have_digits = true;
      continue;
    }
    int unit = ch == 'H' ? 1 : ch == 'M' ? 2 : ch == 'S' ? 3 : 0;
    if (unit == 0 || !have_digits || unit <= last_unit) return std::nullopt;
    total += value * (unit == 1 ? 3600 : unit == 2 ? 60 : 1);
    last_unit = unit;
    value = 0;
    have_digits = false;
    any = true;
  }
  if (have_digits || !any) return std::nullopt;
  return total;
}

std::optional<ExportFormat> DetectCallOrVoiceExport(std::string_view head) {
  size_t i = 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  if (i >= head.size() || head[i] != '<') return std::nullopt;
  // The root element, after the declaration, comments and a DOCTYPE.
  std::string_view rest = head.substr(i);
  for (int guard = 0; guard < 64; ++guard) {
    const size_t lt = rest.find('<');
    if (lt == std::string_view::npos || lt + 1 >= rest.size()) return std::nullopt;
    rest.remove_prefix(lt);
    if (rest.substr(0, 4) == "<!--") {
      const size_t end = rest.find("-->");
      if (end == std::string_view::npos) return std::nullopt;
      rest.remove_prefix(end + 3);
    } else if (rest[1] == '?' || rest[1] == '!') {
      const size_t end = rest.find('>');
      if (end == std::string_view::npos) return std::nullopt;
      rest.remove_prefix(end + 1);
    } else {
      break;
    }
  }
  auto root_is = [&](std::string_view name) {
    if (rest.size() <= name.size() + 1 || rest[0] != '<') return false;
    std::string got;
    for (char ch : rest.substr(1, name.size())) {
      got += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    const char after = rest[name.size() + 1];
    return got == name &&
           (after == '>' || after == '/' || std::isspace(static_cast<unsigned char>(after)));
  };
  if (root_is("calls")) return ExportFormat::kCallLogXml;
  if (root_is("alllogs")) return ExportFormat::kSuperBackupCalls;
  if (!root_is("html")) return std::nullopt;
  // Takeout's Voice pages carry a microformat root: hAudio for a call, hChatLog for a thread.
  if (Contains(head, "<div class=\"haudio\"") && Contains(head, "class=\"contributor")) {
    return ExportFormat::kGoogleVoiceCall;
  }
  if (Contains(head, "<div class=\"hChatLog")) return ExportFormat::kGoogleVoiceText;
  return std::nullopt;
}

Result<ExportSummary> ParseGoogleVoice(const std::filesystem::path& path, ExportFormat format,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message) {
  VoicePage page(path, format, options, on_message);
  return page.Run();
}

}  // namespace evidence::messages_internal
