// ConnectionStream and HttpServer (tools/app/connection.hpp): one receive buffer per connection,
// filled with all the socket holds; writes that never raise SIGPIPE; keep-alive requests read
// from the same buffer.
#include "connection.hpp"

#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "app_fixture.hpp"

namespace evidence::app {
namespace {

// Two connected stream sockets, closed at the end of the test.
struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0); }
  ~SocketPair() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
  void ClosePeer() {
    ::close(fd[1]);
    fd[1] = -1;
  }
  int fd[2] = {-1, -1};
};

void SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    sent += static_cast<std::size_t>(n);
  }
}

std::string Pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131) % 251);
  return s;
}

int QueuedInSocket(int fd) {
  int queued = -1;
  EXPECT_EQ(::ioctl(fd, FIONREAD, &queued), 0);
  return queued;
}

constexpr ConnectionTimeouts kShort{0, 200000, 0, 200000};

TEST(ConnectionStream, ServesSmallReadsFromOneReceive) {
  SocketPair p;
  const std::string sent = Pattern(100 * 1024);
  SendAll(p.fd[1], sent);
  ConnectionStream stream(p.fd[0], kShort);
  std::string got;
  char piece[4096];
  ssize_t n = stream.read(piece, sizeof piece);
  ASSERT_EQ(n, 4096);
  got.append(piece, 4096);
  // The first read took everything the socket held: the rest comes from memory.
  EXPECT_EQ(QueuedInSocket(p.fd[0]), 0);
  EXPECT_TRUE(stream.has_buffered());
  while (got.size() < sent.size()) {
    n = stream.read(piece, sizeof piece);
    ASSERT_GT(n, 0);
    got.append(piece, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(got, sent);
  EXPECT_FALSE(stream.has_buffered());
}

TEST(ConnectionStream, ReadsByteByByteAsHttplibReadsAHeaderLine) {
  SocketPair p;
  SendAll(p.fd[1], "GET / HTTP/1.1\r\n");
  ConnectionStream stream(p.fd[0], kShort);
  std::string line;
  char c = 0;
  while (line.size() < 16 && stream.read(&c, 1) == 1) line += c;
  EXPECT_EQ(line, "GET / HTTP/1.1\r\n");
}

TEST(ConnectionStream, ReturnsZeroAtTheEndOfTheConnection) {
  SocketPair p;
  SendAll(p.fd[1], "abc");
  p.ClosePeer();
  ConnectionStream stream(p.fd[0], kShort);
  char buf[16];
  EXPECT_EQ(stream.read(buf, sizeof buf), 3);
  EXPECT_EQ(stream.read(buf, sizeof buf), 0);
}

TEST(ConnectionStream, ReturnsMinusOneWhenNothingComesWithinTheReadTimeout) {
  SocketPair p;
  ConnectionStream stream(p.fd[0], kShort);
  char buf[16];
  EXPECT_FALSE(stream.is_readable());
  EXPECT_EQ(stream.read(buf, sizeof buf), -1);
}

// A browser that closed its tab while the app still answered: the write fails, and the app
// (here the test process) is not ended by SIGPIPE.
TEST(ConnectionStream, WriteToAClosedPeerFailsWithoutSigpipe) {
  SocketPair p;
  p.ClosePeer();
  ConnectionStream stream(p.fd[0], kShort);
  const std::string answer(64 * 1024, 'x');
  EXPECT_EQ(stream.write(answer.data(), answer.size()), -1);
  EXPECT_EQ(stream.write(answer.data(), answer.size()), -1);
}

TEST(ConnectionStream, WritesWhatThePeerReads) {
  SocketPair p;
  ConnectionStream stream(p.fd[0], kShort);
  ASSERT_EQ(stream.write("HTTP/1.1 200 OK\r\n", 17), 17);
  char buf[32] = {};
  ASSERT_EQ(::recv(p.fd[1], buf, sizeof buf, 0), 17);
  EXPECT_EQ(std::string(buf, 17), "HTTP/1.1 200 OK\r\n");
}

// --- HttpServer ------------------------------------------------------------------------------

// An HttpServer on 127.0.0.1 with two routes, serving on a thread of its own.
class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
    });
    server_.Post("/count", [](const httplib::Request&, httplib::Response& res,
                              const httplib::ContentReader& reader) {
      std::size_t bytes = 0;
      std::uint64_t sum = 0;
      reader([&](const char* data, size_t n) {
        for (size_t i = 0; i < n; ++i) sum += static_cast<unsigned char>(data[i]);
        bytes += n;
        return true;
      });
      res.set_content(std::to_string(bytes) + " " + std::to_string(sum), "text/plain");
    });
    // Long enough that a connection ended sooner was ended by the server's stop, not by this.
    server_.set_keep_alive_timeout(60);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // A connection to the server whose reads give up after 10 s: a server that never answers
  // fails the test instead of hanging it.
  std::unique_ptr<testing::RawConnection> Connect() const {
    auto conn = std::make_unique<testing::RawConnection>(port_);
    EXPECT_TRUE(conn->connected());
    conn->LimitEachRead(10);
    return conn;
  }

  static int Count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
};

// Requests sent back to back in one write are each answered on the one connection: the bytes
// of the second one, received with the first, wait in the connection's buffer.
TEST_F(HttpServerTest, AnswersRequestsSentTogetherOnOneConnection) {
  auto conn = Connect();
  ASSERT_TRUE(
      conn->Send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                 "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                 "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  const std::string answers = conn->ReadAll();
  EXPECT_EQ(Count(answers, "HTTP/1.1 200 OK"), 3) << answers;
  EXPECT_EQ(Count(answers, "hello"), 3) << answers;
}

TEST_F(HttpServerTest, StreamsALargeBodyToTheHandlerWhole) {
  const std::string body = Pattern(3 * 1024 * 1024 + 17);
  std::uint64_t sum = 0;
  for (unsigned char c : body) sum += c;
  httplib::Client client("127.0.0.1", port_);
  auto res = client.Post("/count", body, "application/octet-stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, std::to_string(body.size()) + " " + std::to_string(sum));
}

TEST_F(HttpServerTest, StopEndsAnIdleKeepAliveConnection) {
  auto conn = Connect();
  ASSERT_TRUE(conn->Send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_NE(conn->ReadHead(), "");
  // The connection now waits for a next request; stopping the server must not wait for it.
  auto stopped = std::async(std::launch::async, [this] {
    server_.stop();
    thread_.join();
  });
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // What is left of the first answer, its body, and then the end of the connection.
  EXPECT_EQ(conn->ReadAll(), "hello");
  EXPECT_TRUE(conn->ended());
}

}  // namespace
}  // namespace evidence::app
