// The XmlElement tree: lookups, builders and order-insensitive attribute equality.
#include "jicofo/stanza/xml_element.hpp"

#include <algorithm>

namespace jicofo::stanza {

XmlElement& XmlElement::set_ns(std::string ns) {
    ns_ = std::move(ns);
    return *this;
}

std::optional<std::string_view> XmlElement::attribute(std::string_view name) const {
    for (const auto& [key, value] : attributes_) {
        if (key == name) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

XmlElement& XmlElement::set_attribute(std::string_view name, std::string value) {
    for (auto& [key, existing] : attributes_) {
        if (key == name) {
            existing = std::move(value);
            return *this;
        }
    }
    attributes_.emplace_back(std::string(name), std::move(value));
    return *this;
}

XmlElement& XmlElement::set_attribute_if(std::string_view name, const std::optional<std::string>& value) {
    if (value) {
        set_attribute(name, *value);
    }
    return *this;
}

XmlElement& XmlElement::remove_attribute(std::string_view name) {
    std::erase_if(attributes_, [&](const Attribute& a) { return a.first == name; });
    return *this;
}

const XmlElement* XmlElement::child(std::string_view name) const {
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node); e != nullptr && e->name_ == name) {
            return e;
        }
    }
    return nullptr;
}

const XmlElement* XmlElement::child(std::string_view name, std::string_view ns) const {
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node); e != nullptr && e->name_ == name && e->ns_ == ns) {
            return e;
        }
    }
    return nullptr;
}

std::vector<const XmlElement*> XmlElement::children(std::string_view name) const {
    std::vector<const XmlElement*> out;
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node); e != nullptr && e->name_ == name) {
            out.push_back(e);
        }
    }
    return out;
}

std::vector<const XmlElement*> XmlElement::children(std::string_view name, std::string_view ns) const {
    std::vector<const XmlElement*> out;
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node); e != nullptr && e->name_ == name && e->ns_ == ns) {
            out.push_back(e);
        }
    }
    return out;
}

std::vector<const XmlElement*> XmlElement::elements() const {
    std::vector<const XmlElement*> out;
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node)) {
            out.push_back(e);
        }
    }
    return out;
}

const XmlElement* XmlElement::first_element() const {
    for (const auto& node : nodes_) {
        if (const auto* e = std::get_if<XmlElement>(&node)) {
            return e;
        }
    }
    return nullptr;
}

std::size_t XmlElement::element_count() const {
    return static_cast<std::size_t>(
        std::count_if(nodes_.begin(), nodes_.end(), [](const XmlNode& n) { return n.index() == 0; }));
}

std::string XmlElement::text() const {
    std::string out;
    for (const auto& node : nodes_) {
        if (const auto* t = std::get_if<std::string>(&node)) {
            out += *t;
        }
    }
    return out;
}

std::optional<std::string> XmlElement::child_text(std::string_view name) const {
    if (const auto* c = child(name)) {
        return c->text();
    }
    return std::nullopt;
}

void XmlElement::inherit_ns(const std::string& parent_ns) {
    if (!ns_.empty()) {
        return;  // an explicit namespace stops inheritance for the whole subtree
    }
    ns_ = parent_ns;
    for (auto& node : nodes_) {
        if (auto* e = std::get_if<XmlElement>(&node)) {
            e->inherit_ns(ns_);
        }
    }
}

XmlElement& XmlElement::add_child(XmlElement child) {
    child.inherit_ns(ns_);
    return std::get<XmlElement>(nodes_.emplace_back(std::move(child)));
}

XmlElement& XmlElement::add_text_child(std::string name, std::string text) {
    XmlElement e(std::move(name));
    if (!text.empty()) {
        e.add_text(std::move(text));
    }
    return add_child(std::move(e));
}

XmlElement& XmlElement::add_text(std::string text) {
    // Adjacent runs are merged so that equality does not depend on how the text was split.
    if (!nodes_.empty()) {
        if (auto* last = std::get_if<std::string>(&nodes_.back())) {
            *last += text;
            return *this;
        }
    }
    nodes_.emplace_back(std::move(text));
    return *this;
}

XmlElement& XmlElement::set_text(std::string text) {
    std::erase_if(nodes_, [](const XmlNode& n) { return n.index() == 1; });
    if (!text.empty()) {
        nodes_.emplace_back(std::move(text));
    }
    return *this;
}

std::size_t XmlElement::remove_children(std::string_view name, std::string_view ns) {
    return std::erase_if(nodes_, [&](const XmlNode& n) {
        const auto* e = std::get_if<XmlElement>(&n);
        return e != nullptr && e->name_ == name && e->ns_ == ns;
    });
}

bool operator==(const XmlElement& a, const XmlElement& b) {
    if (a.name_ != b.name_ || a.ns_ != b.ns_ || a.attributes_.size() != b.attributes_.size()) {
        return false;
    }
    auto sorted_a = a.attributes_;
    auto sorted_b = b.attributes_;
    std::sort(sorted_a.begin(), sorted_a.end());
    std::sort(sorted_b.begin(), sorted_b.end());
    return sorted_a == sorted_b && a.nodes_ == b.nodes_;
}

}  // namespace jicofo::stanza
