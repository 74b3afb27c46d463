-- A test emulation of Jitsi Meet's AV moderation component (Component "avmoderation.<domain>"), written from the
-- protocol lib-jitsi-meet (modules/xmpp/AVModeration.ts) and the focus speak. Strict where the real one is lenient:
-- every refused request is logged and answered with a message error naming the reason.
--
-- Requests (from an occupant of a room of `muc_component`; the real component finds the room from the WebSocket
-- URL, we find the one room of that MUC the sender is in):
--   <message to='avmoderation.meet.test'><av_moderation enable='true|false' mediaType='audio|video|desktop'/>
--   <message ...><av_moderation jidToWhitelist='room@conference.meet.test/nick' mediaType='audio'/>
--   <message ...><av_moderation jidToBlacklist='room@conference.meet.test/nick' mediaType='audio'/>
-- Notices, <message from='avmoderation.meet.test' to=<occupant's real JID>><json-message
-- xmlns='http://jitsi.org/jitmeet'>JSON</json-message></message>:
--   to every occupant (the focus too): {"type":"av_moderation","room","enabled","mediaType","actor":occupant JID}
--   to every moderator (the focus too): {"type":"av_moderation","room","whitelists":{media:[occupant JIDs]},
--     "mediaType"[,"removed":true]}
--   to the non-moderator approved or rejected: {"type":"av_moderation","room","mediaType","approved":true} or
--     {..,"removed":true}; asked to unmute while moderation is off: {..,"approved":true,"from":moderator JID}
-- Enabling also sets the room metadata startMuted.<media> = true (restored on disable), without a broadcast.
local array = require "util.array";
local util = module:require "test_jitsi_util";

local muc_host = module:get_option_string("muc_component");
if not muc_host then
	module:log("error", "muc_component is not set");
	return;
end

local MEDIA_TYPES = { "audio", "video", "desktop" };
local KNOWN_MEDIA = { audio = true, video = true, desktop = true };

-- room.test_av_moderation[media] = { actor = occupant JID, whitelist = array of occupant JIDs } while enabled.
local function state_of(room)
	room.test_av_moderation = room.test_av_moderation or {};
	return room.test_av_moderation;
end

local function whitelists(room)
	local lists = {};
	for media, moderation in pairs(state_of(room)) do
		if #moderation.whitelist > 0 then
			lists[media] = array(moderation.whitelist);
		end
	end
	return lists;
end

local function send(to, room, payload)
	payload.type = "av_moderation";
	payload.room = room.jid;
	util.send_json(module.host, to, payload);
end

local function notify_enabled(to, room, media, enabled, actor)
	send(to, room, { enabled = enabled, mediaType = media, actor = actor });
end

local function notify_moderators(room, media, removed)
	for _, occupant in room:each_occupant() do
		if occupant.role == "moderator" then
			send(occupant.jid, room, { whitelists = whitelists(room), mediaType = media, removed = removed or nil });
		end
	end
end

local function set_start_muted(room, media, enable)
	room.jitsiMetadata = room.jitsiMetadata or {};
	local start_muted = room.jitsiMetadata.startMuted or {};
	room.test_start_muted_restore = room.test_start_muted_restore or {};
	if enable then
		room.test_start_muted_restore[media] = start_muted[media];
		start_muted[media] = true;
	else
		start_muted[media] = room.test_start_muted_restore[media];
	end
	room.jitsiMetadata.startMuted = start_muted;
end

local function enable(event, room, actor, media, value)
	local state = state_of(room);
	if value == "true" then
		if state[media] then
			return util.refuse(event, "cancel", "conflict", media .. " moderation is already enabled in " .. room.jid);
		end
		local whitelist = array();
		for _, occupant in room:each_occupant() do
			if occupant.role == "moderator" and util.nick_of(occupant.nick) ~= "focus" then
				whitelist:push(occupant.nick);
			end
		end
		state[media] = { actor = actor.nick, whitelist = whitelist };
		set_start_muted(room, media, true);
	elseif value == "false" then
		if not state[media] then
			return util.refuse(event, "wait", "unexpected-request", media .. " moderation is not enabled in " .. room.jid);
		end
		state[media] = nil;
		set_start_muted(room, media, false);
	else
		return util.refuse(event, "modify", "bad-request", "enable must be true or false, not " .. value);
	end
	module:log("info", "%s moderation %s in %s by %s", media, value == "true" and "enabled" or "disabled", room.jid,
		actor.nick);
	for _, occupant in room:each_occupant() do
		notify_enabled(occupant.jid, room, media, value == "true", actor.nick);
	end
	if value == "true" then
		notify_moderators(room, media);
	end
	return true;
