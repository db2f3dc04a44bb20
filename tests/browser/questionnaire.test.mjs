// The web app in real Chromium: fill the questionnaire, submit, land on the report,
// check the chart and the primary seat, render print preview (a PDF), and keep a
// screenshot of the report for the README (docs/report-browser.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
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

test('questionnaire to report', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  await page.goto(`${base}/`);
  await page.fill('#name', 'Acme Logistics');
  await page.fill('#employees', '35');
  await page.fill('#annual_revenue_usd', '2500000');
  await page.fill('#industry', 'logistics');
  await page.selectOption('#operational_intensity', 'high');
  await page.selectOption('#growth', 'rapid');
  await page.fill('#ceo_experience_years', '2');
  await page.fill('#ceo_gaps', 'operations, finance');
  for (const s of ['coo.firefighting', 'coo.missing_sops', 'impl.admin_backlog']) {
    await page.check(`input[name="signs"][value="${s}"]`);
  }
  await page.check('input[name="events"][value="rapid_expansion"]');
  await page.fill('#narrative', 'Orders keep going out late. Unlike last year, handoffs are fine.');
  // The signs read in the narrative come back as ticked suggestions to confirm first.
  await page.click('button[type="submit"]');
  const offered = page.locator('#suggestions input[name="narrative_signs"][value="coo.slipping_deliverables"]');
  await offered.waitFor();
  assert.ok(await offered.isChecked(), 'the suggestion is ticked');
  assert.match(await page.locator('#suggestions').innerText(), /Orders keep going out late/);
  assert.equal(await page.inputValue('#narrative'), 'Orders keep going out late. Unlike last year, handoffs are fine.');
  await Promise.all([page.waitForURL(/\/r\/[0-9a-f-]{36}$/), page.click('button[type="submit"]')]);
  assert.match(await page.locator('#signs').innerText(), /Deliverables slip through the cracks/);
  assert.match(await page.locator('#context blockquote').innerText(), /Orders keep going out late/, 'the founder\'s words are quoted');

  const chart = page.locator('#scores-chart');
  await chart.waitFor();
  assert.equal(await chart.locator('g.bar').count(), 4, 'four bars');
  const primary = await page.locator('.primary').innerText();
  assert.match(primary, /Chief Operating Officer \(COO\)/);
  const firstBar = await chart.locator('g.bar text').first().textContent();
  assert.equal(firstBar, 'COO', 'the COO leads the chart');

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
  await page.fill('#employees', 'lots');
  await page.fill('#name', '<b>Acme</b>');
  await page.click('button[type="submit"]');
  await page.locator('#employees-error').waitFor();
  assert.equal(await page.inputValue('#employees'), 'lots');
  assert.equal(await page.inputValue('#name'), '<b>Acme</b>');
  assert.equal(await page.locator('b', { hasText: 'Acme' }).count(), 0, 'typed markup is escaped');
});
