#!/usr/bin/env node
// HTML validity and accessibility check for server-rendered pages.
//
//   node check.mjs [--max-kb N] [--accept-language TAGS] [--cookie NAME=VALUE] [--screenshots DIR] BASE_URL PATH [PATH ...]
//
// --accept-language sends that header with every request (fetches and the
// browser), to check the pages a server renders for another language.
// --cookie starts every fetch and every browser context with that cookie
// for BASE_URL (e.g. a signed-in session, to check pages behind a sign-in);
// in the browser it is an ordinary cookie the server may replace.
// --screenshots DIR saves each page, whole, as seen at the phone's width, in
// DIR (made if missing), named by its path: to look at, not compared.
//
// A PATH is either a plain path, or `submit:PATH?NAME=VALUE&...` to check the
// page a form submission leads to (see "Form submissions" below), e.g.
//   submit:/sign-in?email=bukan-email&password=x
//
// For each plain PATH (resolved against BASE_URL with `new URL(PATH, BASE_URL)`):
//   1. fetch the HTML with Node's fetch, keeping the HTTP status (a 404 page
//      is checked like any other page; the status is reported, never failed);
//   2. validate it with the Nu Html Checker (vnu.jar, --format json): errors
//      fail the page, warnings are printed but do not fail it;
//   3. load it in headless Chromium (Debian's /usr/bin/chromium, through
//      playwright-core) at 360x740 (phone) and 1280x800 (desktop), each in a
//      fresh browser context, inject axe-core with page.evaluate() and run the
//      WCAG 2.0/2.1 A and AA rules: any violation fails the page;
//      Any page wider than the viewport (document scrollWidth against the
//      viewport's own width, 360 or 1280) fails: it scrolls sideways; so
//      does one with any element reaching past that width outside a box
//      that scrolls (cut off by the page's own overflow);
//      A radio button or checkbox drawn wider than 48 px, or not beside the
//      label that follows it (on another line, or more than 16 px away)
//      fails, and so (at the desktop viewport, with
//      a mouse) does a button whose text falls under 4.5:1 when hovered;
//   4. weigh it: bytes of the HTML plus every stylesheet it links (each
//      fetched); with --max-kb N a page heavier than N KiB fails, and a
//      linked stylesheet that cannot be fetched fails the page too.
//
// Form submissions, `submit:PATH?NAME=VALUE&...`:
//   The query string is not part of the page's URL: it lists the fields to
//   fill, in order, each NAME and VALUE URL-decoded as a form would encode
//   them (so `+` is a space; write %2B for a plus sign, %26 for &). In a fresh
//   browser context (so the session cookie the form page sets, e.g. for its
//   CSRF token, is kept for the submission) the checker opens PATH, finds the
//   first input, select or textarea named like the first field, and fills
//   every field inside that field's form: fill() for inputs and textareas,
//   selectOption() (by value or label) for a select; a hidden input gets its
//   value set directly, a checkbox is checked unless VALUE is empty, and for
//   a radio group the radio with that value is checked. Then it clicks the
//   form's first button[type=submit] without a name (a named button is an
//   alternative action, such as showing a province's regencies; if there is
//   none: its first button[type=submit], then its first input[type=submit]
//   or button without a type) and waits for the
//   navigation to finish. With no fields (`submit:PATH`) the first form on
//   the page is submitted as it is. If the form has no novalidate and the
//   browser's own constraint validation would block the submission, the page
//   fails with the browser's messages instead of waiting for a navigation
//   that never comes.
//   The page the submission leads to (after any redirects) is then checked
//   like a plain page, with two differences: the HTML that vnu validates and
//   that is weighed is the body of the navigation's final response as the
//   server sent it (page.waitForResponse + response.body(), not
//   page.content(), which is the browser's re-serialisation of the DOM);
//   and step 1 and the phone axe run happen in the same browser context, the
//   desktop axe run repeats the whole open-fill-submit in a fresh context.
//   The result's HTTP status (e.g. 422 for a form re-rendered with field
//   errors) is reported like any page's status and never failed; a form page
//   that does not answer 2xx is noted. A form page that needs a query string
//   of its own cannot be given in this syntax.
//
// Why page.evaluate() and not page.addScriptTag(): the site's
// Content-Security-Policy has no script-src, so an injected <script> element
// is blocked. page.evaluate() runs through the DevTools protocol
// (Runtime.evaluate), which CSP does not govern, so the page keeps its real
// CSP while axe runs (bypassCSP: true would switch the policy off and could
// hide problems, e.g. an inline style that the real site would block).
//
// Exit status: 0 when every page passes everything, 1 when any page fails,
// 2 on a usage error or when the checker itself breaks (e.g. vnu or Chromium
// cannot start, or the global watchdog fires).

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const TIMEOUT_MS = 30_000; // one fetch, one page load, one axe run
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const VIEWPORTS = [
  { name: 'phone 360x740', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
  { name: 'desktop 1280x800', viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
];
const AXE_OPTIONS = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };

function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error('usage: node check.mjs [--max-kb N] [--accept-language TAGS] [--cookie NAME=VALUE] [--screenshots DIR] BASE_URL PATH [PATH ...]');
  console.error('       PATH is a path (/events/x) or submit:PATH?NAME=VALUE&... (submit:/sign-in?email=bukan-email&password=x)');
  process.exit(2);
}

