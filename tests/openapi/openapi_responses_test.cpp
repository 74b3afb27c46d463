// The binary's answers against docs/openapi.yaml: with Prosody, an emulated bridge and two participants in a
// conference, every GET route is called (and the POST routes with valid and invalid bodies); each exchange is
// recorded and tests/openapi/openapi_check.py validates its status, media type and body against the document's
// schemas, and that no documented GET route was left out. Two more cases fill the parts of /debug and /stats that
// need emulated Jibris or a Jigasi in their breweries.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "integration/jigasi_fixture.hpp"
#include "integration/media_session_fixture.hpp"
#include "integration/recording_fixture.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;
constexpr const char* kAllowedOrigin = "https://meet.example.com";

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string header_value(const std::string& head, const std::string& name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + name.size() + 3;
    auto value = head.substr(start, head.find("\r\n", start) - start);
    value.erase(0, value.find_first_not_of(' '));
    return value;
}

// Sends requests to the binary, records each exchange and has the validator check them against the document.
class ExchangeRecorder {
public:
    ExchangeRecorder(uint16_t port, std::filesystem::path directory) : port_(port), directory_(std::move(directory)) {}

    // Sends the request (a body is sent as application/json unless the headers say otherwise) and records it.
    HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                   Headers headers = {}) {
        if (!body.empty() && std::none_of(headers.begin(), headers.end(),
                                          [](const auto& header) { return header.first == "Content-Type"; })) {
            headers.emplace_back("Content-Type", "application/json");
        }
        auto reply = http_request(port_, method, target, body, headers);
        EXPECT_NE(reply.status, 0) << method << " " << target << " got no answer";
        exchanges_.push_back({{"method", method},
                              {"target", target},
                              {"status", reply.status},
                              {"content_type", header_value(reply.head, "content-type")},
                              {"body", reply.body}});
        return reply;
    }

    // Runs the validator over what was recorded (`every_get`: and fails for a documented GET route not called);
    // its report on failure.
    void validate(bool every_get) const {
        const auto exchanges_file = directory_ / "openapi-exchanges.json";
        const auto report_file = directory_ / "openapi-report.txt";
        {
            std::ofstream out(exchanges_file);
            out << nlohmann::json(exchanges_).dump(1);
        }
        std::vector<std::string> command{"/usr/bin/python3", (kSourceDir / "tests/openapi/openapi_check.py").string(),
                                         "responses", (kSourceDir / "docs/openapi.yaml").string(),
                                         exchanges_file.string()};
        if (!every_get) {
            command.emplace_back("--partial");
        }
        const auto exit_code = run_command(command, report_file, std::chrono::seconds(60));
        ASSERT_TRUE(exit_code) << exit_code.error();
        EXPECT_EQ(*exit_code, 0) << read_file_text(report_file);
    }

private:
    uint16_t port_;
    std::filesystem::path directory_;
    nlohmann::json exchanges_ = nlohmann::json::array();
};

// A fixture of the binary whose requests are recorded for the validator.
template <typename Fixture>
class Recorded : public Fixture {
protected:
    HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                   Headers headers = {}) {
        return recorder().call(method, target, body, std::move(headers));
    }
    // Made on first use: the port and the directory are known once the fixture is set up.
    ExchangeRecorder& recorder() {
        if (!recorder_) {
            recorder_.emplace(this->port_, this->prosody_->directory());
        }
        return *recorder_;
    }

private:
    std::optional<ExchangeRecorder> recorder_;
};

// The media fixture (Prosody, the binary, an emulated bridge, emulated participants) with health checks on, an
// allowed browser origin and a webhook URL, so that every route group and every optional section is served.
class OpenApiResponsesTest : public Recorded<MediaSessionTest> {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        // A webhook URL where nothing listens: /stats and /debug then have their webhooks sections.
        return std::string("  health { enabled = true, interval = 500 ms }\n") + "  rest.allowed-origins = [\"" +
               kAllowedOrigin + "\"]\n" + "  webhooks { urls = [\"http://127.0.0.1:9/hook\"], secret = \"s\" }\n";
    }
};

