#include "sandbox_io.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace evidence::metadata_internal {

bool WriteAll(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool WriteAllWithDescriptor(int sock, const void* data, std::size_t n, int fd) {
  if (fd < 0) return WriteAll(sock, data, n);
  struct iovec iov {};
  iov.iov_base = const_cast<void*>(data);
  iov.iov_len = n;
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char space[CMSG_SPACE(sizeof(int))];
  std::memset(space, 0, sizeof space);
  msg.msg_control = space;
  msg.msg_controllen = sizeof space;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t w;
  do {
    w = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  if (w <= 0) return false;
  // The descriptor went with the first byte; the rest, if the kernel took less, goes plainly.
  const auto sent = static_cast<std::size_t>(w);
  return sent == n || WriteAll(sock, static_cast<const char*>(data) + sent, n - sent);
}

bool ReadAllWithDescriptor(int sock, void* data, std::size_t n, UniqueFd* fd) {
  struct iovec iov {};
  iov.iov_base = data;
  iov.iov_len = n;
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char space[CMSG_SPACE(sizeof(int))];
  msg.msg_control = space;
  msg.msg_controllen = sizeof space;
  ssize_t r;
  do {
    r = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return false;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len < CMSG_LEN(sizeof(int))) {
      continue;
    }
    int received;
    std::memcpy(&received, CMSG_DATA(c), sizeof received);
    UniqueFd owned(received);
    if (fd != nullptr) *fd = std::move(owned);
  }
  const auto got = static_cast<std::size_t>(r);
  return got == n || ReadAll(sock, static_cast<char*>(data) + got, n - got);
}

}  // namespace evidence::metadata_internal