// Set by --accept-language; sent with every request.
const EXTRA_HEADERS = {};
// Set by --cookie: [name, value], or null.
let COOKIE = null;
// Set by --screenshots: the folder for each page's picture at the phone's width.
let SCREENSHOTS = null;

function parseArgs(argv) {
  let maxKb = null;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') usage();
    else if (a === '--max-kb' || a.startsWith('--max-kb=')) {
      const v = a === '--max-kb' ? argv[++i] : a.slice('--max-kb='.length);
      maxKb = Number(v);
      if (v === undefined || v === '' || !Number.isFinite(maxKb) || maxKb <= 0) usage(`--max-kb needs a positive number, got ${v}`);
    } else if (a === '--accept-language' || a.startsWith('--accept-language=')) {
      const v = a === '--accept-language' ? argv[++i] : a.slice('--accept-language='.length);
      if (!v) usage('--accept-language needs a value, e.g. en');
      EXTRA_HEADERS['Accept-Language'] = v;
    } else if (a === '--cookie' || a.startsWith('--cookie=')) {
      const v = a === '--cookie' ? argv[++i] : a.slice('--cookie='.length);
      const at = v ? v.indexOf('=') : -1;
      if (at < 1) usage('--cookie needs NAME=VALUE');
      COOKIE = [v.slice(0, at), v.slice(at + 1)];
    } else if (a === '--screenshots' || a.startsWith('--screenshots=')) {
      SCREENSHOTS = a === '--screenshots' ? argv[++i] : a.slice('--screenshots='.length);
      if (!SCREENSHOTS) usage('--screenshots needs a folder');
    } else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length < 2) usage('need a BASE_URL and at least one PATH');
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  const [base, ...paths] = rest;
  try { new URL(base); } catch { usage(`not a URL: ${base}`); }
  return { base, paths, maxKb };
}

const SUBMIT = 'submit:';

// A PATH argument -> { url, fields }; fields is null for a plain page and an
// array of [name, value] (URL-decoded) for `submit:PATH?NAME=VALUE&...`.
function parsePath(path, base) {
  if (!path.startsWith(SUBMIT)) return { url: new URL(path, base).href, fields: null };
  const rest = path.slice(SUBMIT.length);
  if (!rest) usage(`${path}: a path must follow "${SUBMIT}"`);
  let u;
  try { u = new URL(rest, base); } catch { usage(`${path}: not a path`); }
  const fields = [...u.searchParams];
  const names = new Set();
  for (const [name] of fields) {
    if (!name) usage(`${path}: a field without a name`);
    if (names.has(name)) usage(`${path}: field "${name}" is given twice`);
    names.add(name);
  }
  u.search = '';
  u.hash = '';
  return { url: u.href, fields };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const size = (bytes) => (bytes < 1024 ? `${bytes} B` : kib(bytes));
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const oneLine = (s, max = 200) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

async function fetchBytes(url) {
  const headers = COOKIE ? { ...EXTRA_HEADERS, Cookie: `${COOKIE[0]}=${COOKIE[1]}` } : EXTRA_HEADERS;
  const res = await fetch(url, { redirect: 'follow', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, finalUrl: res.url, contentType: res.headers.get('content-type') || '', body };
}

// Run vnu once over all fetched documents (one JVM start instead of one per page).
function runVnu(files) {
  const jar = join(HERE, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const args = ['-jar', jar, '--format', 'json', '--stdout', '--exit-zero-always', '--html', ...files];
  const timeoutMs = 60_000 + 10_000 * files.length;
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vnu timed out after ${timeoutMs / 1000} s`)); }, timeoutMs);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run java: ${e.message}`)); });
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out).messages || []);
      } catch {
        reject(new Error(`vnu exited ${code} without JSON output:\n${oneLine(err || out, 2000)}`));
      }
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const fieldSelector = (name) => {
  const q = JSON.stringify(name); // a valid CSS string for any ordinary field name
  return `input[name=${q}], select[name=${q}], textarea[name=${q}]`;
};

