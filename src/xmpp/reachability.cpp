// A TCP reachability probe for the XMPP server, made before a reconnect that hopes to resume the session.
#include "connection_core.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace jicofo::xmpp {

bool tcp_reachable(const std::string& host, unsigned short port, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || found == nullptr) {
        return false;
    }
    bool reachable = false;
    for (auto* address = found; address != nullptr && !reachable; address = address->ai_next) {
        const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            continue;
        }
        int rc = ::connect(fd, address->ai_addr, address->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd wait_for{fd, POLLOUT, 0};
            if (::poll(&wait_for, 1, static_cast<int>(timeout.count())) == 1) {
                int error = 0;
                socklen_t length = sizeof(error);
                rc = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0 ? 0 : -1;
            }
        }
        reachable = rc == 0;
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return reachable;
}

}  // namespace jicofo::xmpp
