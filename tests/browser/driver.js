// Drives lib-jitsi-meet clients in headless Chromium (playwright-core, Debian's /usr/bin/chromium) through one
// conference: all join, wait for their sessions with everyone's sources, go through AV moderation and a recording
// (features.js), then one leaves and the others wait to lose its sources, and the two left move to a breakout room. Writes a JSON report of what each client saw; judging
// it is the caller's job.
//
// node driver.js --ws ws://127.0.0.1:<port>/xmpp-websocket --domain meet.test --room <room> [--clients 3]
//                [--timeout-ms 45000] [--report report.json] [--log browser.log]
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const features = require('./features');

const here = __dirname;
const modules = path.join(here, 'node_modules');
const setupHint = `run ${path.join(here, 'setup.sh')} (or scripts/install-deps.sh --with-tests)`;

function parseArguments(argv) {
    const options = { clients: 3, timeoutMs: 45000, report: null, log: null };

    for (let i = 2; i < argv.length; i += 2) {
        const value = argv[i + 1];

        switch (argv[i]) {
        case '--ws': options.serviceUrl = value; break;
        case '--domain': options.domain = value; break;
        case '--room': options.room = value; break;
        case '--clients': options.clients = Number(value); break;
        case '--timeout-ms': options.timeoutMs = Number(value); break;
        case '--report': options.report = value; break;
        case '--log': options.log = value; break;
        default: throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    if (!options.serviceUrl || !options.domain || !options.room || !(options.clients >= 2)) {
        throw new Error('needs --ws, --domain, --room and --clients >= 2');
    }

    return options;
}

// What the driver needs on this machine; a missing piece names the command that installs it.
function checkInstallation(executable) {
    const missing = [];

    if (!fs.existsSync(executable)) {
        missing.push(`${executable} (apt-get install -y chromium, or scripts/install-deps.sh --with-tests)`);
    }
    for (const file of [ 'playwright-core/package.json', 'jquery/dist/jquery.min.js',
        'lib-jitsi-meet-bundle/lib-jitsi-meet.min.js' ]) {
        if (!fs.existsSync(path.join(modules, file))) {
            missing.push(`${path.join(modules, file)} (${setupHint})`);
        }
    }

    return missing;
}

// The page and its scripts over HTTP on a free loopback port: the page under /, node_modules under /modules/.
function servePage() {
    const types = { '.html': 'text/html', '.js': 'application/javascript', '.map': 'application/json' };
    const server = http.createServer((request, response) => {
        const url = new URL(request.url, 'http://127.0.0.1');
        const file = url.pathname.startsWith('/modules/')
            ? path.join(modules, url.pathname.substring('/modules/'.length))
            : path.join(here, 'page', url.pathname === '/' ? 'index.html' : url.pathname);
        const root = url.pathname.startsWith('/modules/') ? modules : path.join(here, 'page');

        if (!path.resolve(file).startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
            response.writeHead(404);
            response.end();

            return;
        }
        response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
        fs.createReadStream(file).pipe(response);
    });

    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
    });
}

// A timer that does not keep the process alive once everything else is done.
function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms).unref());
}

// Polls every client's snapshot until `done` holds for all of them or the deadline passes; the last snapshots.
async function waitFor(clients, done, deadline) {
    for (;;) {
        const snapshots = await Promise.all(clients.map(client => client.page.evaluate(() => window.judge.snapshot())));

        if (snapshots.every(done) || Date.now() >= deadline) {
            return snapshots;
        }
        await sleep(200);
    }
}

// Remote sources per owner from what the focus signalled: session-initiate and source-add add, source-remove
// removes. The bridge's own feedback sources (owner "jvb") are not a participant's.
function remoteSources(snapshot) {
    const owners = {};

    for (const entry of snapshot.jingleIn) {
        const adding = entry.action === 'session-initiate' || entry.action === 'source-add';

        if (!adding && entry.action !== 'source-remove') {
            continue;
        }
        for (const source of entry.sources) {
            if (!source.owner || source.owner === 'jvb') {
                continue;
            }
            const owner = owners[source.owner] || { audio: [], video: [] };
            const list = owner[source.media] || [];

            owner[source.media] = adding ? [ ...new Set([ ...list, source.ssrc ]) ]
                : list.filter(ssrc => ssrc !== source.ssrc);
            owners[source.owner] = owner;
        }
    }

    return owners;
}