// Fill the fields of one form on `page` and submit it (see the comment at the
// top); resolves with the final response of the navigation the submission
// causes (redirects followed), once that page has loaded.
async function submitForm(page, fields) {
  let form;
  let formOf;
  if (fields.length) {
    const [firstName] = fields[0];
    const first = page.locator(fieldSelector(firstName)).first();
    if (!(await first.count())) throw new Error(`no input, select or textarea named "${firstName}" on the form page`);
    // The field's form owner (el.form also follows a form="id" attribute).
    const index = await first.evaluate((el) => (el.form ? [...document.querySelectorAll('form')].indexOf(el.form) : -1));
    if (index < 0) throw new Error(`field "${firstName}" is not in a form`);
    form = page.locator('form').nth(index);
    formOf = `the form of field "${firstName}"`;
  } else {
    form = page.locator('form').first();
    if (!(await form.count())) throw new Error('no form on the form page');
    formOf = 'the first form';
  }
  for (const [name, value] of fields) {
    const field = form.locator(fieldSelector(name)).first();
    if (!(await field.count())) throw new Error(`no input, select or textarea named "${name}" in ${formOf}`);
    const { tag, type } = await field.evaluate((el) => ({ tag: el.localName, type: (el.getAttribute('type') || '').toLowerCase() }));
    try {
      if (tag === 'select') await field.selectOption(value);
      else if (tag === 'input' && type === 'hidden') await field.evaluate((el, v) => { el.value = v; }, value);
      else if (tag === 'input' && type === 'checkbox') await field.setChecked(value !== '');
      else if (tag === 'input' && type === 'radio') {
        const radio = form.locator(`input[type=radio i][name=${JSON.stringify(name)}][value=${JSON.stringify(value)}]`).first();
        if (!(await radio.count())) throw new Error(`no radio button with value "${value}"`);
        await radio.check();
      } else await field.fill(value);
    } catch (e) {
      throw new Error(`cannot fill field "${name}" (${tag}${type ? ` type=${type}` : ''}) with "${value}": ${e.message.split('\n')[0]}`);
    }
  }
  let button = form.locator('button[type=submit i]:not([name])').first();
  if (!(await button.count())) button = form.locator('button[type=submit i]').first();
  if (!(await button.count())) button = form.locator('input[type=submit i], input[type=image i], button:not([type])').first();
  if (!(await button.count())) throw new Error(`no submit button in ${formOf}`);
  // Without novalidate the browser's constraint validation would silently
  // refuse to submit; say so rather than time out waiting for a navigation.
  const blocked = await button.evaluate((b) => {
    const f = b.form;
    if (!f || f.noValidate || b.formNoValidate) return [];
    return [...f.elements].filter((el) => el.willValidate && !el.validity.valid)
      .map((el) => `${el.name || el.id || el.localName}: ${el.validationMessage}`);
  });
  if (blocked.length) {
    throw new Error(`the browser's own form validation blocks this submission (the form has no novalidate): ${blocked.join('; ')}`);
  }
  // The final response of a main-frame navigation: what the server sent for
  // the page the submission leads to (a redirect's response has no page).
  const isResult = (r) => r.frame() === page.mainFrame() && r.request().isNavigationRequest() && !REDIRECT_STATUSES.has(r.status());
  try {
    const [response] = await Promise.all([
      page.waitForResponse(isResult, { timeout: TIMEOUT_MS }),
      page.waitForNavigation({ waitUntil: 'load', timeout: TIMEOUT_MS }),
      button.click(),
    ]);
    return response;
  } catch (e) {
    throw new Error(`submitting ${formOf}: ${e.message.split('\n')[0]}`);
  }
}

