// libFuzzer target: what an HTTP client controls after Beast has framed the request: the method, the request
// target (percent-decoding, query parameters) and the headers, through the router with every route group on. The
// input's first line is "METHOD TARGET", the following lines "Name: value" headers, then an empty line and the body.
// Every request gets exactly one answer with a status the server can write; nothing may crash.
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/http.hpp"
#include "jicofo/rest/router.hpp"
#include "jicofo/rest/routes.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace jicofo;

rest::RouteHandler echo() {
    return [](const rest::HttpRequest& request, const rest::PathParams&, const rest::Responder& respond) {
        respond(rest::HttpResponse::text(200, request.path));
    };
}

const rest::Router& router() {
    static metrics::MetricsRegistry registry("fuzz");
    static rest::ServiceContext context{"fuzz", registry, nullptr, {}};
    static const rest::Router built = [] {
        auto& d = context.domain;
        for (auto* route : {&d.conference_request, &d.debug, &d.debug_conferences, &d.debug_conferences_full,
                            &d.debug_conference, &d.debug_xmpp_caps, &d.stats, &d.rtcstats, &d.pin_list, &d.pin_add,
                            &d.pin_remove, &d.move_endpoint, &d.move_endpoints, &d.move_fraction}) {
            *route = echo();
        }
        return rest::build_router(rest::RestSettings{}, context);
    }();
    return built;
}

std::string_view take_line(std::string_view& rest) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto request_line = take_line(input);
    const auto space = request_line.find(' ');
    rest::HttpRequest request;
    request.method = std::string(request_line.substr(0, space));
    const auto target = space == std::string_view::npos ? std::string_view() : request_line.substr(space + 1);
    if (!request.set_target(target)) {
        if (!request.path.empty()) {
            std::abort();  // an invalid target leaves no path behind
        }
        return 0;
    }
    for (auto line = take_line(input); !line.empty(); line = take_line(input)) {
        const auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            request.headers.add(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
        }
    }
    request.body = std::string(input);

    int answers = 0;
    router().dispatch(request, [&answers](const rest::HttpResponse& response) {
        ++answers;
        if (response.status < 100 || response.status > 599) {
            std::abort();
        }
    });
    // Every route here answers at once, so exactly one answer must have come.
    if (answers != 1) {
        std::abort();
    }
    return 0;
}
