// The web app in real Chromium: fill the questionnaire, submit, land on the report,
// check the chart and the primary seat, render print preview (a PDF), and keep a
// screenshot of the report for the README (docs/report-browser.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'target', 'debug', 'nextseat');
let server, base, browser, work;

before(async () => {
  assert.ok(existsSync(bin), `build the binary first (cargo build): ${bin}`);
  work = mkdtempSync(join(tmpdir(), 'nextseat-browser-'));
  server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--database', `sqlite://${work}/b.db`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  // The server prints its address once it is listening: wait for that line.
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: server.stdout });
    rl.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  base = line.match(/http:\/\/\S+/)[0];
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true, // playwright starts Chromium with a fresh, empty profile directory
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

test('questionnaire to report, one step at a time', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  await page.goto(`${base}/`);
  // Step 1 is the narrative; the other steps wait their turn.
  assert.ok(await page.locator('#narrative').isVisible(), 'the narrative comes first');
  assert.ok(await page.locator('#employees').isHidden(), 'one step at a time');
  await page.fill('#narrative', 'Orders keep going out late. Unlike last year, handoffs are fine.');
  // The signs read so far appear as the founder types, before anything is sent.
  await page.locator('#live-signs li[data-sign="coo.slipping_deliverables"]').waitFor();
  assert.match(await page.locator('#live').innerText(), /Orders keep going out late/);
  await page.screenshot({ path: join(root, 'docs', 'questionnaire-browser.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  const formWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(formWidth <= 390, `the questionnaire is ${formWidth} px wide at 390 px`);
  await page.screenshot({ path: join(root, 'docs', 'questionnaire-phone.png') });
  await page.setViewportSize({ width: 900, height: 1100 });
  await page.click('#next');
  assert.equal(await page.getAttribute('.progress', 'aria-valuenow'), '2');
  await page.fill('#name', 'Acme Logistics');
  await page.fill('#employees', '35');
  await page.fill('#annual_revenue_usd', '$2.5M');
  await page.fill('#industry', 'logistics');
  await page.selectOption('#operational_intensity', 'high');
  await page.selectOption('#growth', 'rapid');
  await page.click('#next');
  await page.fill('#ceo_experience_years', '2');
  await page.fill('#ceo_gaps', 'operations, finance');
  await page.click('#next');
  // One step per seat's signs: CSO, COO, Chief of Staff, Implementer.
  await page.click('#next');
  for (const s of ['coo.firefighting', 'coo.missing_sops']) {
    await page.check(`input[name="signs"][value="${s}"]`);
  }
  await page.click('#next');
  await page.click('#next');
  await page.check('input[name="signs"][value="impl.admin_backlog"]');
  await page.click('#next');
  await page.check('input[name="events"][value="rapid_expansion"]');
  assert.equal(await page.getAttribute('.progress', 'aria-valuenow'), '8');
  assert.ok(await page.locator('#next').isHidden(), 'the last step has no Next');
  await page.click('#assess');
  // The signs read in the narrative come back as ticked suggestions to confirm first.
  const offered = page.locator('#suggestions input[name="narrative_signs"][value="coo.slipping_deliverables"]');
  await offered.waitFor();
  assert.ok(await offered.isChecked(), 'the suggestion is ticked');
  assert.match(await page.locator('#suggestions').innerText(), /Orders keep going out late/);
  assert.equal(await page.inputValue('#narrative'), 'Orders keep going out late. Unlike last year, handoffs are fine.');
  await Promise.all([page.waitForURL(/\/r\/[0-9a-f-]{36}$/), page.click('#suggestions button[type="submit"]')]);
  assert.match(await page.locator('#signs').innerText(), /Deliverables slip through the cracks/);
  assert.match(await page.locator('#context blockquote').innerText(), /Orders keep going out late/, 'the founder\'s words are quoted');

  const chart = page.locator('#scores-chart');
  await chart.waitFor();
  assert.equal(await chart.locator('g.bar').count(), 4, 'four bars');
  const primary = await page.locator('.primary').innerText();
  assert.match(primary, /Chief Operating Officer \(COO\)/);
  const firstBar = await chart.locator('g.bar text').first().textContent();
  assert.equal(firstBar, 'COO', 'the COO leads the chart');

  // The same report as a PDF, linked from the page: real text with the company and seat.
  const href = await page.getAttribute('a.pdf', 'href');
  assert.match(href, /^\/r\/[0-9a-f-]{36}\.pdf$/);
  const res = await page.request.get(`${base}${href}`);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  writeFileSync(join(work, 'report.pdf'), await res.body());
  const pdfText = execFileSync('pdftotext', [join(work, 'report.pdf'), '-']).toString();
  assert.match(pdfText, /Acme Logistics/);
  assert.match(pdfText, /Chief Operating Officer \(COO\)/);

  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000, `print preview renders (${pdf.length} bytes)`);
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
  await page.emulateMedia({ media: 'screen' });
  await page.screenshot({ path: join(root, 'docs', 'report-browser.png') });

  // On a phone the report fits the screen: nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the report is ${width} px wide at 390 px`);
  await page.screenshot({ path: join(root, 'docs', 'report-phone.png') });
});

test('errors are shown next to their field and input is kept', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.click('nav.steps a[href="#step-2"]');
  await page.fill('#employees', 'lots');
  await page.fill('#name', '<b>Acme</b>');
  await page.click('#assess');
  // The page comes back at the step that needs fixing.
  await page.locator('#employees-error').waitFor({ state: 'visible' });
  assert.equal(await page.inputValue('#employees'), 'lots');
  assert.equal(await page.inputValue('#name'), '<b>Acme</b>');
  assert.equal(await page.locator('b', { hasText: 'Acme' }).count(), 0, 'typed markup is escaped');
});

test('without JavaScript the questionnaire is one page of numbered steps', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.locator('section.step:visible').count(), 8, 'every step is shown');
  assert.ok(await page.locator('#next').count() === 0, 'no step buttons without the script');
  await page.fill('#narrative', 'Orders keep going out late and nobody notices.');
  await page.fill('#employees', '1,200');
  await page.fill('#name', 'Plain Co');
  await page.click('#assess');
  await page.locator('#suggestions input[value="coo.slipping_deliverables"]').waitFor();
  await Promise.all([page.waitForURL(/\/r\/[0-9a-f-]{36}$/), page.click('#suggestions button[type="submit"]')]);
  assert.match(await page.locator('h1').innerText(), /Plain Co/);
  await context.close();
});

test('an unknown address is a page with a way back', async () => {
  const page = await browser.newPage();
  const r = await page.goto(`${base}/r/00000000-0000-0000-0000-000000000000`);
  assert.equal(r.status(), 404);
  assert.match(await page.locator('h1').innerText(), /not found/i);
  await Promise.all([page.waitForURL(`${base}/`), page.click('nav a.brand')]);
  assert.ok(await page.locator('#narrative').isVisible());
});
