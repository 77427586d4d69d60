// The app's HTTP server: httplib bound to 127.0.0.1 only, every request passed through the guard
// (guard.hpp) and then the routing table (routes.hpp), one request at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "evidence/status.hpp"
#include "session.hpp"

namespace evidence::app {

struct ServerOptions {
  std::filesystem::path case_dir;
  int port = 0;  // 0: any free port
  std::chrono::minutes idle_limit{15};
  Clock clock = [] { return std::chrono::steady_clock::now(); };
  // Every form of the app is small: the most the server reads of a form's body. Uploads
  // (StreamRoute) are streamed instead, up to max_upload each.
  std::size_t max_body = 64 * 1024;
  // The largest file one upload may bring (--max-upload-mib, docs/app.md "Add evidence").
  std::uint64_t max_upload = std::uint64_t{4096} << 20;
};

class Server {
 public:
  // Makes the session's secrets and binds 127.0.0.1:port. kIoError when the port cannot be bound
  // or the random generator fails; kInvalidArgument for a port outside 0..65535.
  static Result<std::unique_ptr<Server>> Bind(ServerOptions options);
  ~Server();

  int port() const;
  // The address to open: http://127.0.0.1:PORT/?token=TOKEN.
  std::string url() const;

  // Serves until Stop() or "Lock and quit"; the unlocked case is destroyed before it returns.
  // Returns true when "Lock and quit" ended it.
  bool Serve();
  // Stops Serve() from any thread.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace evidence::app
