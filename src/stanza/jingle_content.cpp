// Parsing and serialization of a Jingle content: its RTP description, its ICE-UDP transport and the BUNDLE group.
#include "jicofo/stanza/jingle.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

namespace jicofo::stanza {

using detail::bad;

ParseResult<RtpDescription> RtpDescription::parse(const XmlElement& element) {
    RtpDescription d;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "description", kNsJingleRtp),
            detail::read_opt_number(element, "maxptime", d.maxptime),
            detail::read_children(element, "payload-type", kNsJingleRtp, d.payload_types),
            detail::read_children(element, "rtp-hdrext", kNsJingleRtpHdrext, d.hdrexts),
            detail::read_children(element, "source", kNsJingleSsma, d.sources),
            detail::read_children(element, "ssrc-group", kNsJingleSsma, d.ssrc_groups),
        })) {
        return core::unexpected(*problem);
    }
    d.media = element.attribute("media").value_or("");
    d.extmap_allow_mixed = element.child("extmap-allow-mixed", kNsJingleRtpHdrext) != nullptr;
    d.rtcp_mux = element.child("rtcp-mux", kNsJingleRtp) != nullptr;
    return d;
}

XmlElement RtpDescription::to_xml() const {
    XmlElement e("description", std::string(kNsJingleRtp));
    if (!media.empty()) {
        e.set_attribute("media", media);
    }
    detail::set_number_if(e, "maxptime", maxptime);
    detail::add_all(e, payload_types);
    detail::add_all(e, hdrexts);
    if (extmap_allow_mixed) {
        e.add_child(XmlElement("extmap-allow-mixed", std::string(kNsJingleRtpHdrext)));
    }
    detail::add_all(e, sources);
    detail::add_all(e, ssrc_groups);
    if (rtcp_mux) {
        e.add_child(XmlElement("rtcp-mux"));
    }
    return e;
}

ParseResult<JingleContent> JingleContent::parse(const XmlElement& element) {
    JingleContent c;
    // Say which content was wrong: an offer or answer has three of them with the same children.
    const auto in_content = [&c](const StanzaError& problem) {
        return c.name.empty() ? problem : bad("content '" + c.name + "': " + problem.text);
    };
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "content", kNsJingle),
            detail::read_id(element, "name", c.name),
            detail::read_child(element, "initial-last-n", kNsColibri2, c.initial_last_n),
            detail::read_child(element, "description", kNsJingleRtp, c.description),
            detail::read_child(element, "transport", kNsJingleIceUdp, c.transport),
        })) {
        return core::unexpected(in_content(*problem));
    }
    if (!c.initial_last_n) {
        if (const XmlElement* description = element.child("description", kNsJingleRtp)) {
            if (auto problem = detail::read_child(*description, "initial-last-n", kNsColibri2, c.initial_last_n)) {
                return core::unexpected(in_content(*problem));
            }
        }
    }
    c.creator = detail::opt_attr(element, "creator");
    c.senders = detail::opt_attr(element, "senders");
    return c;
}

XmlElement JingleContent::to_xml() const {
    XmlElement e("content", std::string(kNsJingle));
    e.set_attribute_if("creator", creator);
    e.set_attribute("name", name);
    e.set_attribute_if("senders", senders);
    if (initial_last_n) {
        e.add_child(initial_last_n->to_xml());
    }
    if (description) {
        e.add_child(description->to_xml());
    }
    if (transport) {
        e.add_child(transport->to_xml());
    }
    return e;
}

ParseResult<ContentGroup> ContentGroup::parse(const XmlElement& element) {
    ContentGroup group;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "group", kNsJingleGrouping),
            detail::read_id(element, "semantics", group.semantics),
        })) {
        return core::unexpected(*problem);
    }
    for (const XmlElement* content : element.children("content", kNsJingleGrouping)) {
        std::string name;
        if (auto problem = detail::read_id(*content, "name", name)) {
            return core::unexpected(bad("<group semantics='" + group.semantics + "'/>: " + problem->text));
        }
        group.contents.push_back(std::move(name));
    }
    return group;
}

XmlElement ContentGroup::to_xml() const {
    XmlElement e("group", std::string(kNsJingleGrouping));
    e.set_attribute("semantics", semantics);
    for (const auto& name : contents) {
        e.add_child(XmlElement("content")).set_attribute("name", name);
    }
    return e;
}

}  // namespace jicofo::stanza
