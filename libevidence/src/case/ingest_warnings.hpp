// The warnings an item carries so that reading it is never silent (docs/messages.md, "Never
// silent"): a message export that yielded no message or was only partly read, and a file that
// looks like a conversation but matched no format. Ingest records them in the signed
// item.metadata entry ("warnings"); list, show, the report and --json show them from there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "describe.hpp"
#include "evidence/messages.hpp"
#include "evidence/status.hpp"

namespace evidence {

// For a recognised export of `format` whose parse gave `summary` after delivering `count`
// messages: the ReadingWarning of a finished parse, or, for a parse that stopped, what stopped it.
std::vector<std::string> ExportReadingWarnings(const Result<ExportSummary>& summary,
                                               std::string_view format, std::uint64_t count);

// For a file DetectExportFormat refused with `refused`: a warning naming the formats tried, when
// the file looks like a conversation (the describer calls it a message export or an e-mail, it is
// JSON, or a text, XML or HTML file whose name speaks of chats, messages or mail); nullopt for
// photos, documents and everything else, which were never meant to be read as messages.
std::optional<std::string> UnrecognisedExportWarning(const Status& refused, const Description& desc,
                                                     std::string_view raw_name);

// For a file whose plaintext was too large to hold in memory in an encrypted case
// (StagedObject::plaintext_is_head): says that its metadata was not read and that it was not read
// as messages, and why. `size` is the file's, `limit` the store's plaintext_limit().
std::string HeadOnlyWarning(std::uint64_t size, std::uint64_t limit);

}  // namespace evidence
