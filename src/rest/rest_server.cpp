// The REST listener (the module's only Beast translation unit): async accept on the shared io_context, one strand
// per connection, HTTP/1.1 keep-alive with one request in flight, timeouts, limits and shutdown by cancellation.
// At the connection cap the oldest idle connection makes room, so idle sockets cannot lock out the load balancer's
// health check; a connection over the cap is still served GET /about/health and GET /metrics.
#include "jicofo/rest/rest_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>

#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

namespace jicofo::rest {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;

namespace {

constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;
constexpr std::size_t kReadChunk = 4096;
// The read buffer holds headers and at most one read ahead; the body goes to the parser, not here.
constexpr std::size_t kBufferLimit = kHeaderLimit + std::size_t{64} * 1024;
// Connections over the cap get a 503; past this many of those at once, new ones are closed without an answer.
constexpr std::size_t kMaxRejecting = 64;
// After an error response, unread request bytes are drained briefly so closing does not reset the connection
// before the client has read the answer.
constexpr std::size_t kMaxDrainBytes = std::size_t{256} * 1024;
constexpr std::chrono::seconds kDrainTimeout{1};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

class Session;

class RestServer::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(net::io_context& io, RestSettings settings, Handler handler, BodyLimit body_limit,
         metrics::MetricsRegistry* metrics)
        : settings(std::move(settings)),
          handler(std::move(handler)),
          body_limit(std::move(body_limit)),
          logger(core::module_logger("rest")),
          evicted_(metrics ? &metrics->counter("rest_connections_evicted") : nullptr),
          rejected_(metrics ? &metrics->counter("rest_connections_rejected") : nullptr),
          io_(io),
          strand_(net::make_strand(io)),
          acceptor_(strand_),
          accept_retry_(strand_) {}

    core::Result<std::uint16_t, std::error_code> start();
    void stop();
    std::uint16_t port() const { return port_.load(); }
    std::size_t tracked_connections() const { return tracked_.load(); }
    // From a session's destructor (any thread): drops its entry at once. A weak_ptr to a make_shared object keeps
    // the object's whole storage allocated, so an entry left for later would hold a dead connection's buffers.
    void forget(std::uint64_t id);

    const RestSettings settings;
    const Handler handler;
    const BodyLimit body_limit;
    const std::shared_ptr<spdlog::logger> logger;
    std::atomic<std::size_t> active{0};     // sessions serving requests (counted against max_connections)
    std::atomic<std::size_t> rejecting{0};  // sessions answering 503 to connections over the cap

private:
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    // Closes the oldest connection that waits for a request; false if every connection is mid-request.
    bool evict_idle();

    prometheus::Counter* evicted_;
    prometheus::Counter* rejected_;
    net::io_context& io_;
    Strand strand_;  // owns the acceptor and sessions_
    tcp::acceptor acceptor_;
    net::steady_timer accept_retry_;
    std::atomic<std::uint16_t> port_{0};
    std::atomic<bool> stop_requested_{false};
    bool stopped_ = false;
    std::uint64_t next_id_ = 0;
    std::map<std::uint64_t, std::weak_ptr<Session>> sessions_;  // ordered by id: oldest first
    std::atomic<std::size_t> tracked_{0};                       // sessions_.size(), readable from any thread
};

// One HTTP connection. Every member is touched only on the connection's strand (the stream's executor).
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, std::shared_ptr<RestServer::Impl> server, std::uint64_t id, bool reject)
        : stream_(std::move(socket)),
          executor_(stream_.get_executor()),
          server_(std::move(server)),
          id_(id),
          reject_(reject) {
        beast::error_code ec;
        auto remote = stream_.socket().remote_endpoint(ec);
        remote_ = ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
    }

    ~Session() {
        (reject_ ? server_->rejecting : server_->active).fetch_sub(1);
        server_->forget(id_);
    }

    void start() {
        net::dispatch(executor_, [self = shared_from_this()] { self->wait_for_request(); });
    }

    // From the server's strand: claims the connection if it is waiting for a request (then the caller closes it).
    bool claim_if_idle() { return idle_.exchange(false); }

    // From the server's stop(): abort whatever is pending; a response still being prepared is dropped.
    void close_from_server() {
        net::post(executor_, [self = shared_from_this()] { self->close(); });
    }