TEST_F(OpenApiResponsesTest, EveryRouteAnswersAsDocumented) {
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    // The conference runs media on jvb1 with both participants, so /debug and /rtcstats have every nested part.
    ASSERT_TRUE(poll(
        [&] {
            const auto state = rest_json("/debug/conference/" + room_);
            return state.value("participants", nlohmann::json::object()).size() == 2 && state.contains("media");
        },
        kSessionTimeout))
        << diagnostics();
    // Healthy once a run has seen the bridge, the test conference and the ping (a 503 would be valid too, but the
    // 200 body is the one worth checking).
    EXPECT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, kSessionTimeout))
        << http_request(port_, "GET", "/about/health").body << diagnostics();

    call("GET", "/about/version");
    call("GET", "/about/health");
    call("GET", "/metrics");
    call("GET", "/metrics", "", {{"Accept", "application/openmetrics-text"}});
    EXPECT_EQ(call("GET", "/metrics", "", {{"Accept", "application/json"}}).status, 200);
    EXPECT_EQ(call("GET", "/metrics", "", {{"Accept", "image/png"}}).status, 406);

    EXPECT_EQ(call("GET", "/debug").status, 200);
    call("GET", "/debug?full=true");
    call("GET", "/debug/conferences");
    call("GET", "/debug/conferences-full");
    call("GET", "/debug/conference/" + room_);
    EXPECT_EQ(call("GET", "/debug/conference/nobody@" + prosody_->muc_domain()).body, "{}");
    EXPECT_EQ(call("GET", "/debug/conference/a@b@c").status, 400);
    call("GET", "/debug/xmpp-caps");
    call("GET", "/stats");
    EXPECT_EQ(call("GET", "/rtcstats").status, 200);

    // Conference requests: the running room, then what is refused.
    const nlohmann::json request = {{"room", room_}};
    const auto answer = call("POST", "/conference-request/v1", request.dump());
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(call("POST", "/conference-request/v1", "[1]").status, 400);
    EXPECT_EQ(call("POST", "/conference-request/v1", R"({"room":"a@b@c"})").status, 400);
    EXPECT_EQ(call("POST", "/conference-request/v1", R"({"room":"room@elsewhere.test"})").status, 403);
    EXPECT_EQ(call("POST", "/conference-request/v1", request.dump(), {{"Content-Type", "text/plain"}}).status, 415);
    EXPECT_EQ(call("POST", "/conference-request/v1", request.dump(), {{"Origin", "https://evil.test"}}).status, 403);
    EXPECT_EQ(call("OPTIONS", "/conference-request/v1", "", {{"Origin", kAllowedOrigin}}).status, 200);
    EXPECT_EQ(call("OPTIONS", "/conference-request/v1", "", {{"Origin", "https://evil.test"}}).status, 403);

    // Pins: empty, one added (listed), refused bodies, removed.
    call("GET", "/pin");
    const nlohmann::json pin = {{"conferenceId", room_}, {"jvbVersion", "2.3-1-gabcdef"}, {"durationMinutes", 5}};
    EXPECT_EQ(call("POST", "/pin", pin.dump()).status, 200);
    EXPECT_EQ(call("GET", "/pin").status, 200);
    EXPECT_EQ(call("POST", "/pin", R"({"conferenceId":")" + room_ + R"("})").status, 400);
    EXPECT_EQ(call("POST", "/pin", pin.dump(), {{"Content-Type", "text/plain"}}).status, 415);
    EXPECT_EQ(call("POST", "/pin/remove", R"({})").status, 400);
    EXPECT_EQ(call("POST", "/pin/remove", R"({"conferenceId":")" + room_ + R"("})").status, 200);

    // Moves that move nobody (the session stays as it is), and the refusals.
    const std::string conference = "conference=" + room_;
    EXPECT_EQ(call("POST", "/move-endpoints/move-endpoint?" + conference + "&endpoint=nobody").status, 200);
    EXPECT_EQ(call("GET", "/move-endpoints/move-endpoint?" + conference + "&endpoint=nobody").status, 200);
    EXPECT_EQ(call("POST", "/move-endpoints/move-endpoint?endpoint=nobody").status, 400);
    EXPECT_EQ(call("POST", "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=0").status, 200);
    EXPECT_EQ(call("GET", "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=0").status, 200);
    EXPECT_EQ(call("POST", "/move-endpoints/move-endpoints?bridge=nobody").status, 404);
    EXPECT_EQ(call("POST", "/move-endpoints/move-fraction?bridge=jvb1&fraction=0").status, 200);
    EXPECT_EQ(call("GET", "/move-endpoints/move-fraction?bridge=jvb1&fraction=0").status, 200);
    EXPECT_EQ(call("POST", "/move-endpoints/move-fraction?bridge=jvb1&fraction=2").status, 400);
    EXPECT_EQ(
        call("GET", "/move-endpoints/move-fraction?bridge=jvb1&fraction=0", "", {{"Sec-Fetch-Site", "cross-site"}})
            .status,
        403);

    // The status page, and a drain started and cancelled (the last calls: while draining, new rooms are refused).
    EXPECT_EQ(call("GET", "/status").status, 200);
    EXPECT_EQ(call("GET", "/").status, 302);
    EXPECT_EQ(call("GET", "/drain").status, 200);
    EXPECT_EQ(call("POST", "/drain", R"({"deadline-seconds":0})").status, 400);
    EXPECT_EQ(call("POST", "/drain", R"({"reason":"check"})", {{"Origin", "https://evil.test"}}).status, 403);
    EXPECT_EQ(call("POST", "/drain", R"({"reason":"check","deadline-seconds":600})").status, 200);
    EXPECT_EQ(call("GET", "/drain").status, 200);
    EXPECT_EQ(call("POST", "/conference-request/v1", R"({"room":"new@)" + prosody_->muc_domain() + R"("})").status,
              503);
    EXPECT_EQ(call("DELETE", "/drain").status, 200);

    recorder().validate(true);
}

