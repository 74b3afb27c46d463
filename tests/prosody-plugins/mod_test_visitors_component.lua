-- A test emulation of Jitsi Meet's visitors component (Component "visitors.<domain>"), written from the protocol
-- the focus speaks to it (jicofo's VisitorsManager). Strict: only the focus account may talk to it, and only in the
-- shape the focus uses:
--   <iq type='get' to='visitors.meet.test'>
--     <visitors xmlns='jitsi:visitors' room='room1@conference.meet.test'>
--       <connect-vnode xmlns='jitsi:visitors' vnode='v1'/>      (or <disconnect-vnode vnode='v1'/>)
--     </visitors></iq>
-- One request may carry several connect-vnode/disconnect-vnode children (Jitsi's component handles each; the focus
-- disconnects all its vnodes in one request as a conference ends).
-- Answers: result for an accepted request; forbidden for any other sender; bad-request for a malformed one (no
-- room, a room that is not a bare JID of the main MUC, no child or a child that is not connect-vnode or
-- disconnect-vnode, a child without a vnode), and then none of its children counts; item-not-found for a
-- connect-vnode to a room that does not exist (the focus is in the main room before it connects a vnode). A
-- disconnect-vnode may name a room that is already gone: the focus sends it as the conference ends (Jitsi's
-- component ignores those; this one records them so that a test sees the focus sent them).
-- Every accepted child is appended to <data_path>/test_visitors_requests.txt as "<n> <action> <room> <vnode>", so
-- that a test reads what the focus asked, in order.
--
-- Configuration: visitors_focus_jid = "focus@auth.meet.test"; visitors_main_muc = "conference.meet.test".
local st = require "util.stanza";
local jid = require "util.jid";

local NS = "jitsi:visitors";
local focus_jid = module:get_option_string("visitors_focus_jid");
local main_muc = module:get_option_string("visitors_main_muc");
if not focus_jid or not main_muc then
	module:log("error", "visitors_focus_jid and visitors_main_muc must be set");
	return;
end
local record_file = prosody.paths.data .. "/test_visitors_requests.txt";
local count = 0;

local function refuse(event, error_type, condition, reason)
	local stanza = event.stanza;
	module:log("warn", "refused %s from %s: %s (%s)", stanza.attr.type, tostring(stanza.attr.from), reason, condition);
	event.origin.send(st.error_reply(stanza, error_type, condition, reason, module.host));
	return true;
end

local function record(action, room_jid, vnode)
	count = count + 1;
	local file, err = io.open(record_file, "a");
	if not file then
		module:log("error", "cannot record to %s: %s", record_file, err);
		return false;
	end
	file:write(("%d %s %s %s\n"):format(count, action, room_jid, vnode));
	file:close();
	return true;
end

local function room_exists(room_jid)
	local host = prosody.hosts[main_muc];
	local muc = host and host.modules.muc;
	return muc ~= nil and muc.get_room_from_jid(room_jid) ~= nil;
end

local function handle(event)
	local stanza = event.stanza;
	if jid.bare(stanza.attr.from) ~= focus_jid then
		return refuse(event, "auth", "forbidden", "only the focus may use the visitors component");
	end
	local request = stanza.tags[1];
	if #stanza.tags ~= 1 or request.name ~= "visitors" or request.attr.xmlns ~= NS then
		return refuse(event, "modify", "bad-request", "expected exactly one <visitors xmlns='jitsi:visitors'/>");
	end
	local room_jid = request.attr.room;
	if not room_jid or room_jid == "" then
		return refuse(event, "modify", "bad-request", "visitors request without a room");
	end
	local node, host, resource = jid.split(room_jid);
	if not node or resource or host ~= main_muc or jid.prep(room_jid) ~= room_jid then
		return refuse(event, "modify", "bad-request", room_jid .. " is not a bare room JID of " .. main_muc);
	end
	if #request.tags == 0 then
		return refuse(event, "modify", "bad-request", "no connect-vnode or disconnect-vnode");
	end
	for _, action in ipairs(request.tags) do
		if (action.name ~= "connect-vnode" and action.name ~= "disconnect-vnode") or action.attr.xmlns ~= NS then
			return refuse(event, "modify", "bad-request", "unknown request <" .. action.name .. "/>");
		end
		local vnode = action.attr.vnode;
		if not vnode or not vnode:match("^[%w_%-]+$") then
			return refuse(event, "modify", "bad-request", action.name .. " without a valid vnode");
		end
		if action.name == "connect-vnode" and not room_exists(room_jid) then
			return refuse(event, "cancel", "item-not-found", "no room " .. room_jid);
		end
	end
	for _, action in ipairs(request.tags) do
		if not record(action.name, room_jid, action.attr.vnode) then
			return refuse(event, "wait", "internal-server-error", "cannot record the request");
		end
		module:log("info", "%s %s for %s", action.name, action.attr.vnode, room_jid);
	end
	event.origin.send(st.reply(stanza));
	return true;
end

module:hook("iq/host", function(event)
	local stanza = event.stanza;
	if stanza.attr.type == "result" or stanza.attr.type == "error" then
		return true;
	end
	return handle(event);
end);
