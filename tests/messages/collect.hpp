// What a message parser gave a test, collected: shared by the parsers' tests, so that every test
// file of this folder builds in one unit with the others (tests/CMakeLists.txt).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"

namespace evidence::testing {

struct Parsed {
  Result<ExportFormat> format = Status::Unsupported("not run");  // when the test detected it
  Result<ExportSummary> summary = Status::Unsupported("not run");
  std::vector<Message> messages;  // in the order the parser gave them
};

// Runs `parse`, any parser given a message callback, and keeps every message it gives.
template <typename Fn>
Parsed Collect(Fn&& parse) {
  Parsed p;
  p.summary = parse([&](Message&& m) {
    p.messages.push_back(std::move(m));
    return Status::Ok();
  });
  return p;
}

// ParseExport on the file at `path`, named `hint` as an upload would name it.
inline Parsed CollectExport(const std::filesystem::path& path, const std::string& hint,
                            const ParseOptions& options = {}, const MediaSink* sink = nullptr) {
  return Collect([&](const messages_internal::MessageCallback& cb) {
    return ParseExport(path, hint, options, cb, sink);
  });
}

// The same after DetectExportFormat, whose answer is kept in `format`.
inline Parsed DetectAndCollect(const std::filesystem::path& path, const std::string& hint,
                               const ParseOptions& options = {}) {
  Result<ExportFormat> format = DetectExportFormat(path, hint);
  Parsed p = CollectExport(path, hint, options);
  p.format = std::move(format);
  return p;
}

}  // namespace evidence::testing
