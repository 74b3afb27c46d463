// RestServer over loopback sockets: round trip, keep-alive, pipelining, limits, timeouts, cap, stop, late answers.
#include "jicofo/rest/rest_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/routes.hpp"

namespace jicofo::rest {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kBound = 5s;  // every client operation; a hang fails instead of blocking CI

// A blocking-style client whose every operation is an async one with a deadline on its own io_context.
class Client {
public:
    explicit Client(std::uint16_t port) : stream_(io_) {
        stream_.expires_after(kBound);
        stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                              [this](beast::error_code ec) { error_ = ec; });
        run();
    }

    bool connected() const { return !error_ && stream_.socket().is_open(); }

    bool send(const std::string& raw) {
        stream_.expires_after(kBound);
        net::async_write(stream_, net::buffer(raw), [this](beast::error_code ec, std::size_t) { error_ = ec; });
        run();
        return !error_;
    }

    bool get(std::string_view target) {
        return send("GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    std::optional<http::response<http::string_body>> read() {
        http::response<http::string_body> response;
        stream_.expires_after(kBound);
        http::async_read(stream_, buffer_, response, [this](beast::error_code ec, std::size_t) { error_ = ec; });
        run();
        if (error_) {
            return std::nullopt;
        }
        return response;
    }

    // Reads a response to HEAD: header only.
    std::optional<http::response<http::empty_body>> read_head() {
        http::response_parser<http::empty_body> parser;
        parser.skip(true);
        stream_.expires_after(kBound);
        http::async_read(stream_, buffer_, parser, [this](beast::error_code ec, std::size_t) { error_ = ec; });
        run();
        if (error_) {
            return std::nullopt;
        }
        return parser.release();
    }

    // True if the server closes the connection (EOF or reset) within `bound`, without sending anything more.
    bool closed_by_server(std::chrono::steady_clock::duration bound = kBound) {
        std::array<char, 256> scratch{};
        stream_.expires_after(bound);
        std::size_t got = 0;
        stream_.async_read_some(net::buffer(scratch), [&](beast::error_code ec, std::size_t n) {
            error_ = ec;
            got = n;
        });
        run();
        return got == 0 && error_ && error_ != beast::error::timeout;
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    beast::error_code error() const { return error_; }

private:
    void run() {
        io_.restart();
        io_.run();
    }

    net::io_context io_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    beast::error_code error_;
};

// The server on its own io_context run by two threads that stop by themselves once the server is stopped.
class RestServerTest : public ::testing::Test {
protected:
    void start(RestSettings settings, Handler handler, BodyLimit body_limit = {}) {
        settings.host = "127.0.0.1";
        settings.port = 0;
        server_ = std::make_unique<RestServer>(io_, settings, std::move(handler), std::move(body_limit), &registry_);
        auto bound = server_->start();
        ASSERT_TRUE(bound.has_value()) << bound.error().message();
        port_ = *bound;
        ASSERT_NE(port_, 0);
        EXPECT_EQ(server_->port(), port_);
        for (int i = 0; i < 2; ++i) {
            runners_.push_back(std::async(std::launch::async, [this] { io_.run(); }));
        }
    }

    void start_default(RestSettings settings = {}) {
        ServiceContext context{"1.0-test", registry_, nullptr};
        auto [handler, limits] = build_router(settings, context).into_handler_and_limits();
        start(settings, std::move(handler), std::move(limits));
    }

    double counter(const std::string& name) {
        auto json = nlohmann::json::parse(metrics_response(registry_, "application/json").body);
        return json.contains(name) ? json.at(name).get<double>() : 0.0;
    }

    // Waits (bounded) until the server tracks `count` connections.
    bool tracking(std::size_t count) {
        for (int i = 0; i < 500 && server_->tracked_connections() != count; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        return server_->tracked_connections() == count;
    }

    // Stops the server and requires io_context::run() to return on every thread within the bound.
    bool stop_and_wait() {
        if (server_) {
            server_->stop();
        }
        bool returned = true;
        for (auto& runner : runners_) {
            returned = returned && runner.wait_for(kBound) == std::future_status::ready;
        }
        if (!returned) {
            io_.stop();
        }
        for (auto& runner : runners_) {
            runner.wait();
        }
        runners_.clear();
        return returned;
    }

    void TearDown() override { stop_and_wait(); }

    net::io_context io_;
    metrics::MetricsRegistry registry_{"1.0-test"};
    std::unique_ptr<RestServer> server_;
    std::vector<std::future<void>> runners_;
    std::uint16_t port_ = 0;
};

TEST_F(RestServerTest, GetRoundTrip) {
    start_default();
    Client client(port_);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.get("/about/version"));
    auto response = client.read();
    ASSERT_TRUE(response) << client.error().message();
    EXPECT_EQ(response->result_int(), 200);
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
    EXPECT_EQ(response->body(), R"({"name":"JiCoFo","version":"1.0-test","os":"Linux"})");
}

TEST_F(RestServerTest, MetricsOverTheWire) {
    start_default();
    Client client(port_);
    ASSERT_TRUE(client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"));
    auto response = client.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200);
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
    EXPECT_NE(response->body().find("\"threads\""), std::string::npos);
}

TEST_F(RestServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    start_default();
    Client client(port_);
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(client.get("/about/version"));
        auto response = client.read();
        ASSERT_TRUE(response) << "request " << i << ": " << client.error().message();
        EXPECT_EQ(response->result_int(), 200);
        EXPECT_TRUE(response->keep_alive());
    }
}

TEST_F(RestServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start_default();
    Client client(port_);
    ASSERT_TRUE(client.send("GET /about/version HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto first = client.read();
    auto second = client.read();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->result_int(), 200);
    EXPECT_EQ(second->result_int(), 404);
    EXPECT_EQ(second->body(), "Not Found");
}

TEST_F(RestServerTest, HeadHasLengthButNoBody) {
    start_default();
    Client client(port_);
    ASSERT_TRUE(client.send("HEAD /about/version HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto head = client.read_head();
    ASSERT_TRUE(head) << client.error().message();
    EXPECT_EQ(head->result_int(), 200);
    EXPECT_EQ((*head)[http::field::content_length], "51");  // the GET body's length
    // No body was sent: the next bytes are the second answer's status line.
    auto next = client.read();
    ASSERT_TRUE(next) << client.error().message();
    EXPECT_EQ(next->result_int(), 404);
}

TEST_F(RestServerTest, BodyOverLimitIs413AndCloses) {
    RestSettings settings;
    settings.max_body_bytes = 16;
    start_default(settings);
    Client client(port_);
    ASSERT_TRUE(client.send("POST /about/version HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
    auto response = client.read();
    ASSERT_TRUE(response) << client.error().message();
    EXPECT_EQ(response->result_int(), 413);
    EXPECT_EQ(response->body(), "Payload Too Large: the request body exceeds 16 bytes");
    EXPECT_FALSE(response->keep_alive());
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(RestServerTest, GarbageIs400AndCloses) {
    start_default();
    Client client(port_);
    ASSERT_TRUE(client.send("THIS IS NOT HTTP\r\n\r\n"));
    auto response = client.read();
    ASSERT_TRUE(response) << client.error().message();
    EXPECT_EQ(response->result_int(), 400);
    EXPECT_EQ(response->body().rfind("Bad Request", 0), 0u) << response->body();
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(RestServerTest, IdleKeepAliveConnectionIsClosed) {
    RestSettings settings;
    settings.idle_timeout = 100ms;
    start_default(settings);
    Client client(port_);
    ASSERT_TRUE(client.get("/about/version"));
    ASSERT_TRUE(client.read());
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
}

TEST_F(RestServerTest, SilentNewConnectionIsClosedAfterReadTimeout) {
    RestSettings settings;
    settings.read_timeout = 100ms;
    start_default(settings);
    Client client(port_);
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(RestServerTest, ConnectionsOverTheCapGet503) {
    RestSettings settings;
    settings.max_connections = 1;
    start_default(settings);
    Client first(port_);
    ASSERT_TRUE(first.send("GET /about/version HTTP/1.1\r\n"));  // mid-request: busy, not evictable
    ASSERT_TRUE(tracking(1));
    // A tracked connection counts as idle (evictable) until the server's first read of it completes, which nothing
    // outside the server can observe; under a slow sanitizer build the second connection could otherwise arrive first
    // and evict it.
    std::this_thread::sleep_for(300ms);

    Client second(port_);
    ASSERT_TRUE(second.get("/about/version"));
    auto rejected = second.read();
    ASSERT_TRUE(rejected) << second.error().message();
    EXPECT_EQ(rejected->result_int(), 503);
    EXPECT_EQ(rejected->body(), "Service Unavailable: too many connections");
    EXPECT_TRUE(second.closed_by_server());
    EXPECT_EQ(counter("rest_connections_rejected_total"), 1.0);

    // The scrape is still answered over the cap (and so is /about/health), then the connection closes.
    Client scrape(port_);
    ASSERT_TRUE(scrape.get("/metrics"));
    auto metrics = scrape.read();
    ASSERT_TRUE(metrics) << scrape.error().message();
    EXPECT_EQ(metrics->result_int(), 200);
    EXPECT_TRUE(scrape.closed_by_server());

    // Once the first connection goes, a new one is served again.
    first.close();
    bool served = false;
    for (int i = 0; i < 200 && !served; ++i) {
        Client next(port_);
        if (next.get("/about/version")) {
            auto response = next.read();
            served = response && response->result_int() == 200;
        }
        if (!served) {
            std::this_thread::sleep_for(10ms);
        }
    }
    EXPECT_TRUE(served);
}

TEST_F(RestServerTest, AtTheCapTheOldestIdleConnectionMakesRoom) {
    RestSettings settings;
    settings.max_connections = 3;
    start_default(settings);
    Client oldest(port_);  // connected, says nothing
    ASSERT_TRUE(tracking(1));
    Client kept_alive(port_);
    ASSERT_TRUE(kept_alive.get("/about/version"));
    ASSERT_TRUE(kept_alive.read());
    Client busy(port_);
    ASSERT_TRUE(busy.send("GET /about/version HTTP/1.1\r\n"));
    ASSERT_TRUE(tracking(3));

    Client newcomer(port_);
    ASSERT_TRUE(newcomer.get("/about/version"));
    auto response = newcomer.read();
    ASSERT_TRUE(response) << newcomer.error().message();
    EXPECT_EQ(response->result_int(), 200);
    EXPECT_TRUE(oldest.closed_by_server());
    EXPECT_EQ(counter("rest_connections_evicted_total"), 1.0);
    EXPECT_EQ(counter("rest_connections_rejected_total"), 0.0);
    // The busy connection was not touched: it can finish its request.
    ASSERT_TRUE(busy.send("Host: x\r\n\r\n"));
    auto finished = busy.read();
    ASSERT_TRUE(finished) << busy.error().message();
    EXPECT_EQ(finished->result_int(), 200);
}

// A flood of idle sockets (more than the cap plus the 503 backlog) must not make the load balancer's probe fail.
TEST_F(RestServerTest, FourHundredIdleSocketsDoNotLockOutTheProbe) {
    RestSettings settings;
    settings.max_connections = 256;  // the configured default
    start_default(settings);
    net::io_context flood_io;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 400; ++i) {
        tcp::socket socket(flood_io);
        beast::error_code ec;
        socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
        ASSERT_FALSE(ec) << i << ": " << ec.message();
        idle.push_back(std::move(socket));
    }
    std::this_thread::sleep_for(200ms);  // let the server accept them all
    for (const char* target : {"/metrics", "/about/version"}) {
        Client probe(port_);
        ASSERT_TRUE(probe.get(target)) << target;
        auto response = probe.read();
        ASSERT_TRUE(response) << target << ": " << probe.error().message();
        EXPECT_EQ(response->result_int(), 200) << target;
    }
    EXPECT_GE(counter("rest_connections_evicted_total"), 144.0);
    EXPECT_LE(server_->tracked_connections(), 256U + 2U);
}

// A route's own body limit is applied to the declared length before any of the body is read.
TEST_F(RestServerTest, RouteBodyLimitRefusesADeclaredLengthBeforeTheBody) {
    Router router;
    router.post(
        "/small",
        [](const HttpRequest& r, const PathParams&, const Responder& respond) {
            respond(HttpResponse::text(200, std::to_string(r.body.size())));
        },
        64);
    router.post("/nobody", [](const HttpRequest&, const PathParams&, const Responder& respond) {
        respond(HttpResponse::text(200, "ok"));
    });
    auto [handler, limits] = std::move(router).into_handler_and_limits();
    start(RestSettings{}, std::move(handler), std::move(limits));

    Client declared(port_);
    ASSERT_TRUE(declared.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"));
    auto refused = declared.read();  // answered without sending a byte of the megabyte
    ASSERT_TRUE(refused) << declared.error().message();
    EXPECT_EQ(refused->result_int(), 413);
    EXPECT_EQ(refused->body(), "Payload Too Large: the request body exceeds 64 bytes");

    Client chunked(port_);
    std::string chunk(100, 'x');
    ASSERT_TRUE(chunked.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + chunk +
                             "\r\n0\r\n\r\n"));
    auto cut = chunked.read();
    ASSERT_TRUE(cut) << chunked.error().message();
    EXPECT_EQ(cut->result_int(), 413);

    Client fits(port_);
    ASSERT_TRUE(fits.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n" + std::string(64, 'y')));
    auto ok = fits.read();
    ASSERT_TRUE(ok) << fits.error().message();
    EXPECT_EQ(ok->body(), "64");

    Client stray(port_);
    ASSERT_TRUE(stray.send("POST /nobody HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n"));
    auto no_body = stray.read();
    ASSERT_TRUE(no_body) << stray.error().message();
    EXPECT_EQ(no_body->result_int(), 413);
}

// A connection that ends is forgotten at once: the server's entry for it would otherwise keep the dead session's
// storage (its buffers are inline) allocated until some later clean-up.
TEST_F(RestServerTest, EndedConnectionsAreForgotten) {
    start_default();
    {
        Client open(port_);
        ASSERT_TRUE(open.get("/about/version"));
        ASSERT_TRUE(open.read());
        EXPECT_EQ(server_->tracked_connections(), 1U);
        for (int i = 0; i < 100; ++i) {
            Client client(port_);
            ASSERT_TRUE(client.get("/about/health"));
            ASSERT_TRUE(client.read());
        }
        // The server sees each close in its own time: wait until only the open connection is left.
        for (int i = 0; i < 200 && server_->tracked_connections() != 1; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        EXPECT_EQ(server_->tracked_connections(), 1U);
    }
    for (int i = 0; i < 200 && server_->tracked_connections() != 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(server_->tracked_connections(), 0U);
}

TEST_F(RestServerTest, StopClosesLiveConnectionsAndRunReturns) {
    start_default();
    Client idle(port_);
    ASSERT_TRUE(idle.get("/about/version"));
    ASSERT_TRUE(idle.read());  // kept alive, waiting for the next request
    Client silent(port_);      // connected, nothing sent yet
    ASSERT_TRUE(silent.connected());
    EXPECT_TRUE(stop_and_wait()) << "io_context::run() did not return after stop()";
    EXPECT_TRUE(idle.closed_by_server());
    EXPECT_TRUE(silent.closed_by_server());
}

TEST_F(RestServerTest, AnswerFromAnotherThreadLater) {
    start({}, [](const HttpRequest& request, Responder respond) {
        std::thread([respond = std::move(respond), path = request.path] {
            std::this_thread::sleep_for(20ms);
            respond(HttpResponse::text(202, "later " + path));
        }).detach();
    });
    Client client(port_);
    ASSERT_TRUE(client.get("/conference-request/v1"));
    auto response = client.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 202);
    EXPECT_EQ(response->body(), "later /conference-request/v1");
}

TEST_F(RestServerTest, LateResponderAfterClientLeftIsDropped) {
    std::mutex mutex;
    std::vector<Responder> parked;
    std::promise<void> got_request;
    auto got = got_request.get_future();
    start({}, [&](const HttpRequest& request, Responder respond) {
        if (request.path == "/park") {
            std::lock_guard lock(mutex);
            parked.push_back(std::move(respond));
            got_request.set_value();
            return;
        }
        respond(HttpResponse::text(200, "fine"));
    });
    {
        Client leaving(port_);
        ASSERT_TRUE(leaving.get("/park"));
        ASSERT_EQ(got.wait_for(kBound), std::future_status::ready);
        leaving.close();
    }
    std::this_thread::sleep_for(20ms);
    {
        std::lock_guard lock(mutex);
        ASSERT_EQ(parked.size(), 1u);
        parked[0](HttpResponse::text(200, "too late"));
        parked[0](HttpResponse::text(200, "twice"));  // a second call is ignored
        parked.clear();
    }
    Client next(port_);
    ASSERT_TRUE(next.get("/other"));
    auto response = next.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "fine");
}

TEST_F(RestServerTest, DroppedResponderClosesTheConnection) {
    start({}, [](const HttpRequest&, Responder) {});  // never answers
    Client client(port_);
    ASSERT_TRUE(client.get("/x"));
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(RestServerTest, AddressInUseIsReturnedAsAValue) {
    start_default();
    RestSettings settings;
    settings.host = "127.0.0.1";
    settings.port = port_;
    RestServer second(io_, settings, [](const HttpRequest&, Responder respond) { respond(HttpResponse{}); });
    auto result = second.start();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error(), std::errc::address_in_use);
}

TEST_F(RestServerTest, BadHostIsReturnedAsAValue) {
    RestSettings settings;
    settings.host = "203.0.113.77";  // TEST-NET-3: not an address of this machine
    settings.port = 0;
    RestServer server(io_, settings, [](const HttpRequest&, Responder respond) { respond(HttpResponse{}); });
    auto result = server.start();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error(), std::errc::address_not_available);
}

}  // namespace
}  // namespace jicofo::rest
