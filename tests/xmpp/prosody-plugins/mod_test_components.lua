-- Announces Jitsi's components on the host the way Jitsi's own Prosody modules do (an identity of category
-- "component" whose name is the component's address), so that component discovery is tested against Prosody.
module:add_identity("component", "breakout_rooms", "breakout." .. module.host);
module:add_identity("component", "av_moderation", "avmoderation." .. module.host);
module:add_identity("component", "room_metadata", "metadata." .. module.host);
module:add_identity("component", "visitors", "visitors." .. module.host);
