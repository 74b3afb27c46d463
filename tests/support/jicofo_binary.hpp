// Running the jicofo binary in integration tests: the process with its config and log in one directory, its
// config pointing at a Prosody fixture, its REST answers as JSON, and polling for what it
// should eventually do. Tests that include this link nlohmann_json::nlohmann_json.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/prosody_fixture.hpp"
#include "support/subprocess.hpp"

namespace jicofo::testing {

// Asks `done` until it says yes or the deadline passes, and once more after that (so a slow machine that got
// there just in time still passes); its last answer.
inline bool poll(const std::function<bool()>& done, std::chrono::milliseconds deadline,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(50)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(interval);
    }
    return done();
}

// A jicofo.conf that connects to this Prosody as the focus user (address, domains, password), with the test's own
// `client_settings` inside xmpp.client { } and its other `settings` inside jicofo { }.
inline std::string jicofo_config(const ProsodyFixture& prosody, const std::string& password,
                                 const std::string& client_settings, const std::string& settings) {
    std::ostringstream config;
    config << "jicofo {\n"
           << "  xmpp.client {\n"
           << "    hostname = \"127.0.0.1\"\n"
           << "    port = " << prosody.c2s_port() << "\n"
           << "    domain = \"" << prosody.auth_domain() << "\"\n"
           << "    xmpp-domain = \"" << prosody.domain() << "\"\n"
           << "    password = \"" << password << "\"\n"
           << client_settings << "  }\n"
           << settings << "}\n";
    return config.str();
}

// One jicofo process: its config is written to directory/jicofo.conf and its output goes to directory/jicofo.log.
// It is stopped (SIGTERM, then SIGKILL) when the handle goes away, so a failed assertion leaves nothing running.
class JicofoProcess {
public:
    static core::Result<std::unique_ptr<JicofoProcess>, std::string> start(
        const std::string& binary, const std::string& config_text, const std::filesystem::path& directory,
        const std::vector<std::string>& arguments = {}) {
        const auto config_file = directory / "jicofo.conf";
        {
            std::ofstream config(config_file);
            config << config_text;
            if (!config.flush()) {
                return core::unexpected("cannot write " + config_file.string());
            }
        }
        std::vector<std::string> command{binary, "--config", config_file.string()};
        command.insert(command.end(), arguments.begin(), arguments.end());
        auto log_file = directory / "jicofo.log";
        auto pid = spawn_child(command, ChildIo{-1, -1, -1, log_file});
        if (!pid) {
            return core::unexpected(pid.error());
        }
        return std::unique_ptr<JicofoProcess>(new JicofoProcess(*pid, std::move(log_file)));
    }

    ~JicofoProcess() { stop(); }
    JicofoProcess(const JicofoProcess&) = delete;
    JicofoProcess& operator=(const JicofoProcess&) = delete;

    // -1 once the process has ended.
    pid_t pid() const { return pid_; }
    std::string log_text() const { return read_file_text(log_file_); }

    // Waits for the process to end by itself; its exit status as from waitpid, or nullopt when it still runs.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        if (pid_ <= 0) {
            return std::nullopt;
        }
        auto status = wait_child(pid_, timeout);
        if (status) {
            pid_ = -1;  // reaped: the number may already belong to another process
        }
        return status;
    }

    // SIGTERM, then SIGKILL once the deadline has passed.
    void stop(std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        if (pid_ > 0) {
            terminate_child(pid_, deadline);
            pid_ = -1;
        }
    }

private:
    JicofoProcess(pid_t pid, std::filesystem::path log_file) : pid_(pid), log_file_(std::move(log_file)) {}

    pid_t pid_;
    std::filesystem::path log_file_;
};

// JicofoProcess::start for a test: nullptr, with a test failure carrying the reason, when it cannot start.
inline std::unique_ptr<JicofoProcess> start_jicofo_process(const std::string& binary, const std::string& config_text,
                                                           const std::filesystem::path& directory,
                                                           const std::vector<std::string>& arguments = {}) {
    auto jicofo = JicofoProcess::start(binary, config_text, directory, arguments);
    EXPECT_TRUE(jicofo) << (jicofo ? "" : jicofo.error());
    return jicofo ? std::move(jicofo).value() : nullptr;
}

// The jicofo log (when it was started) and the Prosody log, for failure messages.
inline std::string diagnostics_text(const JicofoProcess* jicofo, const ProsodyFixture& prosody) {
    return "\njicofo log:\n" + (jicofo ? jicofo->log_text() : std::string("(not started)")) + "\nprosody log:\n" +
           prosody.log_text();
}

// GET on the binary's REST API, expecting 200 and a JSON body (a test failure naming the path otherwise).
inline nlohmann::json get_rest_json(uint16_t port, const std::string& path) {
    auto reply = http_request(port, "GET", path);
    EXPECT_EQ(reply.status, 200) << path << " " << reply.body;
    auto json = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << path << " " << reply.body;
    return json;
}

}  // namespace jicofo::testing
