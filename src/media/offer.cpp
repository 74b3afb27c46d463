// The offer's payload types, feedback and header extensions from jicofo.codec, in the order Jicofo writes them
// (clients prefer the first payload type of a content, and the bridge reads the same lists from colibri2).
#include "jicofo/media/offer.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace jicofo::media {
namespace {

using config::CodecConfigs;
using config::RtpExtensionConfig;
using config::VideoCodecConfig;
using stanza::PayloadType;
using stanza::RtcpFb;
using stanza::RtpDescription;
using stanza::RtpHdrExt;

constexpr std::uint32_t kAudioClockRate = 48000;
constexpr std::uint32_t kVideoClockRate = 90000;
constexpr std::uint32_t kTelephoneEventClockRate = 8000;
constexpr std::uint16_t kStereo = 2;  // opus is always signalled with 2 channels, whether or not it is stereo
constexpr std::uint32_t kAudioMaxPtime = 60;
constexpr std::uint32_t kSctpStreams = 1024;
constexpr int kMaxPayloadType = 127;
constexpr int kMaxExtensionId = 255;

constexpr std::string_view kUriAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
constexpr std::string_view kUriMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
constexpr std::string_view kUriTcc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
constexpr std::string_view kUriVideoLayersAllocation =
    "http://www.webrtc.org/experiments/rtp-hdrext/video-layers-allocation00";
constexpr std::string_view kUriAv1DependencyDescriptor =
    "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
constexpr std::string_view kUriToffset = "urn:ietf:params:rtp-hdrext:toffset";
constexpr std::string_view kUriAbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
constexpr std::string_view kUriFramemarking = "http://tools.ietf.org/html/draft-ietf-avtext-framemarking-07";
constexpr std::string_view kUriVideoContentType = "http://www.webrtc.org/experiments/rtp-hdrext/video-content-type";
constexpr std::string_view kUriRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

// The configuration is validated (0..127) when loaded; the check here keeps a hand-built value from wrapping.
bool valid_pt(int pt) {
    return pt > 0 && pt <= kMaxPayloadType;
}

PayloadType payload_type(int pt, std::string name, std::uint32_t clockrate) {
    PayloadType p;
    p.id = static_cast<std::uint8_t>(pt);
    p.name = std::move(name);
    p.clockrate = clockrate;
    return p;
}

void add_parameter(PayloadType& p, std::string name, std::string value) {
    p.parameters.push_back(stanza::RtpParameter{std::move(name), std::move(value)});
}

void add_fb(PayloadType& p, std::string type, std::optional<std::string> subtype = std::nullopt) {
    p.rtcp_fbs.push_back(RtcpFb{std::move(type), std::move(subtype)});
}

// ccm fir, nack, nack pli: what every video payload type and most RTX ones carry.
void add_video_fbs(PayloadType& p) {
    add_fb(p, "ccm", "fir");
    add_fb(p, "nack");
    add_fb(p, "nack", "pli");
}

bool tcc_offered(const CodecConfigs& codecs, const OfferOptions& options) {
    return codecs.rtp_extensions.tcc.enabled && options.tcc;
}

PayloadType video_codec(const CodecConfigs& codecs, const OfferOptions& options, const VideoCodecConfig& codec,
                        std::string name) {
    PayloadType p = payload_type(codec.pt, std::move(name), kVideoClockRate);
    add_video_fbs(p);
    if (codec.enable_remb && options.remb) {
        add_fb(p, "goog-remb");
    }
    if (tcc_offered(codecs, options)) {
        add_fb(p, "transport-cc");
    }
    return p;
}

PayloadType rtx_of(const VideoCodecConfig& codec, bool with_feedback) {
    PayloadType p = payload_type(codec.rtx_pt, "rtx", kVideoClockRate);
    add_parameter(p, "apt", std::to_string(codec.pt));
    if (with_feedback) {
        add_video_fbs(p);
    }
    return p;
}

std::vector<PayloadType> video_payload_types(const CodecConfigs& codecs, const OfferOptions& options) {
    std::vector<PayloadType> out;
    if (codecs.av1.offered() && valid_pt(codecs.av1.pt)) {
        out.push_back(video_codec(codecs, options, codecs.av1, "AV1"));
    }
    if (codecs.vp8.offered() && valid_pt(codecs.vp8.pt)) {
        out.push_back(video_codec(codecs, options, codecs.vp8, "VP8"));
    }
    if (codecs.h264.offered() && valid_pt(codecs.h264.pt)) {
        // Upper case: some older Chrome versions fail to enable H264 when the encoding name is in lower case.
        PayloadType h264 = video_codec(codecs, options, codecs.h264, "H264");
        // Jicofo packs all three into the value of one profile-level-id parameter; as separate parameters they give
        // the same fmtp line to clients and a well-formed parameter map to the bridge.
        add_parameter(h264, "profile-level-id", "42e01f");
        add_parameter(h264, "level-asymmetry-allowed", "1");
        add_parameter(h264, "packetization-mode", "1");
        out.push_back(std::move(h264));
    }
    if (codecs.vp9.offered() && valid_pt(codecs.vp9.pt)) {
        out.push_back(video_codec(codecs, options, codecs.vp9, "VP9"));
    }
    if (options.rtx) {
        // RTX in Jicofo's order, which differs from the codecs' (VP9 before H264); H264's RTX has no feedback.
        const std::pair<const VideoCodecConfig*, bool> rtx[] = {
            {&codecs.av1, true}, {&codecs.vp8, true}, {&codecs.vp9, true}, {&codecs.h264, false}};
        for (const auto& [codec, with_feedback] : rtx) {
            if (codec->rtx_offered() && valid_pt(codec->pt) && valid_pt(codec->rtx_pt)) {
                out.push_back(rtx_of(*codec, with_feedback));
            }
        }
    }
    return out;
}

std::vector<PayloadType> audio_payload_types(const CodecConfigs& codecs, const OfferOptions& options) {
    std::vector<PayloadType> out;
    const auto& opus = codecs.opus;
    if (opus.offered() && valid_pt(opus.pt)) {
        const bool red = opus.red.offered() && valid_pt(opus.red.pt) && options.opus_red;
        if (red) {
            // RFC 2198: RED with opus as primary and redundant encoding, advertised at opus's clock rate and before
            // it so that clients select it. The fmtp has no parameter name ("111/111").
            PayloadType p = payload_type(opus.red.pt, "red", kAudioClockRate);
            p.channels = kStereo;
            add_parameter(p, "", std::to_string(opus.pt) + "/" + std::to_string(opus.pt));
            out.push_back(std::move(p));
        }
        PayloadType p = payload_type(opus.pt, "opus", kAudioClockRate);
        p.channels = kStereo;
        add_parameter(p, "minptime", std::to_string(opus.minptime));
        // RED already carries redundancy. Jicofo leaves FEC out whenever RED is configured, even for a client that
        // is not offered RED; only an offered RED replaces it here.
        if (opus.use_inband_fec && !red) {
            add_parameter(p, "useinbandfec", "1");
        }
        if (tcc_offered(codecs, options)) {
            add_fb(p, "transport-cc");
        }
        out.push_back(std::move(p));
    }
    if (codecs.telephone_event.offered() && valid_pt(codecs.telephone_event.pt)) {
        out.push_back(payload_type(codecs.telephone_event.pt, "telephone-event", kTelephoneEventClockRate));
    }
    return out;
}

void add_hdrext(std::vector<RtpHdrExt>& out, const RtpExtensionConfig& ext, std::string_view uri) {
    if (ext.enabled && ext.id >= 1 && ext.id <= kMaxExtensionId) {
        out.push_back(RtpHdrExt{static_cast<std::uint8_t>(ext.id), std::string(uri), std::nullopt});
    }
}

std::vector<RtpHdrExt> audio_hdrexts(const CodecConfigs& codecs, const OfferOptions& options) {
    const auto& e = codecs.rtp_extensions;
    std::vector<RtpHdrExt> out;
    add_hdrext(out, e.audio_level, kUriAudioLevel);
    add_hdrext(out, e.mid, kUriMid);
    if (options.tcc) {
        add_hdrext(out, e.tcc, kUriTcc);
    }
    return out;
}

std::vector<RtpHdrExt> video_hdrexts(const CodecConfigs& codecs, const OfferOptions& options) {
    const auto& e = codecs.rtp_extensions;
    std::vector<RtpHdrExt> out;
    add_hdrext(out, e.video_layers_allocation, kUriVideoLayersAllocation);
    add_hdrext(out, e.av1_dependency_descriptor, kUriAv1DependencyDescriptor);
    add_hdrext(out, e.tof, kUriToffset);
    add_hdrext(out, e.mid, kUriMid);
    add_hdrext(out, e.abs_send_time, kUriAbsSendTime);
    add_hdrext(out, e.framemarking, kUriFramemarking);
    add_hdrext(out, e.video_content_type, kUriVideoContentType);
    add_hdrext(out, e.rid, kUriRid);
    if (options.tcc) {
        add_hdrext(out, e.tcc, kUriTcc);
    }
    return out;
}

RtpDescription audio_description(const CodecConfigs& codecs, const OfferOptions& options) {
    RtpDescription d;
    d.media = std::string(kContentAudio);
    d.maxptime = kAudioMaxPtime;
    d.payload_types = audio_payload_types(codecs, options);
    d.hdrexts = audio_hdrexts(codecs, options);
    d.extmap_allow_mixed = codecs.rtp_extensions.extmap_allow_mixed;
    d.rtcp_mux = true;
    return d;
}

RtpDescription video_description(const CodecConfigs& codecs, const OfferOptions& options) {
    RtpDescription d;
    d.media = std::string(kContentVideo);
    d.payload_types = video_payload_types(codecs, options);
    d.hdrexts = video_hdrexts(codecs, options);
    d.extmap_allow_mixed = codecs.rtp_extensions.extmap_allow_mixed;
    d.rtcp_mux = true;
    return d;
}

stanza::JingleContent content(std::string_view name, RtpDescription description) {
    stanza::JingleContent c;
    c.creator = "initiator";
    c.name = std::string(name);
    c.senders = "both";
    c.description = std::move(description);
    return c;
}

stanza::Colibri2Media colibri_media(stanza::MediaType type, RtpDescription description) {
    stanza::Colibri2Media media;
    media.type = type;
    media.payload_types = std::move(description.payload_types);
    media.hdrexts = std::move(description.hdrexts);
    media.extmap_allow_mixed = description.extmap_allow_mixed;
    return media;
}

}  // namespace

