// The conference features the driver puts the clients through once their sessions are up, as the real client
// drives them (its JitsiConference API, the components found by disco#info): AV moderation with the focus's mute
// requests, a recording started and stopped through the focus, and a move to a breakout room.
// Each phase waits for what the clients should end up with and returns what they saw; judging is the caller's.
'use strict';

const STEP_MS = 10000; // each step's own deadline: a step that never completes is reported, not waited for
const PHASE_MS = 20000; // and each phase's, so that a broken phase leaves the driver time for the rest
const POLL_MS = 200;

function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms).unref());
}

function snapshotsOf(clients) {
    return Promise.all(clients.map(client => client.page.evaluate(() => window.judge.snapshot())));
}

// Waits until done(snapshot, all snapshots) holds for each of these clients, or STEP_MS or the phase's time
// passed; records in `steps` whether the step got there; the last snapshots.
async function step(steps, name, clients, done) {
    const deadline = Math.min(Date.now() + STEP_MS, steps.deadline);
    const holds = all => all.every(s => done(s, all));

    for (;;) {
        const snapshots = await snapshotsOf(clients);

        if (holds(snapshots) || Date.now() >= deadline) {
            steps.push({ step: name, reached: holds(snapshots) });

            return snapshots;
        }
        await sleep(POLL_MS);
    }
}

// A phase's list of steps, carrying the phase's deadline (not reported: JSON drops it).
function phaseSteps() {
    return Object.defineProperty([], 'deadline', { value: Date.now() + PHASE_MS });
}

function evaluate(client, fn, arg) {
    return client.page.evaluate(fn, arg);
}

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
async function avModeration(clients) {
    const [ moderator, approved, refused ] = clients;
    const result = { steps: phaseSteps() };

    // The moderator's role comes with a presence after the join, the component's address with disco#info.
    let snapshots = await step(result.steps, 'roles', clients,
        s => s.avModerationSupported && (s.name !== moderator.name || s.moderator));
    const endpoints = snapshots.map(s => s.endpoint);

    result.roles = snapshots.map(moderationView);
    result.moderator = endpoints[0];
    result.approved = endpoints[1];
    result.refused = endpoints[2];

    await evaluate(moderator, () => window.judge.enableAVModeration('audio'));
    snapshots = await step(result.steps, 'enabled', clients, s => sawEnabled(s, 'audio')
        && (s.name === moderator.name || (s.localAudioMuted === true && s.muteIn.some(m => m.media === 'audio'))));
    result.after_enable = snapshots.map(moderationView);

    await evaluate(moderator, id => window.judge.avModerationApprove('audio', id), result.approved);
    await step(result.steps, 'approved', [ moderator, approved ], s => (s.name === moderator.name
        ? s.avEvents.some(e => e.event === 'participant_approved' && e.participant === result.approved)
        : s.avEvents.some(e => e.event === 'approved' && e.mediaType === 'audio')));

    // Both unmute as a user would; lib-jitsi-meet asks the focus to lift the mute it imposed.
    await Promise.all([ approved, refused ].map(c => evaluate(c, () => window.judge.unmuteAudio())));
    await step(result.steps, 'unmute_answered', [ approved, refused ], unmuteAnswered);
    result.clients = (await snapshotsOf(clients)).map(moderationView);

    return result;
}

// The breakout room of a breakout rooms update (a client's last `rooms`), or null.
function breakoutRoomOf(rooms) {
    const room = Object.values(rooms || {}).find(r => !r.isMainRoom);

    return room ? room.jid : null;
}

// The SSRCs per owner that the focus signalled after the first `mark` Jingle actions of this client.
function signalledSince(snapshot, mark) {
    const owners = {};

    for (const entry of snapshot.jingleIn.slice(mark)) {
        if (entry.action !== 'session-initiate' && entry.action !== 'source-add') {
            continue;
        }
        for (const source of entry.sources) {
            if (source.owner && source.owner !== 'jvb') {
                owners[source.owner] = owners[source.owner] || { audio: [], video: [] };
                (owners[source.owner][source.media] = owners[source.owner][source.media] || []).push(source.ssrc);
            }
        }
    }

    return owners;
}

