// The probe inside one page: joins a room with lib-jitsi-meet and records what the focus signals to this client
// (Jingle actions with their sources, the client's answers and their acks, conference events), for the driver.
(function () {
    'use strict';

    const JINGLE = 'urn:xmpp:jingle:1';
    const SSMA = 'urn:xmpp:jingle:apps:rtp:ssma:0';
    const JITMEET = 'http://jitsi.org/jitmeet';

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
        localTracks: []
    };
    const ssrcOwners = {}; // source-remove may name only the SSRC: the owner comes from the earlier signalling
    let connection = null;
    let conference = null;

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

    function onInput(stanza) {
        if (stanza.localName !== 'iq') {
            return;
        }
        const type = stanza.getAttribute('type');
        const id = stanza.getAttribute('id');
        if (type === 'result' || type === 'error') {
            const sent = state.jingleOut.find(entry => entry.id === id);
            if (sent) {
                sent.reply = type;
            }

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

    async function start(options) {
        state.name = options.name;
        JitsiMeetJS.init({ disableAudioLevels: true, disableThirdPartyRequests: true });
        JitsiMeetJS.setLogLevel(JitsiMeetJS.logLevels.INFO);
        await connect(options);

        const events = JitsiMeetJS.events.conference;

        // No peer-to-peer: every session must be the focus's, whatever the number of participants.
        conference = connection.initJitsiConference(options.room, { p2p: { enabled: false } });
        conference.on(events.TRACK_ADDED, track => countTrack(track, 1));
        conference.on(events.TRACK_REMOVED, track => countTrack(track, -1));
        conference.on(events.USER_JOINED, id => state.users.push({ id, event: 'joined' }));
        conference.on(events.USER_LEFT, id => state.users.push({ id, event: 'left' }));
        conference.on(events.CONFERENCE_FAILED, error => fail('CONFERENCE_FAILED', error));
        conference.on(events.CONFERENCE_ERROR, error => fail('CONFERENCE_ERROR', error));

        const tracks = await JitsiMeetJS.createLocalTracks({ devices: [ 'audio', 'video' ] });

        for (const track of tracks) {
            state.localTracks.push(track.getType());
            await conference.addTrack(track);
        }

        const joined = new Promise(resolve => conference.on(events.CONFERENCE_JOINED, resolve));

        conference.join();
        await joined;
        state.joined = true;
        state.endpoint = conference.myUserId();
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

        return JSON.parse(JSON.stringify(state));
    }

    window.judge = {
        start: options => start(options).then(() => true, error => {
            fail('start', error && error.stack ? error.stack : error);

            return false;
        }),
        leave,
        snapshot
    };
})();
