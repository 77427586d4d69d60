// Opens the app's URL for the user: an app window of Chromium with a throw-away profile when
// Chromium is installed (so no history, cache or cookie outlives the run), else xdg-open.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "evidence/status.hpp"

namespace evidence::app {

class Browser {
 public:
  // Starts the browser on `url`; does not wait for it. kNotFound when neither chromium nor
  // xdg-open is on PATH; kIoError when it cannot be started.
  static Result<Browser> Open(const std::string& url);

  Browser(Browser&& other) noexcept;
  Browser& operator=(Browser&&) = delete;
  Browser(const Browser&) = delete;
  // Ends the Chromium window this started (it shows a case that is now locked) and removes its
  // profile folder, the only thing the app writes outside the case.
  ~Browser();

  // What was started, for the message on stderr.
  const std::string& program() const { return program_; }

 private:
  Browser(std::string program, pid_t pid, std::filesystem::path profile);
  std::string program_;
  pid_t pid_ = -1;
  std::filesystem::path profile_;  // empty for xdg-open
};

}  // namespace evidence::app
