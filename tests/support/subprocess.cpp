// fork/exec of test helpers: exec failures are reported through a close-on-exec pipe, and children die with us.
#include "support/subprocess.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace jicofo::testing {
namespace {

std::optional<std::string> resolve_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate.string();
        }
    }
    return std::nullopt;
}

// Only async-signal-safe calls between fork and exec: the parent may have other threads.
[[noreturn]] void exec_child(const char* program, char* const* argv, const ChildIo& io, int output_fd, int error_pipe,
                             pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(127);  // the parent died before prctl took effect
    }
    const int out = io.stdout_fd >= 0 ? io.stdout_fd : output_fd;
    const int err = io.stderr_fd >= 0 ? io.stderr_fd : output_fd;
    if ((io.stdin_fd >= 0 && ::dup2(io.stdin_fd, STDIN_FILENO) < 0) || (out >= 0 && ::dup2(out, STDOUT_FILENO) < 0) ||
        (err >= 0 && ::dup2(err, STDERR_FILENO) < 0)) {
        const int error = errno;
        [[maybe_unused]] auto written = ::write(error_pipe, &error, sizeof error);
        ::_exit(127);
    }
    ::execve(program, argv, environ);
    const int error = errno;
    [[maybe_unused]] auto written = ::write(error_pipe, &error, sizeof error);
    ::_exit(127);
}

}  // namespace

core::Result<pid_t, std::string> spawn_child(const std::vector<std::string>& argv, const ChildIo& io) {
    if (argv.empty()) {
        return core::unexpected(std::string("empty command"));
    }
    const auto program = resolve_program(argv[0]);
    if (!program) {
        return core::unexpected(argv[0] + ": not found in PATH");
    }
    std::vector<std::string> args = argv;
    std::vector<char*> raw_args;
    raw_args.reserve(args.size() + 1);
    for (auto& arg : args) {
        raw_args.push_back(arg.data());
    }
    raw_args.push_back(nullptr);

    int output_fd = -1;
    if (io.output_file) {
        output_fd = ::open(io.output_file->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (output_fd < 0) {
            return core::unexpected(io.output_file->string() + ": " + std::strerror(errno));
        }
    }
    int error_pipe[2];
    if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
        if (output_fd >= 0) {
            ::close(output_fd);
        }
        return core::unexpected(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(error_pipe[0]);
        exec_child(program->c_str(), raw_args.data(), io, output_fd, error_pipe[1], parent);
    }
    const int fork_errno = errno;
    ::close(error_pipe[1]);
    if (output_fd >= 0) {
        ::close(output_fd);
    }
    if (pid < 0) {
        ::close(error_pipe[0]);
        return core::unexpected(std::string("fork: ") + std::strerror(fork_errno));
    }
    int child_errno = 0;
    ssize_t got;
    do {
        got = ::read(error_pipe[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    ::close(error_pipe[0]);
    if (got > 0) {
        ::waitpid(pid, nullptr, 0);
        return core::unexpected(*program + ": " + std::strerror(child_errno));
    }
    return pid;
}

std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(2);
    while (true) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            return status;
        }
        if (done < 0 && errno != EINTR) {
            return 0;  // not our child any more (already reaped): treat as ended
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(25));
    }
}

void terminate_child(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) {
        return;
    }
    ::kill(pid, SIGTERM);
    if (!wait_child(pid, grace)) {
        ::kill(pid, SIGKILL);
        wait_child(pid, std::chrono::seconds(5));
    }
}

core::Result<int, std::string> run_command(const std::vector<std::string>& argv,
                                           const std::filesystem::path& output_file,
                                           std::chrono::milliseconds timeout) {
    ChildIo io;
    io.output_file = output_file;
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    io.stdin_fd = null_fd;  // prosodyctl would otherwise wait for a password on the terminal
    auto pid = spawn_child(argv, io);
    if (null_fd >= 0) {
        ::close(null_fd);
    }
    if (!pid) {
        return core::unexpected(pid.error());
    }
    const auto status = wait_child(*pid, timeout);
    if (!status) {
        ::kill(*pid, SIGKILL);
        wait_child(*pid, std::chrono::seconds(5));
        return core::unexpected(argv[0] + ": still running after " + std::to_string(timeout.count()) + " ms");
    }
    if (WIFSIGNALED(*status)) {
        return core::unexpected(argv[0] + ": killed by signal " + std::to_string(WTERMSIG(*status)));
    }
    return WEXITSTATUS(*status);
}

std::string read_file_text(const std::filesystem::path& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    if (all.size() > max_bytes) {
        all = "[...]\n" + all.substr(all.size() - max_bytes);
    }
    return all;
}

}  // namespace jicofo::testing
