// The webhook HTTP client: one Beast session per POST (resolve, connect, TLS handshake for https, write, read) on a
// strand of its own, under one deadline for the whole attempt. The only translation unit that includes Beast.
#include "jicofo/webhooks/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <type_traits>

namespace jicofo::webhooks {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// A receiver's answer is read only for its status; anything longer than this is an error, not a reason to buffer.
constexpr std::uint64_t kMaxResponseBody = 64ULL * 1024;

template <bool Tls>
class Session : public std::enable_shared_from_this<Session<Tls>> {
public:
    using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

    Session(const asio::any_io_executor& executor, ssl::context* tls, PostRequest request,
            std::function<void(PostResult)> done)
        : strand_(asio::make_strand(executor)),
          resolver_(strand_),
          resolve_timer_(strand_),
          stream_(make_stream(strand_, tls)),
          url_(std::move(request.url)),
          deadline_(std::chrono::steady_clock::now() + request.timeout),
          done_(std::move(done)) {
        request_.method(http::verb::post);
        request_.target(url_.target);
        request_.version(11);
        const bool default_port = url_.port == (url_.tls ? 443 : 80);
        const bool ipv6 = url_.host.find(':') != std::string::npos;
        const std::string host = ipv6 ? "[" + url_.host + "]" : url_.host;
        request_.set(http::field::host, default_port ? host : host + ":" + std::to_string(url_.port));
        request_.set(http::field::user_agent, "jicofo-webhooks");
        request_.set(http::field::content_type, "application/json");
        request_.set(http::field::connection, "close");
        for (auto& [name, value] : request.headers) {
            request_.set(name, value);
        }
        request_.body() = *request.body;
        request_.prepare_payload();
        parser_.body_limit(kMaxResponseBody);
    }

    void start() {
        asio::dispatch(strand_, [self = this->shared_from_this()] { self->resolve(); });
    }

private:
    static Stream make_stream(const asio::strand<asio::any_io_executor>& strand, ssl::context* tls) {
        if constexpr (Tls) {
            return Stream(strand, *tls);
        } else {
            (void)tls;
            return Stream(strand);
        }
    }

    void resolve() {
        resolve_timer_.expires_at(deadline_);
        resolve_timer_.async_wait([self = this->shared_from_this()](beast::error_code error) {
            if (!error) {
                self->resolver_.cancel();  // the resolve handler then reports operation_aborted
            }
        });
        resolver_.async_resolve(
            url_.host, std::to_string(url_.port),
            [self = this->shared_from_this()](beast::error_code error, const tcp::resolver::results_type& results) {
                self->resolve_timer_.cancel();
                if (error) {
                    self->finish(0, "resolve: " + error.message());
                    return;
                }
                self->connect(results);
            });
    }

    void connect(const tcp::resolver::results_type& results) {
        auto& socket = beast::get_lowest_layer(stream_);
        socket.expires_at(deadline_);
        socket.async_connect(results, [self = this->shared_from_this()](beast::error_code error, const tcp::endpoint&) {
            if (error) {
                self->finish(0, "connect: " + error.message());
                return;
            }
            self->handshake();
        });
    }

    void handshake() {
        if constexpr (Tls) {
            // SNI, and the certificate must name the host we asked for.
            if (SSL_set_tlsext_host_name(stream_.native_handle(), url_.host.c_str()) != 1) {
                finish(0, "tls: cannot set the server name");
                return;
            }
            stream_.set_verify_callback(ssl::host_name_verification(url_.host));
            stream_.async_handshake(ssl::stream_base::client,
                                    [self = this->shared_from_this()](beast::error_code error) {
                                        if (error) {
                                            self->finish(0, "tls: " + error.message());
                                            return;
                                        }
                                        self->write();
                                    });
        } else {
            write();
        }
    }

    void write() {
        http::async_write(stream_, request_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
            if (error) {
                self->finish(0, "write: " + error.message());
                return;
            }
            self->read();
        });
    }

    void read() {
        http::async_read(stream_, buffer_, parser_,
                         [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                             if (error) {
                                 self->finish(0, "read: " + error.message());
                                 return;
                             }
                             const auto& response = self->parser_.get();
                             self->finish(response.result_int(), std::string(response.reason()));
                         });
    }

    void finish(int status, std::string why) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).close();
        if (auto done = std::move(done_)) {
            done_ = nullptr;
            done(PostResult{status, std::move(why)});
        }
    }

    asio::strand<asio::any_io_executor> strand_;
    tcp::resolver resolver_;
    asio::steady_timer resolve_timer_;
    Stream stream_;
    config::WebhookUrl url_;
    std::chrono::steady_clock::time_point deadline_;
    std::function<void(PostResult)> done_;
    http::request<http::string_body> request_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
};

class HttpTransport : public Transport {
public:
    explicit HttpTransport(const asio::any_io_executor& executor) : executor_(executor) {}

    void post(PostRequest request, std::function<void(PostResult)> done) override {
        if (request.url.tls) {
            if (!tls_) {
                tls_ = make_tls_context();
            }
            std::make_shared<Session<true>>(executor_, tls_.get(), std::move(request), std::move(done))->start();
        } else {
            std::make_shared<Session<false>>(executor_, nullptr, std::move(request), std::move(done))->start();
        }
    }

private:
    static std::shared_ptr<ssl::context> make_tls_context() {
        auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
        beast::error_code ignored;  // without system CAs every https attempt fails verification, and says so
        context->set_default_verify_paths(ignored);
        context->set_verify_mode(ssl::verify_peer);
        return context;
    }

    asio::any_io_executor executor_;
    // Made on first use; post() is called from the dispatcher's strand only. A session uses it only to make its
    // SSL object, which holds its own reference to the OpenSSL context.
    std::shared_ptr<ssl::context> tls_;
};

}  // namespace

std::shared_ptr<Transport> make_http_transport(const boost::asio::any_io_executor& executor) {
    return std::make_shared<HttpTransport>(executor);
}

}  // namespace jicofo::webhooks