private:
    // Between requests the connection may idle (idle_timeout); a new connection gets read_timeout to say something.
    void wait_for_request() {
        if (closed_) {
            return;
        }
        if (buffer_.size() > 0) {
            read_request();  // a pipelined request is already buffered
            return;
        }
        stream_.expires_after(first_request_ ? server_->settings.read_timeout : server_->settings.idle_timeout);
        idle_ = !reject_;
        stream_.async_read_some(buffer_.prepare(kReadChunk),
                                [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                                    self->idle_ = false;
                                    self->buffer_.commit(bytes);
                                    if (ec) {
                                        self->close();  // peer closed, idle timeout or stop()
                                        return;
                                    }
                                    self->read_request();
                                });
    }

    void read_request() {
        if (closed_) {
            return;
        }
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(server_->settings.max_body_bytes);
        body_limit_ = server_->settings.max_body_bytes;
        stream_.expires_after(server_->settings.read_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    // The route's body limit is known once the header is in: a declared length over it is refused before a byte
    // of the body is read, and a chunked body is cut off by the parser at the limit.
    void on_header(beast::error_code ec) {
        if (ec || closed_ || parser_->is_done()) {
            on_read(ec);
            return;
        }
        std::size_t limit = server_->settings.max_body_bytes;
        if (server_->body_limit) {
            HttpRequest probe;
            if (probe.set_target(parser_->get().target())) {
                limit = std::min(limit, server_->body_limit(parser_->get().method_string(), probe.path));
            }
        }
        if (parser_->content_length() && *parser_->content_length() > limit) {
            first_request_ = false;
            send_error(413, "Payload Too Large: the request body exceeds " + std::to_string(limit) + " bytes");
            return;
        }
        parser_->body_limit(limit);
        body_limit_ = limit;
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        first_request_ = false;
        if (closed_) {
            return;
        }
        if (ec == http::error::body_limit) {
            send_error(413, "Payload Too Large: the request body exceeds " + std::to_string(body_limit_) + " bytes");
            return;
        }
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            send_error(431, "Request Header Fields Too Large");
            return;
        }
        if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            send_error(400, "Bad Request: " + ec.message());
            return;
        }
        if (ec) {
            server_->logger->debug("closing connection remote={}: {}", remote_, ec.message());
            close();  // timeout, peer gone mid-request, or stop()
            return;
        }
        auto& message = parser_->get();
        HttpRequest request;
        request.method = std::string(message.method_string());
        request.keep_alive = message.keep_alive();
        for (const auto& field : message) {
            request.headers.add(std::string(field.name_string()), std::string(field.value()));
        }
        request.body = std::move(message.body());
        version_ = message.version();
        keep_alive_ = request.keep_alive;
        head_ = message.method() == http::verb::head;
        started_ = std::chrono::steady_clock::now();
        log_method_ = request.method;
        log_target_ = std::string(message.target());
        if (!request.set_target(message.target())) {
            send_error(400, "Bad Request: invalid request target");
            return;
        }
        if (reject_) {
            // The load balancer's probe and the scrape are answered even over the cap, then the connection closes.
            if (request.method == "GET" && (request.path == "/about/health" || request.path == "/metrics")) {
                keep_alive_ = false;
                invoke_handler(request);
                return;
            }
            send_error(503, "Service Unavailable: too many connections");
            return;
        }
        invoke_handler(request);
    }

    // "Accept now, answer later": the responder may run on any thread, any time; the answer is marshalled back
    // onto this strand. It holds the session so the answer can still be written (or dropped if closed meanwhile).
    void invoke_handler(const HttpRequest& request) {
        auto answered = std::make_shared<std::atomic<bool>>(false);
        Responder responder = [self = shared_from_this(), answered](HttpResponse response) {
            if (answered->exchange(true)) {
                self->server_->logger->warn("responder called more than once; ignored");
                return;
            }
            net::post(self->executor_,
                      [self, response = std::move(response)]() mutable { self->send(std::move(response), false); });
        };
        try {
            server_->handler(request, responder);
        } catch (const std::exception& e) {
            server_->logger->error("handler threw method={} target={}: {}", log_method_, log_target_, e.what());
            responder(HttpResponse::text(500, e.what()));
        } catch (...) {
            responder(HttpResponse::text(500, "Internal error"));
        }
    }

    void send_error(int status, std::string message) {
        log_method_ = log_method_.empty() ? "-" : log_method_;
        send(HttpResponse::text(status, std::move(message)), true);
    }

    void send(HttpResponse answer, bool close_after) {
        if (closed_) {
            server_->logger->debug("dropping response for a closed connection remote={} target={}", remote_,
                                   log_target_);
            return;
        }
        if (answer.status < 100 || answer.status > 999) {
            answer = HttpResponse::text(500, "Internal error: invalid status " + std::to_string(answer.status));
        }
        close_after_ = close_after || !keep_alive_;
        response_ = {};
        response_.version(version_ == 10 ? 10 : 11);
        response_.result(static_cast<unsigned>(answer.status));
        response_.set(http::field::server, "jicofo");
        response_.set(http::field::content_type, answer.content_type);
        for (const auto& [name, value] : answer.headers.fields()) {
            response_.set(name, value);
        }
        response_.keep_alive(!close_after_);
        response_.body() = std::move(answer.body);
        response_.prepare_payload();
        body_bytes_ = response_.body().size();
        if (head_) {
            response_.body().clear();  // Content-Length stays that of the GET answer
        }
        stream_.expires_after(server_->settings.read_timeout);
        http::async_write(stream_, response_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        server_->logger->debug(
            "{} {} {} {} {}B {}ms", remote_, log_method_, log_target_, response_.result_int(), body_bytes_,
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count());
        if (ec || closed_) {
            close();
            return;
        }
        if (close_after_) {
            close_gracefully();
            return;
        }
        log_method_.clear();
        log_target_.clear();
        wait_for_request();
    }

    void close_gracefully() {
        closed_ = true;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        drain();
    }

    void drain() {
        stream_.expires_after(kDrainTimeout);
        stream_.async_read_some(net::buffer(drain_buffer_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                                    self->drained_ += bytes;
                                    if (ec || self->drained_ > kMaxDrainBytes) {
                                        self->stream_.close();
                                        return;
                                    }
                                    self->drain();
                                });
    }

    void close() {
        closed_ = true;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    const net::any_io_executor executor_;
    const std::shared_ptr<RestServer::Impl> server_;
    const std::uint64_t id_;  // the server's key for this session
    const bool reject_;
    std::atomic<bool> idle_{false};  // waiting for the first byte of a request (evictable at the cap)
    std::size_t body_limit_ = 0;     // the current request's
    std::string remote_;
    beast::flat_buffer buffer_{kBufferLimit};
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::array<char, 4096> drain_buffer_{};
    std::size_t drained_ = 0;
    std::size_t body_bytes_ = 0;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool head_ = false;
    bool close_after_ = false;
    bool first_request_ = true;
    bool closed_ = false;
    std::chrono::steady_clock::time_point started_;
    std::string log_method_;
    std::string log_target_;
};

core::Result<std::uint16_t, std::error_code> RestServer::Impl::start() {
    if (stop_requested_) {
        return core::unexpected(std::make_error_code(std::errc::operation_canceled));
    }
    beast::error_code ec;
    tcp::endpoint endpoint;
    auto address = net::ip::make_address(settings.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, settings.port);
    } else {
        tcp::resolver resolver(io_);
        auto results = resolver.resolve(settings.host, std::to_string(settings.port), tcp::resolver::passive, ec);
        if (ec || results.empty()) {
            logger->error("cannot resolve rest host={}: {}", settings.host, ec ? ec.message() : "no address");
            return core::unexpected(ec ? std::error_code(ec) : std::make_error_code(std::errc::address_not_available));
        }
        endpoint = results.begin()->endpoint();
    }
    auto fail = [&](const char* step) -> core::Result<std::uint16_t, std::error_code> {
        logger->error("rest listener {} failed host={} port={}: {}", step, settings.host, settings.port, ec.message());
        beast::error_code ignored;
        acceptor_.close(ignored);
        return core::unexpected(std::error_code(ec));
    };
    if (acceptor_.open(endpoint.protocol(), ec)) {
        return fail("open");
    }
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec)) {
        return fail("set_option");
    }
    if (acceptor_.bind(endpoint, ec)) {
        return fail("bind");
    }
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) {
        return fail("listen");
    }
    auto local = acceptor_.local_endpoint(ec);
    if (ec) {
        return fail("local_endpoint");
    }
    port_ = local.port();
    logger->info("rest listening host={} port={} max_connections={}", settings.host, local.port(),
                 settings.max_connections);
    net::post(strand_, [self = shared_from_this()] { self->do_accept(); });
    return local.port();
}

