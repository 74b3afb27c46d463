// A small owned XML tree (elements, attributes, text) that every typed stanza value parses from and serializes to.
// It knows nothing about libstrophe; conversions live in xml_codec.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace jicofo::stanza {

class XmlElement;

// A child is either an element or a run of character data.
using XmlNode = std::variant<XmlElement, std::string>;

// An element with a resolved namespace. As in an XMPP stream, a child built without a namespace takes its parent's
// when it is added; the serializer writes xmlns only where an element's namespace differs from its parent's.
class XmlElement {
public:
    using Attribute = std::pair<std::string, std::string>;

    XmlElement() = default;
    explicit XmlElement(std::string name, std::string ns = {}) : name_(std::move(name)), ns_(std::move(ns)) {}

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::string& ns() const { return ns_; }
    // Changes only this element's namespace; children keep the namespace they already resolved.
    XmlElement& set_ns(std::string ns);

    // Attributes, in insertion order. Names are unprefixed (libstrophe drops prefixes such as xml:).
    [[nodiscard]] std::optional<std::string_view> attribute(std::string_view name) const;
    [[nodiscard]] bool has_attribute(std::string_view name) const { return attribute(name).has_value(); }
    [[nodiscard]] const std::vector<Attribute>& attributes() const { return attributes_; }
    // Replaces an existing value in place or appends a new attribute.
    XmlElement& set_attribute(std::string_view name, std::string value);
    // Sets the attribute only when the value is present; convenient for optional fields.
    XmlElement& set_attribute_if(std::string_view name, const std::optional<std::string>& value);
    XmlElement& remove_attribute(std::string_view name);

    // Children in document order.
    [[nodiscard]] const std::vector<XmlNode>& nodes() const { return nodes_; }
    // First child element with this name, in any namespace / in exactly this namespace.
    [[nodiscard]] const XmlElement* child(std::string_view name) const;
    [[nodiscard]] const XmlElement* child(std::string_view name, std::string_view ns) const;
    [[nodiscard]] std::vector<const XmlElement*> children(std::string_view name) const;
    [[nodiscard]] std::vector<const XmlElement*> children(std::string_view name, std::string_view ns) const;
    // All child elements, skipping text.
    [[nodiscard]] std::vector<const XmlElement*> elements() const;
    [[nodiscard]] const XmlElement* first_element() const;
    [[nodiscard]] std::size_t element_count() const;
    // Concatenation of the direct text children.
    [[nodiscard]] std::string text() const;
    // Text of the first child element with this name, if there is such a child.
    [[nodiscard]] std::optional<std::string> child_text(std::string_view name) const;

    // Appends a child; an empty namespace in the child (and in its descendants) resolves to this element's.
    XmlElement& add_child(XmlElement child);
    // Appends <name>text</name> in this element's namespace.
    XmlElement& add_text_child(std::string name, std::string text);
    XmlElement& add_text(std::string text);
    // Replaces all text children with one run (or none when empty); child elements stay.
    XmlElement& set_text(std::string text);
    // Removes child elements with this name and namespace; returns how many were removed.
    std::size_t remove_children(std::string_view name, std::string_view ns);

    // Structural equality: same name, namespace, attribute set (order ignored) and the same children in order.
    friend bool operator==(const XmlElement& a, const XmlElement& b);

private:
    void inherit_ns(const std::string& parent_ns);

    std::string name_;
    std::string ns_;
    std::vector<Attribute> attributes_;
    std::vector<XmlNode> nodes_;
};

}  // namespace jicofo::stanza