OfferOptions offer_options(const ParticipantCapabilities& caps, bool sctp_enabled) {
    OfferOptions options;
    options.audio = caps.audio;
    options.video = caps.video;
    options.sctp = sctp_enabled && caps.sctp;
    options.rtx = caps.rtx;
    options.tcc = caps.tcc;
    options.opus_red = caps.opus_red;
    // Two congestion controllers would fight: REMB only when transport-cc is off.
    options.remb = !options.tcc && caps.remb;
    return options;
}

std::vector<stanza::JingleContent> build_offer(const config::CodecConfigs& codecs, const OfferOptions& options) {
    std::vector<stanza::JingleContent> contents;
    if (options.audio) {
        contents.push_back(content(kContentAudio, audio_description(codecs, options)));
    }
    if (options.video) {
        contents.push_back(content(kContentVideo, video_description(codecs, options)));
    }
    if (options.sctp) {
        RtpDescription data;
        data.media = "application";
        // Jicofo adds rtcp-mux to every description of the offer, this one included; clients accept it.
        data.rtcp_mux = true;
        contents.push_back(content(kContentData, std::move(data)));
    }
    return contents;
}

std::vector<stanza::Colibri2Media> colibri_medias(const config::CodecConfigs& codecs, const OfferOptions& options) {
    std::vector<stanza::Colibri2Media> medias;
    if (options.audio) {
        medias.push_back(colibri_media(stanza::MediaType::audio, audio_description(codecs, options)));
    }
    if (options.video) {
        medias.push_back(colibri_media(stanza::MediaType::video, video_description(codecs, options)));
    }
    return medias;
}

