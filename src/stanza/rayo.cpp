// Parsing and serialization of Rayo's dial and ref.
#include "jicofo/stanza/rayo.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <algorithm>
#include <utility>

namespace jicofo::stanza {

ParseResult<RayoDial> RayoDial::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "dial", kNsRayo)) {
        return core::unexpected(*problem);
    }
    RayoDial dial;
    auto to = detail::required_attr(element, "to");
    if (!to) {
        return core::unexpected(to.error());
    }
    if (to->empty()) {
        return core::unexpected(detail::bad("<dial/> with an empty 'to'"));
    }
    dial.to = std::move(to).value();
    dial.from = detail::opt_attr(element, "from");
    // Only Rayo's own headers count; anything else inside a dial is ignored, as the reference does.
    const auto headers = element.children("header", kNsRayo);
    if (headers.size() > kMaxHeaders) {
        return core::unexpected(detail::bad("<dial/> with " + std::to_string(headers.size()) + " headers, more than " +
                                            std::to_string(kMaxHeaders)));
    }
    dial.headers.reserve(headers.size());
    for (const XmlElement* header : headers) {
        auto name = detail::required_attr(*header, "name");
        if (!name) {
            return core::unexpected(name.error());
        }
        if (name->empty()) {
            return core::unexpected(detail::bad("<header/> with an empty 'name'"));
        }
        dial.headers.push_back(RayoHeader{std::move(name).value(), detail::opt_attr(*header, "value")});
    }
    return dial;
}

XmlElement RayoDial::to_xml() const {
    XmlElement e("dial", std::string(kNsRayo));
    e.set_attribute("to", to);
    e.set_attribute_if("from", from);
    for (const auto& header : headers) {
        XmlElement h("header");
        h.set_attribute("name", header.name);
        h.set_attribute_if("value", header.value);
        e.add_child(std::move(h));
    }
    return e;
}

std::optional<std::string_view> RayoDial::header(std::string_view name) const {
    const auto it = std::find_if(headers.begin(), headers.end(), [&](const RayoHeader& h) { return h.name == name; });
    if (it == headers.end() || !it->value) {
        return std::nullopt;
    }
    return std::string_view(*it->value);
}

void RayoDial::set_header(std::string_view name, std::string value) {
    const auto it = std::find_if(headers.begin(), headers.end(), [&](const RayoHeader& h) { return h.name == name; });
    if (it != headers.end()) {
        it->value = std::move(value);
        return;
    }
    headers.push_back(RayoHeader{std::string(name), std::move(value)});
}

ParseResult<RayoRef> RayoRef::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "ref", kNsRayo)) {
        return core::unexpected(*problem);
    }
    auto uri = detail::required_attr(element, "uri");
    if (!uri) {
        return core::unexpected(uri.error());
    }
    if (uri->empty()) {
        return core::unexpected(detail::bad("<ref/> with an empty 'uri'"));
    }
    return RayoRef{std::move(uri).value()};
}

XmlElement RayoRef::to_xml() const {
    XmlElement e("ref", std::string(kNsRayo));
    e.set_attribute("uri", uri);
    return e;
}

}  // namespace jicofo::stanza
