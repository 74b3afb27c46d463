-- Loaded on the main VirtualHost: announces the room components in its disco#info, as Jitsi's VirtualHost modules
-- do, so that clients and the focus find them:
--   <identity category='component' type='av_moderation' name='avmoderation.meet.test'/>
-- Configuration: test_jitsi_identities = { av_moderation = "avmoderation.meet.test", ... }
local identities = module:get_option("test_jitsi_identities", {});

for identity_type, address in pairs(identities) do
	module:log("info", "announcing %s at %s", identity_type, address);
	module:add_identity("component", identity_type, address);
end
