// Spawns the Python peer with pipes on its standard streams; one reader thread turns its stdout into queued event
// lines and keeps its stderr for failure messages.
#include "support/peer_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "support/subprocess.hpp"

#ifndef JICOFO_PEERS_DIR
#error "JICOFO_PEERS_DIR must name the tests/peers directory"
#endif

namespace jicofo::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxStderr = std::size_t{256} * 1024;
// Debian's python3 has slixmpp; another python3 earlier in PATH may not.
constexpr const char* kPython = "/usr/bin/python3";

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

}  // namespace

core::Result<std::unique_ptr<PeerProcess>, std::string> PeerProcess::start(std::string name,
                                                                           std::vector<std::string> env,
                                                                           const std::string& script) {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        const std::string why = std::strerror(errno);
        for (int* pair : {in, out, err}) {
            close_fd(pair[0]);
            close_fd(pair[1]);
        }
        return core::unexpected("pipe: " + why);
    }
    std::vector<std::string> argv;
    if (!env.empty()) {
        argv.emplace_back("/usr/bin/env");
        argv.insert(argv.end(), env.begin(), env.end());
    }
    argv.emplace_back(kPython);
    argv.emplace_back("-u");
    argv.emplace_back(std::string(JICOFO_PEERS_DIR) + "/" + script);
    ChildIo io;
    io.stdin_fd = in[0];
    io.stdout_fd = out[1];
    io.stderr_fd = err[1];
    auto pid = spawn_child(argv, io);
    close_fd(in[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    if (!pid) {
        close_fd(in[1]);
        close_fd(out[0]);
        close_fd(err[0]);
        return core::unexpected(pid.error());
    }
    // A peer that died would otherwise turn our writes into SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    return std::unique_ptr<PeerProcess>(new PeerProcess(std::move(name), *pid, in[1], out[0], err[0]));
}

PeerProcess::PeerProcess(std::string name, pid_t pid, int stdin_fd, int stdout_fd, int stderr_fd)
    : name_(std::move(name)), pid_(pid), stdin_fd_(stdin_fd) {
    reader_ = std::thread([this, stdout_fd, stderr_fd] { read_loop(stdout_fd, stderr_fd); });
}

PeerProcess::~PeerProcess() {
    // End of input asks the peer to close its stream politely; it gets a moment, then SIGKILL.
    close_fd(stdin_fd_);
    if (!wait_child(pid_, 2s)) {
        ::kill(pid_, SIGKILL);
        wait_child(pid_, 5s);
    }
    if (reader_.joinable()) {
        reader_.join();
    }
}

void PeerProcess::read_loop(int stdout_fd, int stderr_fd) {
    std::string partial;
    pollfd fds[2] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
    int open_count = 2;
    while (open_count > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (auto& entry : fds) {
            if (entry.fd < 0 || entry.revents == 0) {
                continue;
            }
            char buffer[8192];
            const ssize_t got = ::read(entry.fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                ::close(entry.fd);
                entry.fd = -1;  // poll ignores negative descriptors
                --open_count;
                continue;
            }
            std::lock_guard lock(mutex_);
            if (entry.fd == stdout_fd) {
                partial.append(buffer, static_cast<std::size_t>(got));
                std::size_t newline;
                while ((newline = partial.find('\n')) != std::string::npos) {
                    std::string line = partial.substr(0, newline);
                    partial.erase(0, newline + 1);
                    transcript_ += name_ + " < " + line + "\n";
                    queued_.push_back(std::move(line));
                }
            } else {
                stderr_.append(buffer, static_cast<std::size_t>(got));
                if (stderr_.size() > kMaxStderr) {
                    stderr_.erase(0, stderr_.size() - kMaxStderr);
                }
            }
            changed_.notify_all();
        }
    }
    std::lock_guard lock(mutex_);
    exited_ = true;
    changed_.notify_all();
}

bool PeerProcess::send(const std::string& json_line) {
    {
        std::lock_guard lock(mutex_);
        transcript_ += name_ + " > " + json_line + "\n";
    }
    const std::string line = json_line + "\n";
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(stdin_fd_, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        written += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::string> PeerProcess::wait_for(const Predicate& predicate, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    std::size_t checked = 0;  // queued events before this index did not match
    while (true) {
        for (; checked < queued_.size(); ++checked) {
            if (predicate(queued_[checked])) {
                std::string line = std::move(queued_[checked]);
                queued_.erase(queued_.begin() + static_cast<std::ptrdiff_t>(checked));
                return line;
            }
        }
        if (exited_) {
            return std::nullopt;
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
            // One last look: the notification may have raced with the deadline.
            for (; checked < queued_.size(); ++checked) {
                if (predicate(queued_[checked])) {
                    std::string line = std::move(queued_[checked]);
                    queued_.erase(queued_.begin() + static_cast<std::ptrdiff_t>(checked));
                    return line;
                }
            }
            transcript_ += name_ + " ! timed out after " + std::to_string(timeout.count()) + " ms\n";
            return std::nullopt;
        }
    }
}

std::optional<std::string> PeerProcess::wait_for(std::string_view event, std::chrono::milliseconds timeout) {
    return wait_for([event](const std::string& line) { return is_event(line, event); }, timeout);
}

std::optional<std::string> PeerProcess::request(const std::string& json_line, std::string_view event,
                                                std::chrono::milliseconds timeout) {
    if (!send(json_line)) {
        return std::nullopt;
    }
    return wait_for([event](const std::string& line) { return is_event(line, event) || is_event(line, "error"); },
                    timeout);
}

std::vector<std::string> PeerProcess::take_all() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> all(std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.end()));
    queued_.clear();
    return all;
}

std::string PeerProcess::transcript() const {
    std::lock_guard lock(mutex_);
    std::string text = "--- peer " + name_ + " transcript ---\n" + transcript_;
    if (!stderr_.empty()) {
        text += "--- peer " + name_ + " stderr ---\n" + stderr_;
    }
    return text;
}

bool PeerProcess::running() const {
    std::lock_guard lock(mutex_);
    return !exited_;
}

bool PeerProcess::is_event(const std::string& line, std::string_view event) {
    constexpr std::string_view prefix = "{\"event\":\"";
    return line.size() > prefix.size() + event.size() && line.compare(0, prefix.size(), prefix) == 0 &&
           line.compare(prefix.size(), event.size(), event) == 0 && line[prefix.size() + event.size()] == '"';
}

bool PeerProcess::has_field(const std::string& line, std::string_view key, std::string_view value) {
    std::string needle = "\"";
    needle.append(key);
    needle += "\":\"";
    needle.append(value);
    needle += '"';
    return line.find(needle) != std::string::npos;
}

}  // namespace jicofo::testing