function sessionAccepted(snapshot) {
    return snapshot.jingleOut.some(entry => entry.action === 'session-accept' && entry.reply === 'result');
}

// Told about everyone else's audio and video, and applied all of it to the remote description (which the client
// does asynchronously, after acking the source-add).
function hasEveryoneElse(snapshot, endpoints) {
    const owners = remoteSources(snapshot);

    return endpoints.filter(id => id !== snapshot.endpoint).every(id => owners[id]
        && owners[id].audio.length > 0 && owners[id].video.length > 0
        && ssrcsOf(owners[id]).every(ssrc => snapshot.remoteSdpSsrcs.includes(ssrc)));
}

function ssrcsOf(byMedia) {
    return byMedia ? [ ...byMedia.audio, ...byMedia.video ] : [];
}

function liveTracks(snapshot, owner) {
    const counts = snapshot.remoteTracks[owner];

    return counts ? counts.audio + counts.video : 0;
}

async function main() {
    const options = parseArguments(process.argv);
    const executable = '/usr/bin/chromium';
    const missing = checkInstallation(executable);
    const report = { completed: false, clients: [], leaver: null, missing };
    const log = options.log ? fs.createWriteStream(options.log) : process.stderr;
    const writeReport = () => {
        const text = JSON.stringify(report, null, 1);

        if (options.report) {
            fs.writeFileSync(options.report, text);
        }
        process.stdout.write(`${text}\n`);
    };

    if (missing.length) {
        report.error = `missing: ${missing.join('; ')}`;
        writeReport();
        process.exitCode = 2;

        return;
    }

    const { chromium } = require(path.join(modules, 'playwright-core'));
    const server = await servePage();
    const pageUrl = `http://127.0.0.1:${server.address().port}/`;
    const browser = await chromium.launch({
        executablePath: executable,
        headless: true,
        args: [ '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream' ]
    });
    const begun = Date.now();
    const deadline = begun + options.timeoutMs;
    const clients = [];

    report.timings_ms = {};

    try {
        for (let i = 0; i < options.clients; ++i) {
            const name = `client${i + 1}`;
            const context = await browser.newContext({ permissions: [ 'camera', 'microphone' ] });
            const page = await context.newPage();

            page.on('console', message => log.write(`[${name}] ${message.type()}: ${message.text()}\n`));
            page.on('pageerror', error => log.write(`[${name}] pageerror: ${error.stack || error}\n`));
            await page.goto(pageUrl);
            clients.push({ name, context, page });
        }

        // One after another, as people arrive: each waits for CONFERENCE_JOINED (or its failure).
        for (const client of clients) {
            const started = client.page.evaluate(o => window.judge.start(o), {
                serviceUrl: options.serviceUrl,
                domain: options.domain,
                room: options.room,
                name: client.name
            });
            const timedOut = sleep(Math.max(deadline - Date.now(), 0)).then(() => false);

            client.started = await Promise.race([ started, timedOut ]);
        }

        let snapshots = await Promise.all(clients.map(c => c.page.evaluate(() => window.judge.snapshot())));
        const endpoints = snapshots.map(s => s.endpoint).filter(Boolean);

        snapshots = await waitFor(clients,
            s => s.joined && sessionAccepted(s) && hasEveryoneElse(s, endpoints), deadline);
        const before = snapshots;

        report.timings_ms.sessions = Date.now() - begun;

        // AV moderation with the sessions up (it changes no sources, so the leave below is judged as before);
        // without them, the features are not tried.
        const sessionsUp = before.every(s => s.joined && sessionAccepted(s));

        try {
            report.av_moderation = sessionsUp ? await features.avModeration(clients) : { error: 'no sessions' };
        } catch (error) {
            report.av_moderation = { error: String(error && error.stack ? error.stack : error) };
        }
        report.timings_ms.av_moderation = Date.now() - begun;

        // A recording started and stopped by the moderator (a Jibri of the focus's brewery; no sources change).
        try {
            report.recording = sessionsUp ? await features.recording(clients) : { error: 'no sessions' };
        } catch (error) {
            report.recording = { error: String(error && error.stack ? error.stack : error) };
        }
        report.timings_ms.recording = Date.now() - begun;

        // The last one leaves. The focus sends no source-remove for a participant who left (jicofo-protocol.md
        // §4(e)): each client removes the leaver's sources itself on its MUC leave. What is judged is what the
        // others end up with: the leaver's SSRCs gone from their remote description and its tracks removed.
        const leaver = clients[clients.length - 1];
        const leaverEndpoint = before[before.length - 1].endpoint;
        const stayers = clients.slice(0, -1);
        const marks = before.slice(0, -1).map(s => s.jingleIn.length);
        const leaverSsrcs = ssrcsOf(remoteSources(before[0])[leaverEndpoint]);

        report.leaver = { name: leaver.name, endpoint: leaverEndpoint, ssrcs: leaverSsrcs };
        await Promise.race([ leaver.page.evaluate(() => window.judge.leave()),
            sleep(5000) ]);

        const leaveDeadline = Date.now() + 15000;
        const after = await waitFor(stayers, s => leaverSsrcs.every(ssrc => !s.remoteSdpSsrcs.includes(ssrc))
            && liveTracks(s, leaverEndpoint) === 0, leaveDeadline);

        report.timings_ms.leave = Date.now() - begun;

        // The two who stayed move to a breakout room.
        try {
            report.breakout = sessionsUp ? await features.breakoutMove(stayers) : { error: 'no sessions' };
        } catch (error) {
            report.breakout = { error: String(error && error.stack ? error.stack : error) };
        }
        report.timings_ms.breakout = Date.now() - begun;

        report.clients = before.map((s, i) => {
            const entry = {
                name: s.name,
                endpoint: s.endpoint,
                joined: s.joined,
                focus_muc_jid: s.focusMucJid,
                local_tracks: s.localTracks,
                session_accepted: sessionAccepted(s),
                remote_sources: remoteSources(s),
                remote_tracks: s.remoteTracks,
                remote_sdp_ssrcs: s.remoteSdpSsrcs,
                jingle_in: s.jingleIn.map(e => ({ action: e.action, from: e.from, ack: e.ack, sources: e.sources.length })),
                jingle_out: s.jingleOut.map(e => ({ action: e.action, to: e.to, reply: e.reply, sources: e.sources.length })),
                failures: s.failures
            };

            if (i < after.length) {
                const late = after[i];
                const removes = late.jingleIn.slice(marks[i]).filter(e => e.action === 'source-remove');

                entry.after_leave = {
                    remote_sdp_ssrcs: late.remoteSdpSsrcs,
                    lost_ssrcs: s.remoteSdpSsrcs.filter(ssrc => !late.remoteSdpSsrcs.includes(ssrc)),
                    gained_ssrcs: late.remoteSdpSsrcs.filter(ssrc => !s.remoteSdpSsrcs.includes(ssrc)),
                    remote_tracks: late.remoteTracks,
                    source_remove_for_leaver: removes.flatMap(e => e.sources.filter(x => x.owner === leaverEndpoint))
                        .map(x => x.ssrc),
                    source_remove_for_others: removes.flatMap(e => e.sources.filter(x => x.owner !== leaverEndpoint))
                        .map(x => ({ owner: x.owner, ssrc: x.ssrc })),
                    jingle_in: late.jingleIn.slice(marks[i]).map(e => ({ action: e.action, ack: e.ack })),
                    jingle_out: late.jingleOut.slice(s.jingleOut.length).map(e => ({ action: e.action, reply: e.reply })),
                    users: late.users,
                    failures: late.failures
                };
            }

            return entry;
        });
        report.completed = true;
    } catch (error) {
        report.error = String(error && error.stack ? error.stack : error);
    } finally {
        writeReport();
        await browser.close().catch(() => undefined);
        server.close();
        if (log !== process.stderr) {
            log.end();
        }
    }
}

main().catch(error => {
    process.stdout.write(`${JSON.stringify({ completed: false, error: String(error && error.stack ? error.stack : error) })}\n`);
    process.exitCode = 1;
});