// Runs in the page: null when the document fits `width` CSS pixels, else
// { width: the document's, culprits: the innermost elements reaching past
// `width` that no scrolling box of theirs holds in }. The phone's own width
// is the yardstick: in mobile emulation the layout viewport grows to the
// content, so innerWidth (and clientWidth) would grow with the overflow.
// Every element's right edge is measured too, whatever the document's
// width says: content clipped by an overflow-x on the page itself would
// not widen it, yet is cut off for the reader.
function overflowAt(width) {
  const root = document.documentElement;
  const widest = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0);
  const past = (el) => el.getBoundingClientRect().right > width + 0.5;
  // Walk the containing blocks: an absolutely positioned element escapes
  // every overflow box up to its nearest positioned ancestor. The body's
  // and the root's own overflow hold nothing in: there it only cuts off.
  const heldIn = (el) => {
    let position = getComputedStyle(el).position;
    for (let a = el.parentElement; a && a !== root && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (position === 'fixed') return false;
      if (position === 'absolute' && style.position === 'static') continue;
      if (style.overflowX !== 'visible' && !past(a)) return true;
      position = style.position;
    }
    return false;
  };
  const reaching = [...document.body.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    return (r.width > 0 || r.height > 0) && past(el) && !heldIn(el);
  });
  if (widest <= width && !reaching.length) return null;
  const innermost = reaching.filter((el) => !reaching.some((o) => o !== el && el.contains(o)));
  const describe = (el) => {
    const cls = el.getAttribute('class') ? `.${el.getAttribute('class').trim().split(/\s+/).join('.')}` : '';
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return `${el.localName}${el.id ? `#${el.id}` : ''}${cls} (right edge ${Math.round(el.getBoundingClientRect().right)} px)${text ? ` "${text}"` : ''}`;
  };
  return { width: widest, culprits: innermost.slice(0, 5).map(describe) };
}