// The first client (a moderator) adds a breakout room through lib-jitsi-meet's BreakoutRooms API and sends the
// second client and itself there. Each is told by the component, leaves the main room and joins the breakout room
// (another MUC domain), where the focus must give both a new session with each other's sources.
async function breakoutMove(clients) {
    const [ moderator ] = clients;
    const result = { steps: phaseSteps() };
    let snapshots = await step(result.steps, 'supported', clients, s => s.breakout.supported);

    result.main_room = snapshots[0].room;
    const marks = snapshots.map(s => ({ jingleIn: s.jingleIn.length, jingleOut: s.jingleOut.length }));
    const mark = s => marks[clients.findIndex(c => c.name === s.name)];

    await evaluate(moderator, () => window.judge.createBreakoutRoom('Room A'));
    snapshots = await step(result.steps, 'added', clients, s => breakoutRoomOf(s.breakout.rooms) !== null);
    result.breakout_room = breakoutRoomOf(snapshots[0].breakout.rooms);
    if (!result.breakout_room) {
        return result;
    }

    // The other first, then the moderator itself, both through the component.
    for (const endpoint of [ snapshots[1].endpoint, snapshots[0].endpoint ]) {
        await evaluate(moderator, ([ who, where ]) => window.judge.sendToRoom(who, where),
            [ endpoint, result.breakout_room ]);
    }

    // Each holds the other's audio and video, signalled in the breakout room's session under its endpoint there.
    const inBreakout = s => s.room === result.breakout_room;

    snapshots = await step(result.steps, 'moved', clients, (s, all) => inBreakout(s)
        && s.jingleOut.slice(mark(s).jingleOut).some(e => e.action === 'session-accept' && e.reply === 'result')
        && all.filter(o => o.name !== s.name).every(o => {
            const owner = signalledSince(s, mark(s).jingleIn)[o.roomEndpoint];

            return inBreakout(o) && owner && owner.audio.length > 0 && owner.video.length > 0;
        }));
    result.clients = snapshots.map(s => ({
        name: s.name,
        endpoint: s.roomEndpoint,
        room: s.room,
        focus_muc_jid: s.focusMucJid,
        moves: s.breakout.moves,
        entered: s.breakout.entered,
        is_breakout_room: s.breakout.isBreakoutRoom,
        main_room_jid: s.breakout.mainRoomJid,
        jingle_in: s.jingleIn.slice(mark(s).jingleIn).map(e => ({ action: e.action, from: e.from, ack: e.ack })),
        jingle_out: s.jingleOut.slice(mark(s).jingleOut).map(e => ({ action: e.action, to: e.to, reply: e.reply })),
        signalled: signalledSince(s, mark(s).jingleIn),
        failures: s.failures
    }));

    return result;
}

// What the report keeps of a client's view of recording.
function recordingView(snapshot) {
    return {
        name: snapshot.name,
        endpoint: snapshot.endpoint,
        moderator: snapshot.moderator,
        recorder_events: snapshot.recorderEvents,
        recording_presence: snapshot.recordingPresence,
        failures: snapshot.failures
    };
}

function sawRecorderState(snapshot, sessionId, status) {
    return snapshot.recorderEvents.some(e => e.sessionId === sessionId && e.status === status);
}

// The second client, not a moderator, asks for a recording first and must be refused. Then the first client (a
// moderator) starts a file recording with lib-jitsi-meet's startRecording, which asks the focus; the focus has a
// Jibri of its brewery start it and tells the room in its presence. Every client must see the session go on
// (RECORDER_STATE_CHANGED); the moderator then stops it, and every client must see it go off.
async function recording(clients) {
    const [ moderator, participant ] = clients;
    const result = { steps: phaseSteps() };
    let snapshots = await step(result.steps, 'moderator', clients, s => s.name !== moderator.name || s.moderator);

    result.initiator = snapshots[0].endpoint;
    result.refused_participant = snapshots[1].endpoint;
    result.refused = await evaluate(participant, mode => window.judge.startRecording(mode), 'file');
    result.start = await evaluate(moderator, mode => window.judge.startRecording(mode), 'file');
    const sessionId = result.start.sessionId;

    if (!sessionId) {
        result.clients = snapshots.map(recordingView);

        return result;
    }
    snapshots = await step(result.steps, 'on', clients, s => sawRecorderState(s, sessionId, 'on'));
    result.after_start = snapshots.map(recordingView);

    result.stop = await evaluate(moderator, id => window.judge.stopRecording(id), sessionId);
    snapshots = await step(result.steps, 'off', clients, s => sawRecorderState(s, sessionId, 'off'));
    result.clients = snapshots.map(recordingView);

    return result;
}

module.exports = { avModeration, breakoutMove, recording };
