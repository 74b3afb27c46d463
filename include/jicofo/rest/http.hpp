// Transport-free HTTP request/response values and the handler signature shared by the router and the server.
// No Beast or Asio here: handlers are tested as plain functions.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jicofo::rest {

// Header fields in arrival order; lookups ignore case, as HTTP requires.
class Headers {
public:
    void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
    // Replaces every field called `name`.
    void set(std::string name, std::string value);
    // The first field called `name`.
    std::optional<std::string_view> get(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// Decoded query parameters in order ("a=1&a=2" keeps both).
class QueryParams {
public:
    void add(std::string name, std::string value) { params_.emplace_back(std::move(name), std::move(value)); }
    std::optional<std::string_view> get(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

struct HttpRequest {
    std::string method;  // as sent, e.g. "GET"
    std::string target;  // as sent, e.g. "/debug/conference/room%40conf.example.com?full=true"
    std::string path;    // percent-decoded path, e.g. "/debug/conference/room@conf.example.com"
    QueryParams query;
    Headers headers;
    std::string body;
    bool keep_alive = true;

    // Fills target, path and query from an origin-form target. Returns false (and leaves path empty) if invalid.
    bool set_target(std::string_view origin_form);
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    Headers headers;  // extra fields, e.g. Allow
    std::string body;

    static HttpResponse text(int status, std::string body);
    static HttpResponse json(int status, std::string body);
};

// Answers one request. Call exactly once, from any thread, now or later ("accept now, answer later").
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(const HttpRequest&, Responder)>;
// The body limit for a request, from its method and decoded path; asked once the header is in, before the body.
using BodyLimit = std::function<std::size_t(std::string_view method, std::string_view path)>;

}  // namespace jicofo::rest