// Runs in the page: each radio button or checkbox whose label stands beside
// it in the markup (in the same parent) but is not drawn beside it (on the
// same line, within 16 px), or that is drawn wider than a tap target needs.
function controlsApart() {
  const problems = [];
  for (const input of document.querySelectorAll('input[type=radio i][id], input[type=checkbox i][id]')) {
    const label = document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    const i = input.getBoundingClientRect();
    if (!label || label.parentElement !== input.parentElement || !i.width) continue;
    const l = label.getBoundingClientRect();
    const dx = Math.max(0, l.left - i.right, i.left - l.right);
    const dy = Math.max(0, l.top - i.bottom, i.top - l.bottom);
    const name = `${input.type} "${(label.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
    if (i.width > 48) problems.push(`${name} is ${Math.round(i.width)} px wide`);
    else if (dy > 0) problems.push(`${name} is drawn ${Math.round(dy)} px ${l.top > i.bottom ? 'above' : 'below'} its label, not beside it`);
    else if (dx > 16) problems.push(`${name} is drawn ${Math.round(dx)} px from its label`);
  }
  return problems;
}

// Runs in the page: the contrast of an element's text against what is drawn
// behind it (its own background or the nearest ancestor's that is opaque).
function textContrast(el) {
  const rgba = (c) => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = rgba(getComputedStyle(e).backgroundColor);
    if (bg.a > 0) layers.push(bg);
    if (bg.a >= 1) break;
  }
  let back = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of layers.reverse()) back = over(layer, back);
  const text = over(rgba(getComputedStyle(el).color), back);
  const lum = (c) => {
    const [r, g, b] = [c.r, c.g, c.b].map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(text), lum(back)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Hovers one button of each look (tag and classes) with the mouse and
// returns those whose text then falls under 4.5:1 against its background:
// axe sees the page at rest only.
async function hoverContrast(page) {
  const seen = new Set();
  const problems = [];
  for (const handle of await page.$$('button, a.button')) {
    const look = await handle.evaluate((el) => `${el.localName}${[...el.classList].map((c) => `.${c}`).join('')}`);
    if (seen.has(look) || !(await handle.isVisible())) continue;
    seen.add(look);
    try {
      await handle.hover({ timeout: 2_000 });
    } catch {
      continue; // covered or off the page: nothing a mouse could hover
    }
    const ratio = await handle.evaluate(textContrast);
    if (ratio < 4.5) {
      const text = oneLine(await handle.textContent(), 40);
      problems.push(`${look} "${text}" has a contrast of ${ratio.toFixed(2)}:1 when hovered`);
    }
  }
  await page.mouse.move(0, 0);
  return problems;
}

// Load one page in a fresh context at one viewport (for a submit: PATH, open
// the form page, fill it in and submit it) and run axe on it.
async function browserCheck(browser, axeSource, p, vp) {
  const context = await browser.newContext({
    viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.hasTouch, deviceScaleFactor: 1,
    extraHTTPHeaders: EXTRA_HEADERS,
    // bypassCSP stays false: the page is tested under its real policy.
  });
  // At the site's root, host-only: the cookie the server itself would set.
  if (COOKIE) await context.addCookies([{ name: COOKIE[0], value: COOKIE[1], url: new URL('/', p.url).href }]);
  const notes = [];
  const consoleErrors = [];
  let onFormPage = !!p.fields;
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    page.setDefaultNavigationTimeout(TIMEOUT_MS);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push({ url: m.location()?.url, text: m.text(), onFormPage });
    });
    page.on('pageerror', (e) => notes.push(`page error${onFormPage ? ' (on the form page)' : ''}: ${oneLine(e.message)}`));
    let response = await page.goto(p.url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    if (!response) throw new Error('no response from page.goto');
    const documentUrls = new Set([p.url, response.url()]);
    let body = null;
    let bodyFrom = null;
    if (p.fields) {
      const formStatus = response.status();
      if (!response.ok()) notes.push(`the form page answered HTTP ${formStatus}`);
      try {
        response = await submitForm(page, p.fields);
      } catch (e) {
        if (!response.ok()) e.message = `${e.message} (the form page answered HTTP ${formStatus})`;
        throw e;
      }
      onFormPage = false;
      documentUrls.add(response.url());
      try {
        body = await response.body();
        bodyFrom = 'response';
      } catch (e) {
        // Should not happen; fall back to the DOM, and say so.
        body = Buffer.from(await page.content());
        bodyFrom = 'dom';
        notes.push(`the response body could not be read (${oneLine(e.message, 120)}); vnu and the weight use page.content() instead`);
      }
    }
    // Stylesheets the browser actually sees, resolved against the final URL.
    const stylesheets = await page.evaluate(() =>
      [...document.querySelectorAll('link[rel~="stylesheet" i][href]')].map((l) => l.href));
    const overflow = await page.evaluate(overflowAt, vp.viewport.width);
    if (SCREENSHOTS && vp.isMobile) {
      // The whole page at the phone's width, to look at: named by its path.
      const name = `${p.path.replace(/^submit:/, 'submit-').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 120) || 'home'}.png`;
      await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
    }
    const layout = await page.evaluate(controlsApart);
    if (!vp.isMobile) layout.push(...await hoverContrast(page));
    await page.evaluate(axeSource);
    const result = await withTimeout(page.evaluate(async (opts) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, opts);
      const slim = (list) => list.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
      }));
      return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
    }, AXE_OPTIONS), TIMEOUT_MS, 'axe.run');
    for (const c of consoleErrors) {
      // A document's own non-2xx status is already reported; don't repeat it as a console error.
      if (documentUrls.has(c.url) && /^Failed to load resource/.test(c.text)) continue;
      notes.push(`console error${c.onFormPage ? ' (on the form page)' : ''}: ${oneLine(c.text)}`);
    }
    const request = response.request();
    return {
      status: response.status(), finalUrl: response.url(), method: request.method(), redirected: !!request.redirectedFrom(),
      contentType: response.headers()['content-type'] || '', body, bodyFrom, stylesheets, overflow, layout, ...result, notes,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

function targetText(target) {
  // axe targets: an array of selectors; a nested array crosses a shadow root or frame.
  return (target || []).map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >> ');
}

async function main() {
  const { base, paths, maxKb } = parseArgs(process.argv.slice(2));
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const { chromium } = await import('playwright-core');

  const pages = paths.map((path) => ({
    path, ...parsePath(path, base), failures: [], vnuErrors: [], vnuWarnings: [], vnuInfo: [],
    axe: new Map(), incomplete: new Map(), notes: [], stylesheets: [], cssBytes: 0,
  }));

  // The browser is started first: a submit: page's HTML comes from a form
  // submission in the browser.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
  try {
    // 1. Fetch every page; for a submit: page, submit its form in the browser
    //    at the first viewport and keep that run's axe result for step 3.
    const work = await mkdtemp(join(tmpdir(), 'a11y-check-'));
    try {
      const files = [];
      for (const [i, p] of pages.entries()) {
        try {
          let r;
          if (p.fields) {
            p.firstRun = await browserCheck(browser, axeSource, p, VIEWPORTS[0]);
            r = p.firstRun;
            Object.assign(p, { method: r.method, redirected: r.redirected });
          } else r = await fetchBytes(p.url);
          Object.assign(p, { status: r.status, finalUrl: r.finalUrl, contentType: r.contentType, html: r.body });
          if (!/html/i.test(r.contentType)) p.notes.push(`content-type is "${r.contentType}", not HTML`);
          p.file = join(work, `page-${i}.html`);
          await writeFile(p.file, r.body);
          files.push(p.file);
        } catch (e) {
          if (p.fields) p.failures.push(`${VIEWPORTS[0].name}: browser check failed: ${oneLine(e.message, 300)}`);
          else p.failures.push(`fetch failed: ${e.cause?.code || e.message}`);
        }
      }

      // 2. vnu over every fetched page.
      if (files.length) {
        const messages = await runVnu(files);
        for (const m of messages) {
          const p = pages.find((q) => q.file && m.url && fileURLToPath(m.url) === q.file);
          const where = m.lastLine ? `line ${m.firstLine ?? m.lastLine}:${m.firstColumn ?? m.lastColumn ?? '?'}` : '';
          const text = `${where ? `${where}  ` : ''}${oneLine(m.message, 400)}${m.extract ? `\n        ${oneLine(m.extract, 160)}` : ''}`;
          if (!p) { // a message vnu could not tie to one file: fail everything rather than lose it
            for (const q of pages) q.vnuErrors.push(`(vnu, ${m.type}) ${text}`);
            continue;
          }
          if (m.type === 'error' || m.type === 'non-document-error') p.vnuErrors.push(text);
          else if (m.type === 'info' && m.subType === 'warning') p.vnuWarnings.push(text);
          else p.vnuInfo.push(text);
        }
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }

    // 3. axe in Chromium, two viewports, a fresh context each (a submit: page
    //    is opened, filled in and submitted again in each).
    for (const p of pages) {
      if (!p.html) continue;
      for (const vp of VIEWPORTS) {
        try {
          // The first viewport's run of a submit: page happened in step 1.
          const r = (vp === VIEWPORTS[0] && p.firstRun) || await browserCheck(browser, axeSource, p, vp);
          if (r === p.firstRun) {
            // That run produced p.status and p.html: nothing to compare.
          } else if (!p.fields) {
            if (r.status !== p.status) p.notes.push(`${vp.name}: browser got HTTP ${r.status}, fetch got ${p.status}`);
          } else if (r.status !== p.status || r.finalUrl !== p.finalUrl) {
            p.notes.push(`${vp.name}: this submission got HTTP ${r.status} from ${r.finalUrl}, the ${VIEWPORTS[0].name} one HTTP ${p.status} from ${p.finalUrl}`);
          }
          if (r.overflow) {
            p.failures.push(`${vp.name}: ${r.overflow.width > vp.viewport.width
              ? `the page is ${r.overflow.width} px wide and scrolls sideways`
              : 'content reaches past the screen\'s edge and is cut off'} (WCAG 1.4.10)`
              + `${r.overflow.culprits.length ? `; reaching past ${vp.viewport.width} px: ${r.overflow.culprits.join('; ')}` : ''}`);
          }
          for (const problem of r.layout) p.failures.push(`${vp.name}: ${problem}`);
          if (!p.stylesheets.length) p.stylesheets = r.stylesheets;
          for (const n of r.notes) p.notes.push(`${vp.name}: ${n}`);
          for (const [into, list] of [[p.axe, r.violations], [p.incomplete, r.incomplete]]) {
            for (const v of list) {
              const seen = into.get(v.id);
              if (seen) {
                seen.viewports.push(vp.name);
                for (const n of v.nodes) {
                  const t = targetText(n.target);
                  if (!seen.nodes.some((s) => targetText(s.target) === t)) seen.nodes.push({ ...n, only: vp.name });
                }
              } else into.set(v.id, { ...v, viewports: [vp.name] });
            }
          }
        } catch (e) {
          p.failures.push(`${vp.name}: browser check failed: ${oneLine(e.message, 300)}`);
        }
      }
    }
  } finally {
    await withTimeout(browser.close(), 10_000, 'browser.close').catch(() => {});
  }

  // 4. Weight: HTML bytes plus each linked stylesheet, fetched once per page.
  for (const p of pages) {
    if (!p.html) continue;
    for (const href of p.stylesheets) {
      if (!/^https?:/i.test(href)) continue; // data: URLs are already inside the HTML bytes
      try {
        const r = await fetchBytes(href);
        if (r.status < 200 || r.status > 299) p.failures.push(`stylesheet ${href}: HTTP ${r.status}`);
        p.cssBytes += r.body.length;
      } catch (e) {
        p.failures.push(`stylesheet ${href}: fetch failed: ${e.cause?.code || e.message}`);
      }
    }
    p.weight = p.html.length + p.cssBytes;
    if (maxKb !== null && p.weight > maxKb * 1024) p.failures.push(`page weight ${kib(p.weight)} is over --max-kb ${maxKb}`);
  }

  // Report.
  let passed = 0;
  let failed = 0;
  for (const p of pages) {
    if (p.fields) {
      const result = p.finalUrl ? `  submitted: ${p.method} ${p.finalUrl}${p.redirected ? ' (after a redirect)' : ''}` : '';
      console.log(`\n== ${p.path}  form page ${p.url}${result}${p.status ? `  HTTP ${p.status}` : ''}`);
    } else console.log(`\n== ${p.path}  ${p.url}${p.status ? `  HTTP ${p.status}` : ''}${p.finalUrl && p.finalUrl !== p.url ? ` (redirected to ${p.finalUrl})` : ''}`);
    for (const e of p.vnuErrors) console.log(`  vnu error    ${e}`);
    for (const w of p.vnuWarnings) console.log(`  vnu warning  ${w}`);
    for (const w of p.vnuInfo) console.log(`  vnu info     ${w}`);
    for (const v of p.axe.values()) {
      console.log(`  axe ${v.impact || 'n/a'}  ${v.id}: ${v.help}  [${v.viewports.join(', ')}]`);
      console.log(`        ${v.helpUrl}`);
      for (const n of v.nodes) {
        console.log(`      - ${targetText(n.target)}${n.only ? `  (only ${n.only})` : ''}`);
        if (n.html) console.log(`          ${oneLine(n.html, 160)}`);
        if (n.summary) console.log(`          ${oneLine(n.summary.replace(/:?\n\s+/g, (m) => (m.startsWith(':') ? ': ' : '; ')), 400)}`);
      }
    }
    for (const v of p.incomplete.values()) {
      console.log(`  axe needs review (not failed)  ${v.id}: ${v.help}  [${v.viewports.join(', ')}] on ${v.nodes.map((n) => targetText(n.target)).join(', ')}`);
    }
    for (const n of p.notes) console.log(`  note         ${n}`);
    if (p.weight !== undefined) {
      console.log(`  weight       ${kib(p.weight)} = HTML ${size(p.html.length)}${p.fields ? ` (${p.firstRun?.bodyFrom === 'dom' ? 'page.content()' : 'response body'})` : ''} + ${plural(p.stylesheets.filter((h) => /^https?:/i.test(h)).length, 'stylesheet')} ${size(p.cssBytes)} (uncompressed)`);
    }
    for (const f of p.failures) console.log(`  failure      ${f}`);
  }
  console.log('');
  for (const p of pages) {
    const ok = !p.failures.length && !p.vnuErrors.length && !p.axe.size;
    if (ok) passed++; else failed++;
    const status = p.status && p.status !== 200 ? `HTTP ${p.status}, ` : '';
    const warn = p.vnuWarnings.length ? `, ${plural(p.vnuWarnings.length, 'warning')}` : '';
    const weight = p.weight !== undefined ? `, ${kib(p.weight)}` : '';
    const extra = p.failures.length ? `  ${p.failures.length === 1 ? p.failures[0] : plural(p.failures.length, 'other failure')}` : '';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${p.path}  (${status}vnu: ${plural(p.vnuErrors.length, 'error')}${warn}, axe: ${plural(p.axe.size, 'violation')}${weight})${extra}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// Watchdog: however things hang, the checker ends. A submit: page loads two
// pages per viewport instead of one, so it counts double.
const argCount = Math.max(1, process.argv.length - 3)
  + process.argv.slice(2).filter((a) => a.startsWith(SUBMIT)).length;
const watchdog = setTimeout(() => {
  console.error('check.mjs: watchdog fired, giving up');
  process.exit(2);
}, 120_000 + argCount * 4 * TIMEOUT_MS);
watchdog.unref();

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(`check.mjs: ${e.stack || e}`); process.exitCode = 2; },
);
