// Text that came from evidence (chat lines, senders, file names, metadata values, ledger fields)
// made safe to print on a terminal: it can no longer move the cursor, erase or recolour lines,
// fake an output line, or reorder what is shown around it. docs/output.md lists what is escaped.
#pragma once

#include <string>
#include <string_view>

#include "evidence/export.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// What to do with the ASCII control characters (U+0000–U+001F and DEL).
enum class AsciiControls {
  kEscapeAll,     // every one shown as \xNN, newline and tab included: one value, one line
  kKeepNewlines,  // '\n' kept (text made of lines, e.g. a signed note); the rest as \xNN
  kKeep,          // left as they are, for renderers that deal with them themselves (HTML, Markdown)
};

// `text` with ill-formed UTF-8 replaced by U+FFFD, ASCII controls handled as `ascii` says, and
// the C1 controls (U+0080–U+009F), the line and paragraph separators (U+2028, U+2029) and the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) shown as
// \uNNNN. Every other character, backslash included, is kept, so ordinary text prints unchanged.
std::string PrintableText(std::string_view text, AsciiControls ascii = AsciiControls::kEscapeAll);

}  // namespace evidence
EVIDENCE_PUBLIC_END
