#include "xml_util.hpp"

#include <cctype>
#include <mutex>

#include "messages_internal.hpp"
#include "status_macros.hpp"

namespace evidence::xml_util {

void OnXmlError(void* user, XmlErrorArg error) {
  auto* state = static_cast<XmlErrorState*>(user);
  if (state == nullptr || error == nullptr || state->set || error->level < XML_ERR_ERROR) return;
  try {
    std::string msg = error->message != nullptr ? error->message : "malformed xml";
    while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
    std::string flat;
    for (char c : msg) {
      if (c == '\n') {
        flat += "; ";
      } else {
        flat += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    state->message = evidence::LossyUtf8(flat);
    state->line = error->line;
    state->set = true;
  } catch (...) {
    // Called from C: nothing may escape. The reader's own -1 still reports the failure.
  }
}

void InitOnce() {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
}

namespace {
void IgnoreGenericError(void*, const char*, ...) {}
}  // namespace

GenericErrorSilencer::GenericErrorSilencer()
    : saved_(xmlGenericError), saved_context_(xmlGenericErrorContext) {
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
}

GenericErrorSilencer::~GenericErrorSilencer() { xmlSetGenericErrorFunc(saved_context_, saved_); }

Result<ReaderPtr> OpenFileReader(const std::filesystem::path& path, int flags, XmlErrorState* error,
                                 std::string_view label) {
  InitOnce();
  ReaderPtr reader(xmlReaderForFile(path.c_str(), nullptr, flags));
  if (!reader) return Status::IoError(std::string(label) + ": " + path.string() + ": cannot open");
  xmlTextReaderSetStructuredErrorHandler(reader.get(), OnXmlError, error);
  return reader;
}

void ForEachAttribute(
    xmlTextReader* reader,
    const std::function<void(std::string_view name, std::string_view value)>& on_attribute) {
  if (xmlTextReaderMoveToFirstAttribute(reader) != 1) return;
  do {
    on_attribute(View(xmlTextReaderConstLocalName(reader)), View(xmlTextReaderConstValue(reader)));
  } while (xmlTextReaderMoveToNextAttribute(reader) == 1);
  xmlTextReaderMoveToElement(reader);
}

Status ReadFailure(xmlTextReader* reader, const XmlErrorState& error, std::string_view label,
                   bool inside_root, const std::function<std::string()>& truncated) {
  const int line = error.line > 0 ? error.line : xmlTextReaderGetParserLineNumber(reader);
  const std::string at = std::string(label) + ": line " + std::to_string(line) + ": ";
  const bool at_end = error.message.find("premature end") != std::string::npos ||
                      error.message.find("extra content at the end") != std::string::npos;
  if (inside_root && at_end) return Status::Corruption(at + truncated());
  return Status::Corruption(at + (error.set ? error.message : std::string("malformed xml")));
}

// Bounded to 64 prolog constructs so a head of nothing but comments costs little.
std::string_view XmlRootName(std::string_view s) {
  for (int n = 0; n < 64; ++n) {
    while (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
      s.remove_prefix(1);
    }
    std::size_t end = std::string_view::npos;
    if (s.starts_with("<?")) {
      end = s.find("?>");
      if (end != std::string_view::npos) end += 2;
    } else if (s.starts_with("<!--")) {
      end = s.find("-->");
      if (end != std::string_view::npos) end += 3;
    } else if (s.starts_with("<!DOCTYPE") || s.starts_with("<!doctype")) {
      std::size_t bracket = s.find('[');
      std::size_t gt = s.find('>');
      if (bracket != std::string_view::npos && bracket < gt) {
        end = s.find("]>", bracket);
        if (end != std::string_view::npos) end += 2;
      } else {
        end = gt == std::string_view::npos ? gt : gt + 1;
      }
    } else if (s.starts_with("<")) {
      std::size_t i = 1;
      while (i < s.size() && s[i] != ' ' && s[i] != '>' && s[i] != '/' && s[i] != '\t' &&
             s[i] != '\r' && s[i] != '\n') {
        ++i;
      }
      if (i == s.size()) return {};
      return s.substr(1, i - 1);
    } else {
      return {};
    }
    if (end == std::string_view::npos) return {};
    s.remove_prefix(end);
  }
  return {};
}

Result<bool> ReadElements(xmlTextReader* reader, const std::function<Status()>& on_element,
                          const std::function<Status()>& on_end) {
  int r;
  while ((r = xmlTextReaderRead(reader)) == 1) {
    const int type = xmlTextReaderNodeType(reader);
    if (type == XML_READER_TYPE_ELEMENT) {
      EVIDENCE_RETURN_IF_ERROR(on_element());
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      EVIDENCE_RETURN_IF_ERROR(on_end());
    }
  }
  return r == 0;
}

}  // namespace evidence::xml_util
