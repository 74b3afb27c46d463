// The HTTP/1.1 listener for the REST API on the shared io_context. Beast stays in the .cpp (pimpl).
#pragma once

#include <cstdint>
#include <memory>
#include <system_error>

#include "jicofo/core/result.hpp"
#include "jicofo/rest/http.hpp"
#include "jicofo/rest/rest_settings.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio
namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics

namespace jicofo::rest {

class RestServer {
public:
    // Nothing happens until start(). The io_context is run by the application's threads. `body_limit` gives each
    // route's body limit (settings.max_body_bytes for all when unset, and the ceiling in any case); `metrics`, when
    // set, counts connections evicted or refused at the cap.
    RestServer(boost::asio::io_context& io, RestSettings settings, Handler handler, BodyLimit body_limit = {},
               metrics::MetricsRegistry* metrics = nullptr);
    RestServer(const RestServer&) = delete;
    RestServer& operator=(const RestServer&) = delete;
    ~RestServer();  // stop()

    // Binds and listens on host:port, then accepts asynchronously. Returns the bound port (useful with port 0),
    // or the error (e.g. address in use, bad host) as a value.
    core::Result<std::uint16_t, std::error_code> start();

    // Cancels the acceptor and closes every connection, asynchronously on their strands: afterwards the server
    // holds no work in the io_context, so run() returns once the rest of the application is done. Thread-safe.
    void stop();

    std::uint16_t port() const;
    // Connections the server keeps track of (to close them on stop()); a connection is forgotten when it ends.
    [[nodiscard]] std::size_t tracked_connections() const;

    class Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace jicofo::rest
