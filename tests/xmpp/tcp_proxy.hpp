// A loopback TCP proxy between the focus and Prosody that a test can cut (both sides reset, as when a network path
// dies), refuse new connections, freeze (bytes silently dropped, as on a black-holed link) or hold upstream (what the
// focus sends waits, as with a server that is behind on reading). Test-only; one thread, poll().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace jicofo::testing {

class TcpProxy {
public:
    explicit TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
        listen_fd_ = open_listener(0);
        sockaddr_in addr{};
        socklen_t len = sizeof(addr);
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~TcpProxy() {
        stop_ = true;
        thread_.join();
        for (const auto& pair : pairs_) {
            ::close(pair.client);
            ::close(pair.server);
        }
        for (const int fd : {listen_fd_, reserved_fd_}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    std::uint16_t port() const { return port_; }
    // Resets every forwarded connection on both sides.
    void cut() { cut_ = true; }
    // While frozen, bytes in both directions are read and dropped.
    void freeze(bool frozen) { frozen_ = frozen; }
    // While held, what the client sends stays unread (queued, then delivered in order); the server's bytes flow.
    void hold_upstream(bool held) { upstream_held_ = held; }
    // While refusing, nothing listens on the port: connections are refused (with cut(): the path is down).
    void refuse(bool refusing) { refusing_ = refusing; }

private:
    static void reset(int fd) {
        linger l{1, 0};  // RST instead of FIN
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        ::close(fd);
    }

    // Close-on-exec, as every socket here: a process the test starts (jicofo, a peer) must not inherit the port and
    // keep it listening while the proxy refuses.
    static int open_socket(std::uint16_t port) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        return fd;
    }
    static int open_listener(std::uint16_t port) {
        const int fd = open_socket(port);
        ::listen(fd, 16);
        return fd;
    }

    int connect_target() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(target_port_);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    void run() {
        char buffer[16384];
        while (!stop_) {
            if (cut_.exchange(false)) {
                for (const auto& pair : pairs_) {
                    reset(pair.client);
                    reset(pair.server);
                }
                pairs_.clear();
            }
            if (refusing_ && listen_fd_ >= 0) {
                // The port stays bound without a listener: connections are refused, and the kernel cannot hand the
                // port out as an ephemeral one (a connect to a free local port can connect to itself).
                ::close(listen_fd_);
                listen_fd_ = -1;
                reserved_fd_ = open_socket(port_);
            } else if (!refusing_ && listen_fd_ < 0) {
                ::listen(reserved_fd_, 16);
                listen_fd_ = std::exchange(reserved_fd_, -1);
            }
            std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};  // poll() skips a negative descriptor
            for (const auto& pair : pairs_) {
                // A side that ended is not polled again (it would stay readable); -1 makes poll() skip it.
                fds.push_back(
                    {pair.client_done ? -1 : pair.client, static_cast<short>(upstream_held_ ? 0 : POLLIN), 0});
                fds.push_back({pair.server_done ? -1 : pair.server, POLLIN, 0});
            }
            if (::poll(fds.data(), fds.size(), 20) <= 0) {
                continue;
            }
            std::vector<Pair> alive;
            if (fds[0].revents & POLLIN) {
                const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                const int server = client >= 0 ? connect_target() : -1;
                if (server >= 0) {
                    alive.push_back(Pair{client, server});
                } else if (client >= 0) {
                    ::close(client);
                }
            }
            for (std::size_t i = 0; i + 1 < fds.size(); i += 2) {
                auto pair = pairs_[i / 2];
                bool failed = false;
                for (auto [from, to, revents, done] :
                     {std::tuple{pair.client, pair.server, fds[i + 1].revents, &pair.client_done},
                      std::tuple{pair.server, pair.client, fds[i + 2].revents, &pair.server_done}}) {
                    if (failed || *done || !(revents & (POLLIN | POLLHUP | POLLERR))) {
                        continue;
                    }
                    const ssize_t n = ::read(from, buffer, sizeof(buffer));
                    if (n < 0) {
                        failed = true;
                    } else if (n == 0) {
                        // End of one direction: passed on as such (a FIN, not a reset), the other keeps flowing.
                        *done = true;
                        ::shutdown(to, SHUT_WR);
                    } else if (!frozen_) {
                        ::send(to, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
                    }
                }
                if (failed || (pair.client_done && pair.server_done)) {
                    ::close(pair.client);
                    ::close(pair.server);
                } else {
                    alive.push_back(pair);
                }
            }
            pairs_ = std::move(alive);
        }
    }

    std::uint16_t target_port_;
    std::uint16_t port_ = 0;
    int listen_fd_ = -1;
    int reserved_fd_ = -1;  // while refusing: the port, bound and not listening
    struct Pair {
        int client;
        int server;
        bool client_done = false;  // the client ended its side (FIN passed on to the server)
        bool server_done = false;
    };
    std::vector<Pair> pairs_;  // owned by the proxy thread
    std::atomic<bool> stop_{false};
    std::atomic<bool> cut_{false};
    std::atomic<bool> frozen_{false};
    std::atomic<bool> upstream_held_{false};
    std::atomic<bool> refusing_{false};
    std::thread thread_;
};

}  // namespace jicofo::testing
