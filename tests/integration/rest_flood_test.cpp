// Floods against the jicofo binary (with a real Prosody) that must not take the process, or anyone's conference,
// down: thousands of distinct rooms past the conference cap, hundreds of idle sockets, and concurrent megabyte
// bodies. Memory is read from /proc/<pid>/status (VmHWM: the peak resident set).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusPassword = "focus-secret";
constexpr long kPeakRssLimitKib = 100L * 1024;

// VmHWM of `pid` in KiB, or -1.
long peak_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

int connect_loopback(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

class RestFloodTest : public ::testing::Test {
protected:
    void start(const std::string& conference_settings, const std::string& rest_settings = "") {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        port_ = free_loopback_port();
        const std::string config = jicofo_config(
            *prosody_, kFocusPassword, "    use-tls = false\n",
            "  conference { initial-timeout = 3 seconds, single-participant-timeout = 3 seconds\n" +
                conference_settings + " }\n  health.interval = 500 ms\n  rest { host = \"127.0.0.1\", port = " +
                std::to_string(port_) + "\n" + rest_settings + " }\n");
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);
        ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 10s))
            << diagnostics();
    }

    HttpReply post_room(const std::string& room) {
        return http_request(port_, "POST", "/conference-request/v1", R"({"room":")" + room + R"("})",
                            {{"Content-Type", "application/json"}});
    }

    bool healthy() {
        return poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 5s);
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

TEST_F(RestFloodTest, TwoThousandDistinctRoomsPastTheConferenceCapAreRefusedAndTheShardStaysHealthy) {
    start("    max-conferences = 100\n");
    std::atomic<int> created{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < 8; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < 250; ++i) {
                auto reply = post_room("flood" + std::to_string(t) + "-" + std::to_string(i) + "@conference.meet.test");
                if (reply.status == 200) {
                    ++created;
                } else if (reply.status == 503 && reply.body == "Service unavailable: too many conferences (max 100)") {
                    ++refused;
                } else {
                    ++other;
                }
            }
        });
    }
    for (auto& sender : senders) {
        sender.join();
    }
    EXPECT_EQ(created + refused + other, 2000);
    EXPECT_EQ(other, 0) << diagnostics();
    EXPECT_GE(refused, 1000) << "created " << created;
    EXPECT_LE(get_rest_json(port_, "/stats")["conferences"].get<int>(), 100);
    EXPECT_TRUE(healthy()) << diagnostics();
    auto metrics = http_request(port_, "GET", "/metrics");
    EXPECT_NE(metrics.body.find("jitsi_jicofo_conference_requests_rejected_total{cap=\"max_conferences\"} " +
                                std::to_string(refused.load()) + "\n"),
              std::string::npos)
        << metrics.body.substr(0, 400);
    const long peak = peak_rss_kib(jicofo_->pid());
    std::printf("peak RSS after 2000 distinct-room requests: %ld KiB (created %d, refused %d)\n", peak, created.load(),
                refused.load());
    EXPECT_GT(peak, 0);
    EXPECT_LT(peak, kPeakRssLimitKib);
}

TEST_F(RestFloodTest, FourHundredIdleSocketsDoNotMakeTheHealthCheckFail) {
    start("");  // the default jicofo.rest.max-connections (256)
    std::vector<int> idle;
    for (int i = 0; i < 400; ++i) {
        int fd = connect_loopback(port_);
        ASSERT_GE(fd, 0) << i;
        idle.push_back(fd);
    }
    std::this_thread::sleep_for(300ms);
    auto health = http_request(port_, "GET", "/about/health");
    EXPECT_EQ(health.status, 200) << health.body << diagnostics();
    auto metrics = http_request(port_, "GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    for (int fd : idle) {
        ::close(fd);
    }
}

TEST_F(RestFloodTest, SixteenConcurrentMegabyteBodiesKeepThePeakRssLow) {
    start("", "  max-body-bytes = 1048576\n");
    const long before = peak_rss_kib(jicofo_->pid());
    // Many tiny JSON values: the costliest shape for a parser that builds a tree.
    std::string body = R"({"room":"big@conference.meet.test","properties":{"x":[)";
    while (body.size() < 1024 * 1024 - 8) {
        body += "{},";
    }
    body += "{}]}}";
    std::atomic<int> refused{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < 16; ++t) {
        senders.emplace_back([&] {
            int fd = connect_loopback(port_);
            if (fd < 0) {
                return;
            }
            timeval timeout{10, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            const std::string request =
                "POST /conference-request/v1 HTTP/1.1\r\nHost: x\r\nContent-Type: "
                "application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
            std::size_t sent = 0;
            while (sent < request.size()) {
                auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) {
                    break;  // the server may refuse and close before the body is through
                }
                sent += static_cast<std::size_t>(n);
            }
            char answer[256] = {};
            auto got = ::recv(fd, answer, sizeof answer - 1, 0);
            if (got > 0 && std::string(answer).rfind("HTTP/1.1 413", 0) == 0) {
                ++refused;
            }
            ::close(fd);
        });
    }
    for (auto& sender : senders) {
        sender.join();
    }
    EXPECT_TRUE(healthy()) << diagnostics();
    const long peak = peak_rss_kib(jicofo_->pid());
    std::printf("peak RSS: %ld KiB before, %ld KiB after 16 concurrent 1 MiB bodies (%d answered 413)\n", before, peak,
                refused.load());
    EXPECT_GT(peak, 0);
    EXPECT_LT(peak, kPeakRssLimitKib);
    EXPECT_GE(refused, 1) << "the answers were lost, not refused";
}

}  // namespace
}  // namespace jicofo::testing
