-- What Jitsi's client_proxy module does, for tests: a component (e.g. focus.meet.test) that forwards the get/set
-- IQs clients send it to the focus's full JID with from='<component>/<client full JID>', and routes the focus's
-- result/error replies back to the client from the component's address. The focus session is found by its
-- available presence, as in Jitsi's module: a focus that sent none cannot be reached.
local st = require "util.stanza";
local jid = require "util.jid";

local target = module:get_option_string("target_address");
local host = module.host;

local function target_full_jid()
    local bare = prosody.bare_sessions[target];
    if not bare then
        return nil;
    end
    for _, session in pairs(bare.sessions) do
        if session.presence then
            return session.full_jid;
        end
    end
    return nil;
end

-- Prosody fires iq/host for every IQ to the component's domain, with or without a resource: requests come to
-- the bare domain, the focus's replies to '<component>/<client full JID>'.
module:hook("iq/host", function(event)
    local origin, stanza = event.origin, event.stanza;
    local type = stanza.attr.type;
    if type == "result" or type == "error" then
        local _, _, client = jid.split(stanza.attr.to);
        if not client then
            return;
        end
        local reply = st.clone(stanza);
        reply.attr.from = host;
        reply.attr.to = client;
        module:send(reply);
        return true;
    end
    local focus = target_full_jid();
    if not focus then
        origin.send(st.error_reply(stanza, "cancel", "service-unavailable", "the focus is not available"));
        return true;
    end
    local forwarded = st.clone(stanza);
    forwarded.attr.from = host .. "/" .. stanza.attr.from;
    forwarded.attr.to = focus;
    module:send(forwarded);
    return true;
end);
