// Looks at jicofo's status page in headless Chromium (playwright-core, Debian's /usr/bin/chromium) as a person would.
// For each count of --counts in turn, on the same page (never reloaded), it waits until the conference's row shows
// that many participants (and, for the first, the bridge's row and health OK), then writes what it saw to
// <--ready>-<step>.json, so that the caller can make someone join or leave. Then it saves a screenshot and writes a
// JSON report of what was on screen; judging it is the caller's job.
//
// node status_page_judge.js --url http://127.0.0.1:<port>/status --room <room jid> --bridge <nick>
//                           --counts 2,3,2 --ready <path prefix> --report <file> --screenshot <png>
//                           [--timeout-ms 40000]
'use strict';

const fs = require('fs');
const path = require('path');

const executable = '/usr/bin/chromium';

function parseArguments(argv) {
    const options = { timeoutMs: 40000 };
    const names = { '--url': 'url', '--room': 'room', '--bridge': 'bridge', '--counts': 'counts',
        '--ready': 'ready', '--report': 'report', '--screenshot': 'screenshot', '--timeout-ms': 'timeoutMs' };

    for (let i = 2; i < argv.length; i += 2) {
        const name = names[argv[i]];

        if (!name) {
            throw new Error(`unknown argument ${argv[i]}`);
        }
        options[name] = argv[i + 1];
    }
    options.timeoutMs = Number(options.timeoutMs);
    for (const required of [ 'url', 'room', 'bridge', 'counts', 'ready', 'report', 'screenshot' ]) {
        if (!options[required]) {
            throw new Error(`needs --${required}`);
        }
    }
    options.counts = options.counts.split(',').map(Number);
    if (!options.counts.every(count => count >= 1)) {
        throw new Error('--counts: participant counts, e.g. 2,3,2');
    }

    return options;
}

function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}

// What is on screen: rendered text (innerText) of the keyed rows and the cards, and whether each row is visible.
function snapshot() {
    const shown = element => Boolean(element) && element.getClientRects().length > 0;
    const text = id => {
        const element = document.getElementById(id);

        return element ? element.innerText.trim() : null;
    };
    const rows = (selector, key) => Array.from(document.querySelectorAll(selector)).map(row => {
        const cells = {};

        for (const cell of row.cells) {
            cells[cell.getAttribute('data-field')] = cell.innerText.trim();
        }

        return { key: row.getAttribute(key), state: row.getAttribute('data-state'), visible: shown(row), cells };
    });

    return {
        polls: Number(document.body.getAttribute('data-polls')),
        marker: window.statusJudgeMarker || null,
        updated: text('updated'),
        health: { state: document.getElementById('health').getAttribute('data-state'), status: text('health-status'),
            text: text('health-text') },
        drain: { state: document.getElementById('drain').getAttribute('data-state'), status: text('drain-status'),
            text: text('drain-text') },
        conferenceCount: text('conference-count'),
        bridgeCount: text('bridge-count'),
        notes: { conferences: text('conferences-note'), bridges: text('bridges-note'), latency: text('latency-note') },
        latency: {
            joinPoints: Number(document.querySelector('#latency-join svg').getAttribute('data-points') || 0),
            joinCaption: document.querySelector('#latency-join figcaption').innerText.trim()
        },
        conferences: rows('#conferences tr[data-room]', 'data-room'),
        bridges: rows('#bridges tr[data-bridge]', 'data-bridge')
    };
}

async function waitFor(page, done, deadline) {
    for (;;) {
        const seen = await page.evaluate(snapshot);

        if (done(seen) || Date.now() >= deadline) {
            return seen;
        }
        await sleep(250);
    }
}

async function main() {
    const options = parseArguments(process.argv);
    const report = { completed: false, consoleErrors: [], navigations: 0 };
    const deadline = Date.now() + options.timeoutMs;
    const writeReport = () => fs.writeFileSync(options.report, JSON.stringify(report, null, 1));
    let browser = null;

    try {
        const { chromium } = require(path.join(__dirname, 'node_modules', 'playwright-core'));

        browser = await chromium.launch({
            executablePath: executable,
            headless: true,
            args: [ '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync' ]
        });
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

        // A CSP violation or a script error shows up here. A failed request is not an error of the page: /drain
        // answers 404 on a server without it, which the page reads as "not draining".
        page.on('console', message => {
            if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
                report.consoleErrors.push(message.text());
            }
        });
        page.on('pageerror', error => report.consoleErrors.push(String(error)));
        page.on('framenavigated', frame => {
            if (frame === page.mainFrame()) {
                report.navigations += 1;
            }
        });

        // The fastest poll the page allows, so the scenario takes seconds.
        const response = await page.goto(`${options.url}?interval=2`, { waitUntil: 'load' });

        report.page = { status: response.status(), headers: response.headers() };
        await page.evaluate(() => {
            window.statusJudgeMarker = 'same page';
        });
        const row = seen => seen.conferences.find(r => r.key === options.room);
        const bridge = seen => seen.bridges.find(r => r.cells.bridge === options.bridge);

        report.steps = [];
        for (const [ step, count ] of options.counts.entries()) {
            const seen = await waitFor(page, now => {
                const conference = row(now);

                return conference && conference.cells.participants === String(count) && bridge(now)
                    && (step > 0 || now.health.state === 'ok');
            }, deadline);

            report.steps.push(seen);
            fs.writeFileSync(`${options.ready}-${step}.json`, JSON.stringify(seen));
        }
        // One more poll, so that the sparkline has the joins' samples and the screenshot shows a settled page.
        const polls = report.steps[report.steps.length - 1].polls;

        report.settled = await waitFor(page, seen => seen.polls >= polls + 1, Math.min(deadline, Date.now() + 5000));
        await page.screenshot({ path: options.screenshot, fullPage: true });

        // The caller now drains the focus: the page follows without a reload, health and drain both say so.
        fs.writeFileSync(`${options.ready}-drain.json`, JSON.stringify(report.settled));
        report.drained = await waitFor(page, seen => seen.drain.state === 'draining'
            && seen.health.state !== 'ok', deadline);
        await page.screenshot({ path: options.screenshot.replace(/\.png$/, '-draining.png'), fullPage: true });
        report.completed = true;
    } catch (error) {
        report.error = String(error && error.stack ? error.stack : error);
    } finally {
        writeReport();
        if (browser) {
            await browser.close();
        }
    }
}

main().then(() => process.exit(0), error => {
    console.error(error);
    process.exit(1);
});
