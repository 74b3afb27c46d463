// MucRoom's IQs: the room configuration (whois=anyone), room info, muc#admin requests, and the MUC error category.
#include "muc_room_impl.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <charconv>

namespace jicofo::xmpp {

namespace {

class MucCategory : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "jicofo.muc"; }
    [[nodiscard]] std::string message(int code) const override {
        switch (static_cast<MucErrc>(code)) {
            case MucErrc::nick_in_use: return "nick already in use";
            case MucErrc::not_authorized: return "password required or wrong";
            case MucErrc::registration_required: return "members-only room";
            case MucErrc::forbidden: return "banned from the room";
            case MucErrc::room_full: return "room full";
            case MucErrc::not_found: return "room locked or not found";
            case MucErrc::join_failed: return "join failed";
            case MucErrc::timeout: return "no answer from the room before the deadline";
            case MucErrc::not_joined: return "not in the room";
            case MucErrc::closed: return "room closed";
        }
        return "unknown MUC error";
    }
};

bool is_true(std::optional<std::string_view> value) {
    return value && (*value == "true" || *value == "1");
}

stanza::Iq room_iq(const stanza::Jid& room, stanza::IqType type, stanza::XmlElement payload) {
    stanza::Iq iq;
    iq.header.type = type;
    iq.header.to = room;
    iq.payload = std::move(payload);
    return iq;
}

}  // namespace

const std::error_category& muc_category() {
    static const MucCategory category;
    return category;
}

std::error_code make_error_code(MucErrc code) {
    return {static_cast<int>(code), muc_category()};
}

MucErrc muc_errc_from_condition(stanza::ErrorCondition condition) {
    switch (condition) {
        case stanza::ErrorCondition::conflict: return MucErrc::nick_in_use;
        case stanza::ErrorCondition::not_authorized: return MucErrc::not_authorized;
        case stanza::ErrorCondition::registration_required: return MucErrc::registration_required;
        case stanza::ErrorCondition::forbidden: return MucErrc::forbidden;
        case stanza::ErrorCondition::service_unavailable: return MucErrc::room_full;
        case stanza::ErrorCondition::item_not_found: return MucErrc::not_found;
        default: return MucErrc::join_failed;
    }
}

RoomInfo room_info_from(const stanza::DataForm* config_form, const stanza::DataForm* roominfo_form) {
    RoomInfo info;
    for (const auto* form : {config_form, roominfo_form}) {
        if (form == nullptr) {
            continue;
        }
        if (auto id = form->value(stanza::kFieldRoomInfoMeetingId); id && !id->empty()) {
            info.meeting_id = std::string(*id);
        }
        if (form->field(stanza::kFieldRoomInfoIsBreakout) != nullptr) {
            info.is_breakout = is_true(form->value(stanza::kFieldRoomInfoIsBreakout));
        }
        if (auto main = form->value(stanza::kFieldRoomInfoBreakoutMainRoom); main && !main->empty()) {
            if (auto jid = stanza::Jid::parse(*main)) {
                info.main_room = *jid;
            }
        }
        if (auto enabled = form->value("muc#roominfo_visitorsEnabled")) {
            info.visitors_enabled = is_true(enabled);
        }
        if (auto limit = form->value("muc#roominfo_participantsSoftLimit")) {
            int value = 0;
            const auto* end = limit->data() + limit->size();
            if (std::from_chars(limit->data(), end, value).ptr == end) {
                info.participants_soft_limit = value;
            }
        }
    }
    if (config_form != nullptr) {
        info.lobby_enabled = is_true(config_form->value("muc#roomconfig_membersonly"));
    }
    if (!info.is_breakout) {
        info.main_room.reset();
    }
    return info;
}

stanza::DataForm room_config_submit() {
    stanza::DataForm form;
    form.type = "submit";
    form.set_field("FORM_TYPE", std::string(stanza::kFormTypeRoomConfig), "hidden");
    form.set_field(stanza::kFieldRoomConfigWhois, std::string("anyone"));
    return form;
}

