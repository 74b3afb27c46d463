-- Loaded on a visitor node's MUC component by the join storm (bench/join_storm.cpp): everyone who is not an admin
-- (the focus) joins with the MUC role visitor, as on Jitsi's visitor nodes, and only an admin may create a room (the
-- focus joins a node's room before it redirects anyone there; a visitor arriving first would otherwise become the
-- room's owner).
local jid_bare = require "util.jid".bare;
local st = require "util.stanza";

local usermanager = require "core.usermanager";

local function is_admin(jid)
	return usermanager.is_admin(jid, module.host);
end

module:hook("muc-room-pre-create", function(event)
	if not is_admin(jid_bare(event.stanza.attr.from)) then
		module:log("warn", "%s tried to create %s before the focus", event.stanza.attr.from, event.room.jid);
		event.origin.send(st.error_reply(event.stanza, "cancel", "not-allowed", "only the focus creates rooms here"));
		return true;
	end
end, 10);

module:hook("muc-get-default-role", function(event)
	if event.affiliation_rank < 2 then -- below admin
		return "visitor";
	end
end, 10);
