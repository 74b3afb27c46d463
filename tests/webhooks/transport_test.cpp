// The real HTTP client against a local server on a thread of the test: what goes on the wire, statuses, a refused
// connection, a server that never answers (the deadline), and an https server whose certificate nobody vouches
// for (refused: the client verifies against the system's CAs).
#include "jicofo/webhooks/transport.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <thread>

namespace jicofo::webhooks {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Accepts one connection, reads one request (head and Content-Length body), answers `response` unless it is
// empty (then it holds the connection open until the client gives up), and hands the request text over.
class OneShotServer {
public:
    explicit OneShotServer(std::string response)
        : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this, response = std::move(response)] {
            boost::system::error_code error;
            tcp::socket socket(io_);
            acceptor_.accept(socket, error);
            accepted_ = true;
            if (error) {
                request_.set_value("");
                return;
            }
            asio::streambuf buffer;
            asio::read_until(socket, buffer, "\r\n\r\n", error);
            std::string text(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
            const auto length_at = text.find("Content-Length: ");
            const auto head_end = text.find("\r\n\r\n") + 4;
            if (length_at != std::string::npos) {
                const auto length = std::stoul(text.substr(length_at + 16));
                if (text.size() < head_end + length) {
                    asio::read(socket, buffer, asio::transfer_exactly(head_end + length - text.size()), error);
                    text.assign(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
                }
            }
            request_.set_value(text);
            if (!response.empty()) {
                asio::write(socket, asio::buffer(response), error);
            } else {
                char byte = 0;
                socket.read_some(asio::buffer(&byte, 1), error);  // until the client closes
            }
        });
    }
    ~OneShotServer() {
        if (!accepted_) {
            // Nobody came (a failed test): a connection of our own ends the blocking accept. Closing the acceptor
            // from here would race with it.
            tcp::socket wake(wake_io_);
            boost::system::error_code ignored;
            wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
        }
        thread_.join();
    }
    [[nodiscard]] uint16_t port() const { return port_; }
    std::string request() { return request_.get_future().get(); }

private:
    asio::io_context io_;       // the server thread's
    asio::io_context wake_io_;  // the test thread's
    tcp::acceptor acceptor_;
    std::atomic<bool> accepted_ = false;
    uint16_t port_ = 0;
    std::promise<std::string> request_;
    std::thread thread_;
};

class TransportTest : public ::testing::Test {
protected:
    PostResult post(const std::string& url, std::chrono::milliseconds timeout = 2s) {
        PostRequest request;
        request.url = *config::parse_webhook_url(url);
        request.headers = {{"X-Jicofo-Event-Id", "e-1"}};
        request.body = std::make_shared<const std::string>(R"({"id":"e-1"})");
        request.timeout = timeout;
        std::optional<PostResult> result;
        transport->post(request, [&](PostResult r) { result = std::move(r); });
        io.run_for(timeout + 2s);
        EXPECT_TRUE(result.has_value()) << "no result";
        return result.value_or(PostResult{-1, "none"});
    }

    asio::io_context io;
    std::shared_ptr<Transport> transport = make_http_transport(io.get_executor());
};

TEST_F(TransportTest, PostsTheBodyWithItsHeadersAndReadsTheStatus) {
    OneShotServer server("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    const auto result = post("http://127.0.0.1:" + std::to_string(server.port()) + "/hook?x=1");
    EXPECT_EQ(result.status, 204);
    EXPECT_TRUE(result.delivered());
    const auto request = server.request();
    EXPECT_EQ(request.rfind("POST /hook?x=1 HTTP/1.1\r\n", 0), 0U) << request;
    EXPECT_NE(request.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("X-Jicofo-Event-Id: e-1\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("Content-Length: 12\r\n"), std::string::npos) << request;
    EXPECT_TRUE(request.ends_with("\r\n\r\n{\"id\":\"e-1\"}")) << request;
}

TEST_F(TransportTest, ANon2xxAnswerIsNotADelivery) {
    OneShotServer server("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nno");
    const auto result = post("http://127.0.0.1:" + std::to_string(server.port()) + "/");
    EXPECT_EQ(result.status, 500);
    EXPECT_FALSE(result.delivered());
}

TEST_F(TransportTest, ARefusedConnectionHasNoStatus) {
    uint16_t port = 0;
    {
        asio::io_context scratch;
        tcp::acceptor bound(scratch, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = bound.local_endpoint().port();
    }  // nothing listens there any more
    const auto result = post("http://127.0.0.1:" + std::to_string(port) + "/");
    EXPECT_EQ(result.status, 0);
    EXPECT_NE(result.error.find("connect"), std::string::npos) << result.error;
}

TEST_F(TransportTest, AServerThatNeverAnswersFailsAtTheDeadline) {
    OneShotServer server("");
    const auto started = std::chrono::steady_clock::now();
    const auto result = post("http://127.0.0.1:" + std::to_string(server.port()) + "/", 300ms);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(result.status, 0);
    EXPECT_NE(result.error.find("read"), std::string::npos) << result.error;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

TEST_F(TransportTest, HttpsRefusesAServerWithoutATrustedCertificate) {
    // A plain-text server: whatever it answers to a ClientHello, no certificate a CA signed comes back.
    OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    const auto result = post("https://127.0.0.1:" + std::to_string(server.port()) + "/", 1s);
    EXPECT_EQ(result.status, 0);
    EXPECT_NE(result.error.find("tls"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace jicofo::webhooks
