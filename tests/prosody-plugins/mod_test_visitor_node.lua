-- Loaded on a visitor node's MUC component (conference.<vnode domain>): the rules a Jitsi visitor node enforces that
-- the focus relies on.
--   * Only the focus creates rooms: a visitor that joins a room the focus has not joined yet is refused
--     (not-allowed), so a focus that redirects a client before it is in the visitor room fails the test.
--   * Everyone but the room's owners and admins (the focus, a server admin here) joins with the MUC role `visitor`.
-- Configuration: visitor_node_focus_jid = "focus@auth.v1.meet.test".
local st = require "util.stanza";
local jid_bare = require "util.jid".bare;

local focus_jid = module:get_option_string("visitor_node_focus_jid");
if not focus_jid then
	module:log("error", "visitor_node_focus_jid is not set");
	return;
end

module:hook("muc-room-pre-create", function(event)
	local stanza = event.stanza;
	if jid_bare(stanza.attr.from) ~= focus_jid then
		module:log("warn", "%s tried to create %s", tostring(stanza.attr.from), event.room.jid);
		event.origin.send(st.error_reply(stanza, "cancel", "not-allowed",
			"only the focus creates rooms on a visitor node", module.host));
		return true;
	end
end, 100);

module:hook("muc-get-default-role", function(event)
	if event.affiliation ~= "owner" and event.affiliation ~= "admin" then
		return "visitor";
	end
end, 10);