void RestServer::Impl::do_accept() {
    if (stopped_) {
        return;
    }
    acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
        self->on_accept(ec, std::move(s));
    });
}

void RestServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == net::error::operation_aborted) {
        return;
    }
    if (ec) {
        // E.g. out of descriptors: back off instead of spinning.
        logger->warn("accept failed: {}", ec.message());
        accept_retry_.expires_after(kAcceptRetryDelay);
        accept_retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
            if (!wait_ec) {
                self->do_accept();
            }
        });
        return;
    }
    const bool reject = active.load() >= settings.max_connections && !evict_idle();
    if (reject && rejected_ != nullptr) {
        rejected_->Increment();
    }
    if (reject && rejecting.load() >= kMaxRejecting) {
        beast::error_code ignored;
        socket.close(ignored);
    } else {
        (reject ? rejecting : active).fetch_add(1);
        if (reject) {
            logger->warn("connection cap reached max_connections={}; answering 503", settings.max_connections);
        }
        auto session = std::make_shared<Session>(std::move(socket), shared_from_this(), ++next_id_, reject);
        sessions_.emplace(next_id_, session);
        tracked_ = sessions_.size();
        session->start();
    }
    do_accept();
}

bool RestServer::Impl::evict_idle() {
    for (auto& [id, weak] : sessions_) {
        auto session = weak.lock();
        if (session && session->claim_if_idle()) {
            session->close_from_server();
            if (evicted_ != nullptr) {
                evicted_->Increment();
            }
            logger->info("connection cap reached max_connections={}; closing the oldest idle connection",
                         settings.max_connections);
            return true;
        }
    }
    return false;
}

