#include "connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace evidence::app {

namespace {

// How often a connection waiting for its next request looks whether the server is stopping.
constexpr int kStopCheckMs = 10;

int Milliseconds(time_t sec, time_t usec) {
  return static_cast<int>(std::min<time_t>(sec * 1000 + usec / 1000, 24 * 3600 * 1000));
}

// poll() for `events` on `sock` for up to `timeout_ms`: 1 when ready, 0 on timeout, -1 on error.
// A hang-up or error on the socket counts as ready, so that the read or write that follows
// reports it.
int WaitFor(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

void AddressOf(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

}  // namespace

ConnectionStream::ConnectionStream(socket_t sock, ConnectionTimeouts timeouts)
    : sock_(sock),
      timeouts_(timeouts),
      buffer_(std::make_unique_for_overwrite<char[]>(kBufferSize)) {}

ConnectionStream::~ConnectionStream() { OPENSSL_cleanse(buffer_.get(), used_); }

bool ConnectionStream::is_readable() const {
  return has_buffered() ||
         WaitFor(sock_, POLLIN, Milliseconds(timeouts_.read_sec, timeouts_.read_usec)) > 0;
}

bool ConnectionStream::is_writable() const {
  return WaitFor(sock_, POLLOUT, Milliseconds(timeouts_.write_sec, timeouts_.write_usec)) > 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (!has_buffered()) {
    if (!is_readable()) return -1;
    ssize_t n;
    do {
      n = ::recv(sock_, buffer_.get(), kBufferSize, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return n;
    begin_ = 0;
    end_ = static_cast<std::size_t>(n);
    used_ = std::max(used_, end_);
  }
  const std::size_t n = std::min(size, end_ - begin_);
  std::memcpy(ptr, buffer_.get() + begin_, n);
  begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  ssize_t n;
  do {
    // MSG_NOSIGNAL: a browser that closed the tab gets an error here, not a SIGPIPE that would
    // end the app.
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

bool HttpServer::WaitForNextRequest(const ConnectionStream& stream) const {
  if (stream.has_buffered()) return true;
  const auto limit =
      std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
  while (svr_sock_ != INVALID_SOCKET) {
    const int ready = WaitFor(stream.socket(), POLLIN, kStopCheckMs);
    if (ready != 0) return ready > 0;
    if (std::chrono::steady_clock::now() > limit) return false;
  }
  return false;
}

// As httplib's own: up to keep_alive_max_count_ requests on one connection, the last one
// answered with "Connection: close", then the socket shut down and closed.
bool HttpServer::process_and_close_socket(socket_t sock) {
  bool ret = false;
  {
    ConnectionStream stream(
        sock, {read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_});
    for (std::size_t count = keep_alive_max_count_; count > 0 && WaitForNextRequest(stream);
         --count) {
      bool connection_closed = false;
      ret = process_request(stream, count == 1, connection_closed, nullptr);
      if (!ret || connection_closed) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace evidence::app
