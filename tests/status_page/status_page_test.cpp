// The status page feature: its routes exist only when the page is enabled, GET /status serves the embedded page
// with headers that keep it uncached, unframed and unable to load or send anything outside this server, GET /
// redirects to it, and the page itself stays self-contained and writes data only as text.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "feature/fake_registrar.hpp"
#include "jicofo/rest/router.hpp"
#include "jicofo/status_page/status_page_feature.hpp"

namespace jicofo::status_page {
namespace {

using feature::testing::FakeRegistrar;

// The router the REST server would build from what the feature registered.
rest::Router router_of(const FakeRegistrar& registrar) {
    rest::Router router;
    for (const auto& route : registrar.routes) {
        router.add(route.method, route.path, route.handler, route.max_body);
    }
    return router;
}

std::optional<rest::HttpResponse> dispatch(const rest::Router& router, const std::string& method,
                                           const std::string& target) {
    rest::HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.set_target(target));
    std::optional<rest::HttpResponse> answer;
    router.dispatch(request, [&](rest::HttpResponse response) { answer = std::move(response); });
    return answer;
}

std::string header(const rest::HttpResponse& response, std::string_view name) {
    return std::string(response.headers.get(name).value_or(""));
}

TEST(StatusPage, ServesThePageAtStatusWithLockedDownHeaders) {
    FakeRegistrar registrar;
    registrar.config_.rest.status_page_enabled = true;
    install(registrar);
    const auto router = router_of(registrar);

    const auto page = dispatch(router, "GET", "/status");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page->body, page_html());
    EXPECT_EQ(header(*page, "Cache-Control"), "no-store");
    EXPECT_EQ(header(*page, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(*page, "X-Content-Type-Options"), "nosniff");
    const auto csp = header(*page, "Content-Security-Policy");
    EXPECT_EQ(csp.rfind("default-src 'none';", 0), 0U) << csp;
    for (const char* directive : {"script-src 'unsafe-inline'", "style-src 'unsafe-inline'", "connect-src 'self'",
                                  "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"}) {
        EXPECT_NE(csp.find(directive), std::string::npos) << directive << " missing from " << csp;
    }

    // HEAD is served by the GET route (the server drops the body).
    const auto head = dispatch(router, "HEAD", "/status");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
}

TEST(StatusPage, RootRedirectsToTheStatusPage) {
    FakeRegistrar registrar;
    registrar.config_.rest.status_page_enabled = true;
    install(registrar);
    const auto root = dispatch(router_of(registrar), "GET", "/");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->status, 302);
    EXPECT_EQ(header(*root, "Location"), "/status");
}

TEST(StatusPage, DisabledRegistersNoRoute) {
    FakeRegistrar registrar;
    registrar.config_.rest.status_page_enabled = false;
    install(registrar);
    EXPECT_TRUE(registrar.routes.empty());
    const auto router = router_of(registrar);
    for (const char* path : {"/status", "/"}) {
        const auto answer = dispatch(router, "GET", path);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->status, 404) << path;
    }
}

TEST(StatusPage, OnlyReadsAndRegistersNothingElse) {
    FakeRegistrar registrar;
    registrar.config_.rest.status_page_enabled = true;
    install(registrar);
    ASSERT_EQ(registrar.routes.size(), 2U);
    for (const auto& route : registrar.routes) {
        EXPECT_EQ(route.method, "GET") << route.path;
    }
    EXPECT_FALSE(registrar.factory);
    EXPECT_TRUE(registrar.iqs.empty());
    EXPECT_TRUE(registrar.stats.empty());
    EXPECT_TRUE(registrar.debug.empty());
}

// What the embedded page is made of: one document with its script and style inline, nothing fetched from
// elsewhere, data written as text, and the endpoints and row keys it promises.
TEST(StatusPage, ThePageIsSelfContained) {
    const std::string page(page_html());
    ASSERT_EQ(page.rfind("<!DOCTYPE html>", 0), 0U);
    EXPECT_NE(page.find("</html>"), std::string::npos);
    for (const char* external :
         {"<script src", "rel=\"stylesheet\"", "@import", "<iframe", "src=\"http", "href=\"http", "https://"}) {
        EXPECT_EQ(page.find(external), std::string::npos) << external;
    }
    for (const char* unsafe : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
        EXPECT_EQ(page.find(unsafe), std::string::npos) << unsafe;
    }
    for (const char* used : {"'/stats'", "'/debug?full=true'", "'/about/health'", "'/metrics', 'application/json'",
                             "'/drain'", "participant_join_to_session_accept_seconds", "conference_request_seconds",
                             "'data-room'", "'data-bridge'", "id=\"health\""}) {
        EXPECT_NE(page.find(used), std::string::npos) << used;
    }
}

}  // namespace
}  // namespace jicofo::status_page
