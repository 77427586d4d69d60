// What the pages show of a case, gathered through the public Case API (the same calls the CLI
// makes), so that the page builders in pages.hpp stay free of I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "evidence/case.hpp"
#include "evidence/status.hpp"
#include "session.hpp"

namespace evidence::app {

struct HomeView {
  std::string case_name;
  std::string owner;
  bool encrypted = true;
  std::size_t items = 0;
  std::size_t incidents = 0;
  std::size_t messages = 0;
  std::size_t calls = 0;
  std::optional<VerifyOutcome> last_check;
};

Result<HomeView> GatherHome(const Case& c, const std::optional<VerifyOutcome>& last_check);

// Runs the full check of `evidence verify` now.
Result<VerifyOutcome> CheckNow(const Case& c);

}  // namespace evidence::app