// /debug's Jibri detectors (null in the media fixture) with an emulated Jibri in the recorder and the SIP brewery.
class OpenApiJibriTest : public Recorded<RecordingTest> {};

TEST_F(OpenApiJibriTest, JibriDetectorsAnswerAsDocumented) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    sip_jibri_ = start_jibri("sipjibri1", sip_brewery(), "sip_jibri_detector");
    ASSERT_TRUE(sip_jibri_);
    const auto debug = nlohmann::json::parse(call("GET", "/debug").body, nullptr, false);
    ASSERT_TRUE(debug.is_object());
    EXPECT_TRUE(debug["jibri_detector"].is_object()) << debug.dump();
    EXPECT_TRUE(debug["sip_jibri_detector"].is_object()) << debug.dump();
    call("GET", "/stats");
    recorder().validate(false);
}

// /debug's Jigasi detector and /stats' jigasi_detector with an emulated Jigasi in the brewery.
class OpenApiJigasiTest : public Recorded<JigasiTest> {};

TEST_F(OpenApiJigasiTest, JigasiDetectorAnswersAsDocumented) {
    jigasi1_ = start_jigasi("jigasi1", {{"participants", 1}});
    ASSERT_TRUE(jigasi1_);
    const auto debug = nlohmann::json::parse(call("GET", "/debug").body, nullptr, false);
    ASSERT_TRUE(debug.is_object());
    EXPECT_TRUE(debug["jigasi_detector"].is_object()) << debug.dump();
    const auto stats = nlohmann::json::parse(call("GET", "/stats").body, nullptr, false);
    EXPECT_TRUE(stats.contains("jigasi_detector")) << stats.dump();
    recorder().validate(false);
}

}  // namespace
}  // namespace jicofo::testing
