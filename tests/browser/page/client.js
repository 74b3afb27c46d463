// The probe inside one page: joins a room with lib-jitsi-meet and records what the focus signals to this client
// (Jingle actions with their sources, the client's answers and their acks, mute requests both ways, conference
// events, AV moderation events, recording states), for the driver. It also drives the client's moderation and
// recording APIs on request.
(function () {
    'use strict';

    const JINGLE = 'urn:xmpp:jingle:1';
    const SSMA = 'urn:xmpp:jingle:apps:rtp:ssma:0';
    const JITMEET = 'http://jitsi.org/jitmeet';
    const JIBRI = 'http://jitsi.org/protocol/jibri';

    const state = {
        name: '',
        endpoint: null,
        joined: false,
        focusMucJid: null,
        failures: [],
        users: [],
        jingleIn: [], // what the focus sent: {id, action, from, sources: [{owner, media, ssrc}], ack}
        jingleOut: [], // what this client sent: {id, action, to, sources, reply}
        remoteTracks: {}, // endpoint -> {audio, video}: remote tracks live now
        remoteSdpSsrcs: [], // the SSRCs in the session's current remote description
        localTracks: [],
        moderator: false, // conference.isModerator()
        avModerationSupported: false, // the client found the AV moderation component (disco#info of its domain)
        localAudioMuted: null,
        avEvents: [], // AV moderation events: {event, mediaType, enabled, actor, participant}
        localMuteChanges: [], // TRACK_MUTE_CHANGED of local tracks: {type, muted, actor}
        muteIn: [], // mute requests from anyone (the focus): {id, from, media, actor, value}
        muteOut: [], // mute requests this client sent: {id, to, media, jid, value, reply, condition}
        room: null, // the room the client is in now
        roomEndpoint: null, // its endpoint there (lib-jitsi-meet takes a new nick in every room)
        // Breakout rooms: the component found, its last update's rooms, the moves it asked for, the rooms entered,
        // and what lib-jitsi-meet learnt of the current room (its disco#info).
        breakout: { supported: false, updates: 0, rooms: null, moves: [], entered: [], isBreakoutRoom: false,
            mainRoomJid: null },
        // Recording: RECORDER_STATE_CHANGED as the application sees it ({status, sessionId, mode, error, initiator,
        // terminator}), and each change of the focus's <jibri-recording-status/> in its presence, as sent.
        recorderEvents: [],
        recordingPresence: []
    };
    const ssrcOwners = {}; // source-remove may name only the SSRC: the owner comes from the earlier signalling
    let connection = null;
    let conference = null;
    let localTracks = []; // created once, added to every room the client enters

    function fail(what, detail) {
        state.failures.push(`${what}: ${detail === undefined ? '' : String(detail)}`);
    }

    function childByNs(elem, name, ns) {
        for (const child of Array.from(elem.children || [])) {
            if (child.localName === name && (!ns || child.namespaceURI === ns || child.getAttribute('xmlns') === ns)) {
                return child;
            }
        }
        return null;
    }

    // The media of a <mute xmlns='http://jitsi.org/jitmeet/<media>'> child of an IQ, with the element.
    function muteOf(stanza) {
        for (const media of [ 'audio', 'video', 'desktop' ]) {
            const mute = childByNs(stanza, 'mute', `${JITMEET}/${media}`);

            if (mute) {
                return { media, mute };
            }
        }

        return null;
    }

    // The defined condition of an error reply (the first child of <error> that is not its text).
    function errorCondition(stanza) {
        const error = childByNs(stanza, 'error');
        const condition = error && Array.from(error.children).find(child => child.localName !== 'text');

        return condition ? condition.localName : null;
    }

    function resourceOf(jid) {
        const slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(slash + 1);
    }

    // Every <source> under the Jingle contents, with its owner (inline ssrc-info, or what an earlier action said).
    function sourcesOf(jingle) {
        const sources = [];
        for (const content of Array.from(jingle.getElementsByTagName('content'))) {
            const description = childByNs(content, 'description');
            if (!description) {
                continue;
            }
            const media = description.getAttribute('media') || content.getAttribute('name');
            for (const source of Array.from(description.children)) {
                if (source.localName !== 'source') {
                    continue;
                }
                const ssrc = Number(source.getAttribute('ssrc'));
                const info = childByNs(source, 'ssrc-info', JITMEET);
                let owner = info ? resourceOf(info.getAttribute('owner') || '') : null;
                if (owner) {
                    ssrcOwners[ssrc] = owner;
                } else {
                    owner = ssrcOwners[ssrc] || null;
                }
                sources.push({ owner, media, ssrc, name: source.getAttribute('name') });
            }
        }

        return sources;
    }

    function eachStanza(elem, handle) {
        if (elem.localName === 'wrapper' || elem.localName === 'body') {
            Array.from(elem.children).forEach(handle);
        } else {
            handle(elem);
        }
    }

    // The focus's <jibri-recording-status/> (its attributes), when it differs from the last one it sent: presence
    // repeats every extension with every change.
    function onPresence(stanza) {
        const from = stanza.getAttribute('from') || '';
        const status = childByNs(stanza, 'jibri-recording-status', JIBRI);

        if (!status || resourceOf(from) !== 'focus') {
            return;
        }
        const entry = { from };

        for (const name of [ 'status', 'session_id', 'initiator', 'recording_mode', 'failure_reason' ]) {
            entry[name] = status.getAttribute(name);
        }
        const last = state.recordingPresence[state.recordingPresence.length - 1];

        if (!last || JSON.stringify(last) !== JSON.stringify(entry)) {
            state.recordingPresence.push(entry);
        }
    }

    function onInput(stanza) {
        if (stanza.localName === 'presence') {
            onPresence(stanza);

            return;
        }
        if (stanza.localName !== 'iq') {
            return;
        }
        const type = stanza.getAttribute('type');
        const id = stanza.getAttribute('id');
        if (type === 'result' || type === 'error') {
            const sent = state.jingleOut.find(entry => entry.id === id) || state.muteOut.find(entry => entry.id === id);
            if (sent) {
                sent.reply = type;
                sent.condition = type === 'error' ? errorCondition(stanza) : null;
            }

            return;
        }
        const mute = muteOf(stanza);
        if (mute) {
            state.muteIn.push({
                id,
                from: stanza.getAttribute('from'),
                media: mute.media,
                actor: mute.mute.getAttribute('actor'),
                value: mute.mute.textContent
            });

            return;
        }
        const jingle = childByNs(stanza, 'jingle', JINGLE);
        if (!jingle) {
            return;
        }
        const entry = {
            id,
            action: jingle.getAttribute('action'),
            from: stanza.getAttribute('from'),
            sources: [],
            ack: null
        };
        state.jingleIn.push(entry);

        // lib-jitsi-meet expands JSON-encoded sources into <source> elements of this same stanza while handling
        // it, which happens right after this hook returns: read the sources then.
        setTimeout(() => {
            entry.sources = sourcesOf(jingle);
        }, 0);
    }

    function onOutput(stanza) {
        if (stanza.localName !== 'iq') {
            return;
        }
        const type = stanza.getAttribute('type');
        const id = stanza.getAttribute('id');
        if (type === 'result' || type === 'error') {
            const received = state.jingleIn.find(entry => entry.id === id);
            if (received) {
                received.ack = type;
            }

            return;
        }
        const mute = muteOf(stanza);
        if (mute) {
            state.muteOut.push({
                id,
                to: stanza.getAttribute('to'),
                media: mute.media,
                jid: mute.mute.getAttribute('jid'),
                value: mute.mute.textContent,
                reply: null,
                condition: null
            });

            return;
        }
        const jingle = childByNs(stanza, 'jingle', JINGLE);
        if (jingle) {
            state.jingleOut.push({
                id,
                action: jingle.getAttribute('action'),
                to: stanza.getAttribute('to'),
                sources: sourcesOf(jingle),
                reply: null
            });
        }
    }

    function hookStrophe(strophe) {
        const input = strophe.xmlInput.bind(strophe);
        const output = strophe.xmlOutput.bind(strophe);

        strophe.xmlInput = elem => {
            eachStanza(elem, onInput);
            input(elem);
        };
        strophe.xmlOutput = elem => {
            eachStanza(elem, onOutput);
            output(elem);
        };
    }

    function countTrack(track, delta) {
        if (track.isLocal()) {
            return;
        }
        const owner = track.getParticipantId();
        const counts = state.remoteTracks[owner] || { audio: 0, video: 0 };

        counts[track.getType()] += delta;
        state.remoteTracks[owner] = counts;
    }

    function connect(options) {
        return new Promise((resolve, reject) => {
            const events = JitsiMeetJS.events.connection;

            connection = new JitsiMeetJS.JitsiConnection(null, null, {
                hosts: {
                    domain: options.domain,
                    muc: `conference.${options.domain}`,
                    focus: `focus.${options.domain}`
                },
                serviceUrl: options.serviceUrl,
                websocketKeepAlive: -1
            });
            hookStrophe(connection.xmpp.connection._stropheConn);
            connection.addEventListener(events.CONNECTION_ESTABLISHED, () => resolve());
            connection.addEventListener(events.CONNECTION_FAILED, (error, message) => {
                fail('CONNECTION_FAILED', `${error} ${message || ''}`);
                reject(new Error(`connection failed: ${error}`));
            });
            connection.connect();
        });
    }

    // Creates the conference of a room, with the probe's handlers, adds the local tracks and joins it.
    async function enter(room, extraOptions) {
        const events = JitsiMeetJS.events.conference;

        // No peer-to-peer: every session must be the focus's, whatever the number of participants.
        conference = connection.initJitsiConference(room, Object.assign({ p2p: { enabled: false } }, extraOptions));
        conference.on(events.TRACK_ADDED, track => countTrack(track, 1));
        conference.on(events.TRACK_REMOVED, track => countTrack(track, -1));
        conference.on(events.USER_JOINED, id => state.users.push({ id, event: 'joined' }));
        conference.on(events.USER_LEFT, id => state.users.push({ id, event: 'left' }));
        conference.on(events.CONFERENCE_FAILED, error => fail('CONFERENCE_FAILED', error));
        conference.on(events.CONFERENCE_ERROR, error => fail('CONFERENCE_ERROR', error));
        recordModeration(events);
        recordBreakoutRooms(events);
        recordRecording(events);

        for (const track of localTracks) {
            await conference.addTrack(track);
        }

        const joined = new Promise(resolve => conference.on(events.CONFERENCE_JOINED, resolve));

        conference.join();
        await joined;
    }

    async function start(options) {
        state.name = options.name;
        JitsiMeetJS.init({ disableAudioLevels: true, disableThirdPartyRequests: true });
        JitsiMeetJS.setLogLevel(JitsiMeetJS.logLevels.INFO);
        await connect(options);
        localTracks = await JitsiMeetJS.createLocalTracks({ devices: [ 'audio', 'video' ] });
        state.localTracks = localTracks.map(track => track.getType());
        await enter(options.room, {});
        state.joined = true;
        state.endpoint = conference.myUserId();
    }

    // Asked by the breakout rooms component to move, the client does what the Jitsi Meet app does: leaves its
    // room and joins the other (a room of another MUC domain) with the same connection and tracks.
    async function moveTo(roomJid) {
        const at = roomJid.indexOf('@');

        await conference.leave();
        await enter(roomJid.substring(0, at), { customDomain: roomJid.substring(at + 1) });
        state.breakout.entered.push(roomJid);
    }

    function recordBreakoutRooms(events) {
        conference.on(events.BREAKOUT_ROOMS_UPDATED, payload => {
            state.breakout.updates += 1;
            state.breakout.rooms = payload.rooms;
        });
        conference.on(events.BREAKOUT_ROOMS_MOVE_TO_ROOM, roomJid => {
            state.breakout.moves.push(roomJid);
            moveTo(roomJid).catch(error => fail('moveTo', error && error.stack ? error.stack : error));
        });
    }

    // A moderator sends a participant, named by its endpoint, to a room: the component wants the participant's
    // real JID, which its last update listed.
    function sendToRoom(endpoint, roomJid) {
        for (const room of Object.values(state.breakout.rooms || {})) {
            for (const [ occupant, participant ] of Object.entries(room.participants || {})) {
                if (resourceOf(occupant) === endpoint) {
                    conference.getBreakoutRooms().sendParticipantToRoom(participant.jid, roomJid);

                    return true;
                }
            }
        }
        fail('sendToRoom', `${endpoint} is in no room of the last breakout rooms update`);

        return false;
    }

    function idOf(participant) {
        return participant ? participant.getId() : null;
    }

    function recordModeration(events) {
        const record = (event, fields) => state.avEvents.push(Object.assign({ event }, fields));

        conference.on(events.AV_MODERATION_CHANGED, ({ enabled, mediaType, actor }) =>
            record('changed', { enabled, mediaType, actor: idOf(actor) }));
        conference.on(events.AV_MODERATION_APPROVED, ({ mediaType }) => record('approved', { mediaType }));
        conference.on(events.AV_MODERATION_REJECTED, ({ mediaType }) => record('rejected', { mediaType }));
        conference.on(events.AV_MODERATION_PARTICIPANT_APPROVED, ({ participant, mediaType }) =>
            record('participant_approved', { mediaType, participant: idOf(participant) }));
        conference.on(events.AV_MODERATION_PARTICIPANT_REJECTED, ({ participant, mediaType }) =>
            record('participant_rejected', { mediaType, participant: idOf(participant) }));
        // A mute the focus asked for names its actor (lib-jitsi-meet resolves the focus's actor attribute).
        conference.on(events.TRACK_MUTE_CHANGED, (track, actor) => {
            if (track.isLocal()) {
                state.localMuteChanges.push({ type: track.getType(), muted: track.isMuted(), actor: idOf(actor) });
            }
        });
    }

    // An initiator or terminator: a JitsiParticipant, or the resource when it is this client (lib-jitsi-meet).
    function endpointOf(who) {
        if (who === undefined || who === null) {
            return null;
        }

        return typeof who === 'string' ? who : who.getId();
    }

    function recordRecording(events) {
        conference.on(events.RECORDER_STATE_CHANGED, session => state.recorderEvents.push({
            status: session.getStatus() || null,
            sessionId: session.getID() || null,
            mode: session.getMode() || null,
            error: session.getError() || null,
            initiator: endpointOf(session.getInitiator()),
            terminator: endpointOf(session.getTerminator())
        }));
    }

    // What a failed recording request's promise carries: the IQ error (its condition), or an Error.
    function requestFailure(error) {
        if (error && typeof error.getElementsByTagName === 'function') {
            return { reply: 'error', condition: errorCondition(error) };
        }

        return { reply: 'failed', condition: null, error: String(error && error.stack ? error.stack : error) };
    }

    // conference.startRecording as the application calls it; the promise gives the session once the focus accepted.
    function startRecording(mode) {
        return conference.startRecording({ mode }).then(
            session => ({ reply: 'result', sessionId: session.getID() || null, status: session.getStatus() || null }),
            requestFailure);
    }

    function stopRecording(sessionId) {
        return conference.stopRecording(sessionId).then(() => ({ reply: 'result' }), requestFailure);
    }

    // Unmutes the local audio track, as a user pressing the button does; lib-jitsi-meet asks the focus to lift
    // its mute when the focus had muted it.
    async function unmuteAudio() {
        const track = conference.getLocalAudioTrack();

        if (!track) {
            throw new Error('no local audio track');
        }
        await track.unmute();
    }

    async function leave() {
        await conference.leave();
        await new Promise(resolve => {
            connection.addEventListener(JitsiMeetJS.events.connection.CONNECTION_DISCONNECTED, resolve);
            connection.disconnect();
        });
    }

    // What the client applied, as opposed to what it was told: a participant who leaves is removed from the
    // remote description by the client itself, without any signalling.
    function remoteSdpSsrcs() {
        const session = conference && conference.jvbJingleSession;
        const pc = session && session.peerconnection && session.peerconnection.peerconnection;
        const sdp = pc && pc.remoteDescription ? pc.remoteDescription.sdp : '';

        return [ ...new Set((sdp.match(/^a=ssrc:\d+/gm) || []).map(line => Number(line.substring(7)))) ];
    }

    function snapshot() {
        state.focusMucJid = conference && conference.room ? conference.room.focusMucJid || null : null;
        state.remoteSdpSsrcs = remoteSdpSsrcs();
        if (conference) {
            const audio = conference.getLocalAudioTrack();

            state.moderator = conference.isModerator();
            state.avModerationSupported = conference.isAVModerationSupported();
            state.localAudioMuted = audio ? audio.isMuted() : null;
            state.room = conference.room ? conference.room.roomjid : null;
            state.roomEndpoint = conference.myUserId();
            const breakout = conference.getBreakoutRooms();

            state.breakout.supported = Boolean(breakout && breakout.isSupported());
            state.breakout.isBreakoutRoom = Boolean(breakout && breakout.isBreakoutRoom());
            state.breakout.mainRoomJid = breakout ? breakout.getMainRoomJid() || null : null;
        }

        return JSON.parse(JSON.stringify(state));
    }

    window.judge = {
        start: options => start(options).then(() => true, error => {
            fail('start', error && error.stack ? error.stack : error);

            return false;
        }),
        leave,
        snapshot,
        enableAVModeration: media => conference.enableAVModeration(media),
        disableAVModeration: media => conference.disableAVModeration(media),
        avModerationApprove: (media, id) => conference.avModerationApprove(media, id),
        createBreakoutRoom: subject => conference.getBreakoutRooms().createBreakoutRoom(subject),
        sendToRoom,
        startRecording,
        stopRecording,
        unmuteAudio: () => unmuteAudio().then(() => true, error => {
            fail('unmuteAudio', error && error.stack ? error.stack : error);

            return false;
        })
    };
})();
