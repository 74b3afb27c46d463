// Parsing and serialization of XEP-0004 data forms.
#include "jicofo/stanza/data_form.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <algorithm>
#include <array>

namespace jicofo::stanza {

namespace {
constexpr std::array<std::string_view, 4> kFormTypes = {"form", "submit", "cancel", "result"};
}  // namespace

ParseResult<DataForm> DataForm::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "x", kNsDataForms)) {
        return core::unexpected(*problem);
    }
    DataForm form;
    auto type = detail::required_attr(element, "type");
    if (!type) {
        return core::unexpected(type.error());
    }
    if (std::find(kFormTypes.begin(), kFormTypes.end(), *type) == kFormTypes.end()) {
        return core::unexpected(detail::bad("unknown data form type '" + *type + "'"));
    }
    form.type = std::move(type).value();
    form.title = element.child_text("title");
    form.instructions = element.child_text("instructions");
    for (const XmlElement* f : element.children("field", kNsDataForms)) {
        DataFormField field;
        // var may be absent only on fixed fields, which carry no data for us.
        field.var = std::string(f->attribute("var").value_or(""));
        field.type = detail::opt_attr(*f, "type");
        field.label = detail::opt_attr(*f, "label");
        for (const XmlElement* v : f->children("value", kNsDataForms)) {
            field.values.push_back(v->text());
        }
        form.fields.push_back(std::move(field));
    }
    return form;
}

XmlElement DataForm::to_xml() const {
    XmlElement e("x", std::string(kNsDataForms));
    e.set_attribute("type", type);
    if (title) {
        e.add_text_child("title", *title);
    }
    if (instructions) {
        e.add_text_child("instructions", *instructions);
    }
    for (const auto& field : fields) {
        XmlElement& f = e.add_child(XmlElement("field"));
        if (!field.var.empty()) {
            f.set_attribute("var", field.var);
        }
        f.set_attribute_if("type", field.type);
        f.set_attribute_if("label", field.label);
        for (const auto& value : field.values) {
            f.add_text_child("value", value);
        }
    }
    return e;
}

const DataFormField* DataForm::field(std::string_view var) const {
    for (const auto& f : fields) {
        if (f.var == var) {
            return &f;
        }
    }
    return nullptr;
}

std::optional<std::string_view> DataForm::value(std::string_view var) const {
    const DataFormField* f = field(var);
    if (f == nullptr || f->values.empty()) {
        return std::nullopt;
    }
    return std::string_view(f->values.front());
}

void DataForm::set_field(std::string_view var, std::vector<std::string> values, std::optional<std::string> type) {
    for (auto& f : fields) {
        if (f.var == var) {
            f.values = std::move(values);
            if (type) {
                f.type = std::move(type);
            }
            return;
        }
    }
    fields.push_back(DataFormField{std::string(var), std::move(type), std::nullopt, std::move(values)});
}

}  // namespace jicofo::stanza