end

local function approve(event, room, actor, media, target_jid)
	local target = room:get_occupant_by_nick(target_jid);
	if not target then
		return util.refuse(event, "cancel", "item-not-found", "no occupant " .. target_jid .. " in " .. room.jid);
	end
	local moderation = state_of(room)[media];
	if not moderation then
		-- Not an error in Jitsi: a moderator asks a participant to unmute; only that participant hears of it.
		send(target.jid, room, { approved = true, mediaType = media, from = actor.nick });
		return true;
	end
	for _, listed in ipairs(moderation.whitelist) do
		if listed == target_jid then
			return util.refuse(event, "cancel", "conflict", target_jid .. " is already approved for " .. media);
		end
	end
	moderation.whitelist:push(target_jid);
	notify_moderators(room, media);
	if target.role ~= "moderator" then
		send(target.jid, room, { approved = true, mediaType = media });
	end
	return true;
end

local function reject(event, room, media, target_jid)
	local target = room:get_occupant_by_nick(target_jid);
	if not target then
		return util.refuse(event, "cancel", "item-not-found", "no occupant " .. target_jid .. " in " .. room.jid);
	end
	local moderation = state_of(room)[media];
	if not moderation then
		return util.refuse(event, "wait", "unexpected-request", media .. " moderation is not enabled in " .. room.jid);
	end
	local index;
	for i, listed in ipairs(moderation.whitelist) do
		if listed == target_jid then
			index = i;
		end
	end
	if not index then
		return util.refuse(event, "cancel", "item-not-found", target_jid .. " is not approved for " .. media);
	end
	moderation.whitelist:pop(index);
	notify_moderators(room, media, true);
	if target.role ~= "moderator" then
		send(target.jid, room, { removed = true, mediaType = media });
	end
	return true;
end

module:hook("message/host", function(event)
	local stanza = event.stanza;
	if stanza.attr.type == "error" then
		return true; -- never answer an error (no loops)
	end
	local command = stanza:get_child("av_moderation");
	if not command then
		return util.refuse(event, "modify", "bad-request", "expected an <av_moderation/> element");
	end
	local from = stanza.attr.from;
	local found = util.rooms_of(muc_host, from);
	if #found == 0 then
		return util.refuse(event, "cancel", "item-not-found", from .. " is in no room of " .. muc_host);
	elseif #found > 1 then
		return util.refuse(event, "modify", "bad-request", from .. " is in several rooms of " .. muc_host);
	end
	local room, actor = found[1].room, found[1].occupant;
	if actor.role ~= "moderator" then
		return util.refuse(event, "auth", "forbidden", actor.nick .. " is not a moderator of " .. room.jid);
	end
	local media = command.attr.mediaType;
	if not KNOWN_MEDIA[media or ""] then
		return util.refuse(event, "modify", "bad-request", "mediaType must be audio, video or desktop");
	end
	local attrs = command.attr;
	local given = (attrs.enable and 1 or 0) + (attrs.jidToWhitelist and 1 or 0) + (attrs.jidToBlacklist and 1 or 0);
	if given ~= 1 then
		return util.refuse(event, "modify", "bad-request", "exactly one of enable, jidToWhitelist, jidToBlacklist");
	end
	if attrs.enable then
		return enable(event, room, actor, media, attrs.enable);
	elseif attrs.jidToWhitelist then
		return approve(event, room, actor, media, attrs.jidToWhitelist);
	end
	return reject(event, room, media, attrs.jidToBlacklist);
end, 10);

-- Somebody joining a room under moderation hears which media are moderated; a moderator joining makes every
-- moderator get the lists again. The focus (a server admin) gets neither, as in Jitsi.
util.on_host(muc_host, function(muc_module)
	muc_module:hook("muc-occupant-joined", function(event)
		local room, occupant = event.room, event.occupant;
		if util.is_admin(occupant.bare_jid, muc_host) or not room.test_av_moderation then
			return;
		end
		for _, media in ipairs(MEDIA_TYPES) do
			local moderation = room.test_av_moderation[media];
			if moderation then
				notify_enabled(occupant.jid, room, media, true, moderation.actor);
			end
		end
		if room:get_role(occupant.nick) == "moderator" then
			for _, media in ipairs(MEDIA_TYPES) do
				if room.test_av_moderation[media] then
					notify_moderators(room, media);
				end
			end
		end
	end, -2);
end);

module:log("info", "AV moderation for %s", muc_host);
