// How the app's server reads and writes one browser connection (docs/app.md, "How a connection is
// read"). httplib parses the requests and writes the answers as before; what changes is the
// stream under it.
//
// Debian's compiled httplib reads a request body 4 KiB at a time, each read a poll() and a recv()
// of its own: 262,144 system calls for a 512 MiB upload, which bound the upload's speed (see
// docs/performance.md, "Where the upload's time goes"). ConnectionStream keeps one receive buffer
// for the whole connection and fills it with as much as the socket holds, so httplib's 4 KiB reads
// are served from memory; its writes never raise SIGPIPE when the browser has gone away.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <memory>
#include <string>

namespace evidence::app {

struct ConnectionTimeouts {
  time_t read_sec = 5;
  time_t read_usec = 0;
  time_t write_sec = 5;
  time_t write_usec = 0;
};

class ConnectionStream final : public httplib::Stream {
 public:
  // The largest single recv(): most of an upload arrives in pieces of this size. 256 KiB
  // takes a 512 MiB upload in about 2,000 reads, per connection (httplib runs at most
  // CPPHTTPLIB_THREAD_POOL_COUNT at once).
  static constexpr std::size_t kBufferSize = 256 * 1024;

  // Reads and writes `sock`, which the caller keeps open while the stream exists.
  ConnectionStream(socket_t sock, ConnectionTimeouts timeouts);
  // Wipes the buffer: it held what the browser sent, evidence and passphrases included.
  ~ConnectionStream() override;
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // True when a read would not wait: bytes are buffered or the socket has some within the read
  // timeout.
  bool is_readable() const override;
  bool is_writable() const override;
  // Up to `size` bytes: from the buffer when it holds any, else one recv() into it. 0 at the end
  // of the connection, -1 on an error or when nothing came within the read timeout.
  ssize_t read(char* ptr, size_t size) override;
  // One send(), with MSG_NOSIGNAL; -1 when the socket is not writable within the write timeout.
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

  // Whether bytes already received wait in the buffer (the next request of a keep-alive
  // connection may be there before the socket says so).
  bool has_buffered() const { return begin_ < end_; }

 private:
  socket_t sock_;
  ConnectionTimeouts timeouts_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t used_ = 0;  // the most of the buffer ever filled: what the destructor wipes
};

// httplib's Server with each accepted connection read through one ConnectionStream, kept for the
// connection's keep-alive requests. Routing, limits and every handler are httplib's as set on
// this object.
class HttpServer final : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override;
  // Whether the connection should be read for another request: bytes are buffered or arrive
  // before the keep-alive timeout, and the server is not stopping.
  bool WaitForNextRequest(const ConnectionStream& stream) const;
};

}  // namespace evidence::app
