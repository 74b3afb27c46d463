// Header/query lookups and target parsing (Boost.URL) for the transport-free request type.
#include "jicofo/rest/http.hpp"

#include "jicofo/core/text.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace jicofo::rest {
void Headers::set(std::string name, std::string value) {
    std::erase_if(fields_, [&](const auto& field) { return core::iequals_ascii(field.first, name); });
    add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [field, value] : fields_) {
        if (core::iequals_ascii(field, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
    for (const auto& [key, value] : params_) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

bool HttpRequest::set_target(std::string_view origin_form) {
    target = std::string(origin_form);
    path.clear();
    query = {};
    auto parsed = boost::urls::parse_origin_form(origin_form);
    if (!parsed) {
        return false;
    }
    path = std::string(parsed->path());
    // Form-encoded queries spell spaces as '+'.
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (auto param : parsed->params(opts)) {
        query.add(std::string(param.key), param.has_value ? std::string(param.value) : std::string());
    }
    return true;
}

HttpResponse HttpResponse::text(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

HttpResponse HttpResponse::json(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
}

}  // namespace jicofo::rest