void attach_transport(std::vector<stanza::JingleContent>& contents, const stanza::IceUdpTransport& transport,
                      std::optional<std::uint16_t> sctp_port) {
    std::erase_if(contents, [&sctp_port](const stanza::JingleContent& c) {
        return c.name == kContentData && !sctp_port.has_value();
    });
    for (auto& c : contents) {
        c.transport = transport;
        if (c.name == kContentData) {
            c.transport->sctpmap = stanza::SctpMap{*sctp_port, "webrtc-datachannel", kSctpStreams};
        } else {
            // Only the data content carries the data channel's port.
            c.transport->sctpmap.reset();
        }
    }
}

stanza::ContentGroup bundle_group(const std::vector<stanza::JingleContent>& contents) {
    stanza::ContentGroup group;
    group.semantics = "BUNDLE";
    for (const auto& c : contents) {
        group.contents.push_back(c.name);
    }
    return group;
}

std::optional<stanza::IceUdpTransport> transport_from_contents(const std::vector<stanza::JingleContent>& contents) {
    auto it = std::find_if(contents.begin(), contents.end(),
                           [](const stanza::JingleContent& c) { return c.transport.has_value(); });
    if (it == contents.end()) {
        return std::nullopt;
    }
    stanza::IceUdpTransport transport = *it->transport;
    transport.rtcp_mux = true;
    return transport;
}

}  // namespace jicofo::media