void RestServer::Impl::stop() {
    stop_requested_ = true;
    net::post(strand_, [self = shared_from_this()] {
        if (self->stopped_) {
            return;
        }
        self->stopped_ = true;
        beast::error_code ignored;
        self->acceptor_.cancel(ignored);
        self->acceptor_.close(ignored);
        self->accept_retry_.cancel();
        for (auto& [id, weak] : self->sessions_) {
            if (auto session = weak.lock()) {
                session->close_from_server();
            }
        }
        self->sessions_.clear();
        self->tracked_ = 0;
        self->logger->info("rest listener stopped");
    });
}

void RestServer::Impl::forget(std::uint64_t id) {
    net::post(strand_, [self = shared_from_this(), id] {
        self->sessions_.erase(id);
        self->tracked_ = self->sessions_.size();
    });
}

RestServer::RestServer(net::io_context& io, RestSettings settings, Handler handler, BodyLimit body_limit,
                       metrics::MetricsRegistry* metrics)
    : impl_(std::make_shared<Impl>(io, std::move(settings), std::move(handler), std::move(body_limit), metrics)) {}

RestServer::~RestServer() {
    stop();
}

core::Result<std::uint16_t, std::error_code> RestServer::start() {
    return impl_->start();
}

void RestServer::stop() {
    impl_->stop();
}

std::size_t RestServer::tracked_connections() const {
    return impl_->tracked_connections();
}

std::uint16_t RestServer::port() const {
    return impl_->port();
}

}  // namespace jicofo::rest
