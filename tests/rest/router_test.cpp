// Router and request parsing: matching, typed parameters, the route list, 404, 405 + Allow, HEAD, handler
// exceptions.
#include "jicofo/rest/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace jicofo::rest {
namespace {

HttpRequest request(std::string method, std::string_view target) {
    HttpRequest r;
    r.method = std::move(method);
    EXPECT_TRUE(r.set_target(target));
    return r;
}

// Dispatches and returns the answer, which these synchronous handlers give before dispatch returns.
HttpResponse call(const Router& router, const HttpRequest& r) {
    std::optional<HttpResponse> answer;
    router.dispatch(r, [&](HttpResponse response) { answer = std::move(response); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(HttpResponse{});
}

RouteHandler answer_with(std::string body) {
    return [body](const HttpRequest&, const PathParams&, Responder respond) { respond(HttpResponse::text(200, body)); };
}

TEST(HttpRequestTest, TargetIsSplitAndDecoded) {
    HttpRequest r;
    ASSERT_TRUE(r.set_target("/debug/conference/room%40conf.example.com?full=true&name=a+b&x=%2F&flag"));
    EXPECT_EQ(r.path, "/debug/conference/room@conf.example.com");
    EXPECT_EQ(r.query.get("full"), "true");
    EXPECT_EQ(r.query.get("name"), "a b");
    EXPECT_EQ(r.query.get("x"), "/");
    EXPECT_EQ(r.query.get("flag"), "");
    EXPECT_EQ(r.query.get("missing"), std::nullopt);
}

TEST(HttpRequestTest, InvalidTargetIsRejected) {
    HttpRequest r;
    EXPECT_FALSE(r.set_target("http://example.com/abs"));
    EXPECT_FALSE(r.set_target("/a b"));
}

TEST(HeadersTest, LookupIgnoresCase) {
    Headers headers;
    headers.add("Content-Type", "application/json");
    EXPECT_EQ(headers.get("content-type"), "application/json");
    EXPECT_EQ(headers.get("ACCEPT"), std::nullopt);
    headers.set("CONTENT-TYPE", "text/plain");
    EXPECT_EQ(headers.get("Content-Type"), "text/plain");
    EXPECT_EQ(headers.fields().size(), 1u);
}

TEST(RouterTest, MatchesLiteralRoutes) {
    Router router;
    router.get("/about/version", answer_with("version")).get("/about/health", answer_with("health"));
    EXPECT_EQ(call(router, request("GET", "/about/version")).body, "version");
    EXPECT_EQ(call(router, request("GET", "/about/health")).body, "health");
}

TEST(RouterTest, ExtractsTypedParameters) {
    Router router;
    router.get("/debug/conference/{jid}", [](const HttpRequest&, const PathParams& params, Responder respond) {
        respond(HttpResponse::text(200, std::string(params.get("jid").value_or("?"))));
    });
    router.get("/items/{id:int}", [](const HttpRequest&, const PathParams& params, Responder respond) {
        respond(HttpResponse::text(200, std::to_string(params.get_int("id").value_or(-1) * 2)));
    });
    EXPECT_EQ(call(router, request("GET", "/debug/conference/room%40conf.example.com")).body, "room@conf.example.com");
    EXPECT_EQ(call(router, request("GET", "/items/21")).body, "42");
    EXPECT_EQ(call(router, request("GET", "/items/abc")).status, 404);
    EXPECT_EQ(call(router, request("GET", "/debug/conference/")).status, 404);
}

TEST(RouterTest, ListsRoutesAsRegistered) {
    Router router;
    router.get("/about/version", answer_with("v"))
        .post("/pin", answer_with("p"), 8192)
        .add("OPTIONS", "/conference-request/v1", answer_with("o"));
    router.get("/items/{id:int}", answer_with("i"));
    const auto routes = router.routes();
    ASSERT_EQ(routes.size(), 4U);
    EXPECT_EQ(routes[0].method, "GET");
    EXPECT_EQ(routes[0].pattern, "/about/version");
    EXPECT_EQ(routes[1].method, "POST");
    EXPECT_EQ(routes[1].pattern, "/pin");
    EXPECT_EQ(routes[2].method, "OPTIONS");
    EXPECT_EQ(routes[2].pattern, "/conference-request/v1");
    EXPECT_EQ(routes[3].pattern, "/items/{id:int}");  // the pattern as written, parameter type included
}

TEST(RouterTest, NoRouteIs404PlainText) {
    Router router;
    router.get("/about/version", answer_with("v"));
    for (const char* target : {"/", "/nope", "/about", "/about/version/", "/about/version/x"}) {
        auto response = call(router, request("GET", target));
        EXPECT_EQ(response.status, 404) << target;
        EXPECT_EQ(response.body, "Not Found");
        EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
    }
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
    Router router;
    router.get("/pin", answer_with("list")).post("/pin", answer_with("set"));
    router.post("/pin/remove", answer_with("removed"));
    auto response = call(router, request("DELETE", "/pin"));
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.headers.get("Allow"), "GET, HEAD, POST");
    auto post_only = call(router, request("GET", "/pin/remove"));
    EXPECT_EQ(post_only.status, 405);
    EXPECT_EQ(post_only.headers.get("allow"), "POST");
    EXPECT_EQ(call(router, request("POST", "/pin")).body, "set");
}

TEST(RouterTest, HeadUsesTheGetRoute) {
    Router router;
    router.get("/about/version", answer_with("v"));
    auto response = call(router, request("HEAD", "/about/version"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "v");  // the server leaves the body out on the wire
}

TEST(RouterTest, ThrowingHandlerIs500WithMessage) {
    Router router;
    router.get("/boom",
               [](const HttpRequest&, const PathParams&, Responder) -> void { throw std::runtime_error("kaput"); });
    auto response = call(router, request("GET", "/boom"));
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body, "kaput");
}

TEST(RouterTest, MalformedPatternsThrow) {
    Router router;
    EXPECT_THROW(router.get("no-slash", answer_with("")), std::invalid_argument);
    EXPECT_THROW(router.get("/x/{id:uuid}", answer_with("")), std::invalid_argument);
    EXPECT_THROW(router.get("/x/{id", answer_with("")), std::invalid_argument);
}

TEST(RouterTest, IntoHandlerDispatches) {
    Router router;
    router.get("/x", answer_with("x"));
    Handler handler = std::move(router).into_handler();
    std::optional<HttpResponse> answer;
    handler(request("GET", "/x"), [&](HttpResponse r) { answer = std::move(r); });
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->body, "x");
}

}  // namespace
}  // namespace jicofo::rest
