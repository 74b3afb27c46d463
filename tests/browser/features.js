// The conference features the driver puts the clients through once their sessions are up: AV moderation as the
// real client drives it (its JitsiConference API, the component found by disco#info, the focus's mute requests).
// Each phase waits for what the clients should end up with and returns what they saw; judging is the caller's.
'use strict';

const STEP_MS = 10000; // each step's own deadline: a step that never completes is reported, not waited for

// What the report keeps of a client's moderation state.
function moderationView(snapshot) {
    return {
        name: snapshot.name,
        endpoint: snapshot.endpoint,
        moderator: snapshot.moderator,
        av_moderation_supported: snapshot.avModerationSupported,
        local_audio_muted: snapshot.localAudioMuted,
        av_events: snapshot.avEvents,
        local_mute_changes: snapshot.localMuteChanges,
        mute_in: snapshot.muteIn,
        mute_out: snapshot.muteOut,
        failures: snapshot.failures
    };
}

function sawEnabled(snapshot, media) {
    return snapshot.avEvents.some(e => e.event === 'changed' && e.enabled === true && e.mediaType === media);
}

function unmuteAnswered(snapshot) {
    return snapshot.muteOut.some(e => e.media === 'audio' && e.value === 'false' && e.reply !== null);
}

// The first client (the room's owner, by the focus's auto-owner) turns audio moderation on: the others are told,
// and the focus mutes them (a mute request with the moderator as actor, which lib-jitsi-meet applies to its local
// audio track). The moderator then approves the second client: it may unmute, and the focus accepts its unmute
// request; the third client unmutes without approval and the focus refuses.
async function avModeration(clients, { waitFor }) {
    const [ moderator, approved, refused ] = clients;
    const evaluate = (client, fn, arg) => client.page.evaluate(fn, arg);
    const step = () => Date.now() + STEP_MS;
    const result = { steps: [] };
    const reached = (name, snapshots, done) => {
        result.steps.push({ step: name, reached: snapshots.every(done) });
    };

    // The moderator's role comes with a presence after the join, the component's address with disco#info.
    let done = s => s.avModerationSupported && (s.name !== moderator.name || s.moderator);
    let snapshots = await waitFor(clients, done, step());

    reached('roles', snapshots, done);
    const endpoints = snapshots.map(s => s.endpoint);

    result.roles = snapshots.map(moderationView);
    result.moderator = endpoints[0];
    result.approved = endpoints[1];
    result.refused = endpoints[2];

    await evaluate(moderator, () => window.judge.enableAVModeration('audio'));
    done = s => sawEnabled(s, 'audio')
        && (s.name === moderator.name || (s.localAudioMuted === true && s.muteIn.some(m => m.media === 'audio')));
    snapshots = await waitFor(clients, done, step());
    reached('enabled', snapshots, done);
    result.after_enable = snapshots.map(moderationView);

    await evaluate(moderator, id => window.judge.avModerationApprove('audio', id), result.approved);
    done = s => (s.name !== approved.name || s.avEvents.some(e => e.event === 'approved' && e.mediaType === 'audio'))
        && (s.name !== moderator.name || s.avEvents.some(e => e.event === 'participant_approved'
            && e.participant === result.approved));
    snapshots = await waitFor([ moderator, approved ], done, step());
    reached('approved', snapshots, done);

    // Both unmute as a user would; lib-jitsi-meet asks the focus to lift the mute it imposed.
    await Promise.all([ approved, refused ].map(c => evaluate(c, () => window.judge.unmuteAudio())));
    snapshots = await waitFor([ approved, refused ], unmuteAnswered, step());
    reached('unmute_answered', snapshots, unmuteAnswered);

    result.clients = (await Promise.all(clients.map(c => evaluate(c, () => window.judge.snapshot()))))
        .map(moderationView);

    return result;
}

module.exports = { avModeration };
