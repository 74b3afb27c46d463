// Starting and stopping the external programs tests depend on (prosody, prosodyctl, openssl, python peers),
// with fork/exec and no shell, so that every child is killed when the test process dies.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::testing {

// Where a child's standard streams go. A descriptor of -1 means "inherit"; output_file (if set) receives both
// stdout and stderr, appended.
struct ChildIo {
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    std::optional<std::filesystem::path> output_file;
};

// Starts argv[0] (looked up in PATH when it has no '/'). The child gets SIGKILL when the thread that started it
// ends, so a crashed or killed test leaves no server behind holding ports.
core::Result<pid_t, std::string> spawn_child(const std::vector<std::string>& argv, const ChildIo& io);

// Waits for the child to end; its exit status as from waitpid, or nullopt when it still runs after timeout.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout);

// SIGTERM, then SIGKILL once grace has passed; reaps the child.
void terminate_child(pid_t pid, std::chrono::milliseconds grace);

// Runs a command to completion with its output appended to output_file; the exit code, or an error when it could
// not start, was killed by a signal, or ran longer than timeout.
core::Result<int, std::string> run_command(const std::vector<std::string>& argv,
                                           const std::filesystem::path& output_file, std::chrono::milliseconds timeout);

// The tail of a text file (for failure messages); empty when it cannot be read.
std::string read_file_text(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);

}  // namespace jicofo::testing
