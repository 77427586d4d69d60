#include "xml_util.hpp"

#include <cctype>
#include <mutex>

#include "messages_internal.hpp"

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
    state->message = messages_internal::SanitizeUtf8(flat);
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

}  // namespace evidence::xml_util