void MucRoomImpl::configure() {
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    const auto attempt = attempt_;
    connection_.async_send_iq(
        room_iq(settings_.room, stanza::IqType::get, stanza::XmlElement("query", std::string(stanza::kNsMucOwner))),
        strand_,
        [weak, attempt](const IqResult& reply) {
            auto self = weak.lock();
            if (!self || self->closed_ || self->attempt_ != attempt || self->state_ != State::configuring) {
                return;
            }
            const stanza::XmlElement* x = nullptr;
            if (reply && reply->payload) {
                x = reply->payload->child("x", stanza::kNsDataForms);
            }
            if (x == nullptr) {
                self->log_->warn("room={} no configuration form: {}", self->settings_.room.to_string(),
                                 reply ? "empty reply" : reply.error().message());
                self->read_room_info();
                return;
            }
            auto form = stanza::DataForm::parse(*x);
            if (!form) {
                self->log_->warn("room={} malformed configuration form: {}", self->settings_.room.to_string(),
                                 form.error().message());
                self->read_room_info();
                return;
            }
            self->config_form_ = std::make_unique<stanza::DataForm>(std::move(form).value());
            self->submit_config();
        },
        timeout_);
}

void MucRoomImpl::submit_config() {
    stanza::XmlElement query("query", std::string(stanza::kNsMucOwner));
    query.add_child(room_config_submit().to_xml());
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    const auto attempt = attempt_;
    connection_.async_send_iq(
        room_iq(settings_.room, stanza::IqType::set, std::move(query)), strand_,
        [weak, attempt](const IqResult& reply) {
            auto self = weak.lock();
            if (!self || self->closed_ || self->attempt_ != attempt || self->state_ != State::configuring) {
                return;
            }
            self->configured_ = reply.has_value();
            if (!reply) {
                self->log_->warn("room={} configuration refused: {}", self->settings_.room.to_string(),
                                 reply.error().message());
            }
            self->read_room_info();
        },
        timeout_);
}

void MucRoomImpl::read_room_info() {
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    const auto attempt = attempt_;
    connection_.async_send_iq(
        room_iq(settings_.room, stanza::IqType::get, stanza::XmlElement("query", std::string(stanza::kNsDiscoInfo))),
        strand_,
        [weak, attempt](const IqResult& reply) {
            auto self = weak.lock();
            if (!self || self->closed_ || self->attempt_ != attempt || self->state_ != State::configuring) {
                return;
            }
            std::optional<stanza::DiscoInfo> info;
            if (reply && reply->payload) {
                if (auto parsed = stanza::DiscoInfo::parse(*reply->payload)) {
                    info = std::move(parsed).value();
                } else {
                    self->log_->warn("room={} malformed disco#info: {}", self->settings_.room.to_string(),
                                     parsed.error().message());
                }
            } else if (!reply) {
                self->log_->warn("room={} no disco#info: {}", self->settings_.room.to_string(),
                                 reply.error().message());
            }
            const auto* roominfo = info ? info->extension(stanza::kFormTypeRoomInfo) : nullptr;
            self->room_info_ = room_info_from(self->config_form_.get(), roominfo);
            self->config_form_.reset();  // read once; kept, it would be several KB for every room
            self->log_->info("room={} meeting_id={} breakout={}", self->settings_.room.to_string(),
                             self->room_info_.meeting_id.value_or("(none)"), self->room_info_.is_breakout);
            self->finish_join();
        },
        timeout_);
}

void MucRoomImpl::send_admin(const stanza::MucAdminQuery& query, AdminCallback done) {
    assert_on_strand();
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    connection_.async_send_iq(
        room_iq(settings_.room, stanza::IqType::set, query.to_xml()), strand_,
        [weak, done = std::move(done)](const IqResult& reply) {
            auto self = weak.lock();
            if (!self || self->closed_) {
                return;
            }
            if (!reply) {
                self->log_->warn("room={} admin request failed: {}", self->settings_.room.to_string(),
                                 reply.error().message());
            }
            if (done) {
                done(reply ? std::nullopt : std::optional<IqError>(reply.error()));
            }
        },
        timeout_);
}

}  // namespace jicofo::xmpp
