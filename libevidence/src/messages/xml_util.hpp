// libxml2 for the message-export parsers: RAII handles, the structured-error capture that turns
// libxml2's diagnostics into a Status message, and the silencing of its stderr output.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <memory>
#include <string>
#include <string_view>

namespace evidence::xml_util {

struct ReaderDeleter {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};
using ReaderPtr = std::unique_ptr<xmlTextReader, ReaderDeleter>;

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// The first error libxml2 reported (level error or fatal), lower-cased and on one line.
struct XmlErrorState {
  bool set = false;
  std::string message;
  int line = 0;
};

// libxml2 2.12 made the error argument const; accept both.
#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlErrorPtr;
#endif

// A structured error handler for xmlTextReaderSetStructuredErrorHandler; `user` is an
// XmlErrorState. Never throws (it is called from C).
void OnXmlError(void* user, XmlErrorArg error);

// Initialises libxml2 once per process (xmlInitParser is not safe to race).
void InitOnce();

// libxml2 reports some failures (encoding conversion, I/O) through its per-thread generic error
// function, which prints to stderr; the parsers report them as a status instead.
class GenericErrorSilencer {
 public:
  GenericErrorSilencer();
  ~GenericErrorSilencer();
  GenericErrorSilencer(const GenericErrorSilencer&) = delete;
  GenericErrorSilencer& operator=(const GenericErrorSilencer&) = delete;

 private:
  xmlGenericErrorFunc saved_;
  void* saved_context_;
};

inline std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

}  // namespace evidence::xml_util
