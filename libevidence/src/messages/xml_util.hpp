// libxml2 for the message-export parsers: RAII handles, the structured-error capture that turns
// libxml2's diagnostics into a Status message, and the silencing of its stderr output.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/status.hpp"

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

// Opens `path` for a streaming read whose libxml2 errors go to *error (which must outlive the
// reader). kIoError "<label>: <path>: cannot open" when libxml2 cannot open it.
Result<ReaderPtr> OpenFileReader(const std::filesystem::path& path, int flags, XmlErrorState* error,
                                 std::string_view label);

// Reads `reader` to the end, calling `on_element` at each start tag and `on_end` at each end tag
// (both on the reader's current node). Returns false when the read stopped on an error (then
// ReadFailure says which), true at the end of the document, or the first callback's failure.
Result<bool> ReadElements(xmlTextReader* reader, const std::function<Status()>& on_element,
                          const std::function<Status()>& on_end);

// Calls `on_attribute` with the name and value of each attribute of the reader's current element,
// and leaves the reader back on that element.
void ForEachAttribute(
    xmlTextReader* reader,
    const std::function<void(std::string_view name, std::string_view value)>& on_attribute);

// The status of a streaming read that stopped on malformed XML: kCorruption "<label>: line N:
// <libxml2's words>". A file that ends inside its root element is worded by libxml2 oddly
// ("premature end", "extra content at the end"), so when `inside_root` the message is
// "<label>: line N: <truncated()>" instead, saying what happened.
Status ReadFailure(xmlTextReader* reader, const XmlErrorState& error, std::string_view label,
                   bool inside_root, const std::function<std::string()>& truncated);

// The name of the root element of the XML document that starts `head`, after the prolog
// (declaration, processing instructions, comments, a DOCTYPE with or without an internal subset,
// whitespace between them); "" when `head` is not that or ends before the name does. The one
// sniffing rule both the file classifier and the message-export detector use, so they agree.
std::string_view XmlRootName(std::string_view head);

inline std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

}  // namespace evidence::xml_util
