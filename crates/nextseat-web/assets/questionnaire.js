// The questionnaire, better with JavaScript: one step at a time with progress, and the
// signs read in the narrative shown as the founder types (POST /api/v1/diagnose).
// Without this file the page is one form of numbered steps and works the same.
// Only textContent is ever set from data: nothing typed or returned becomes markup.
(function () {
  'use strict';
  const form = document.getElementById('questionnaire');
  if (!form) return;
  const steps = Array.from(form.querySelectorAll('section.step'));
  const links = Array.from(form.querySelectorAll('nav.steps li'));
  if (steps.length === 0) return;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Progress bar and step buttons.
  const bar = el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '1', 'aria-valuemax': String(steps.length) });
  const fill = el('span');
  bar.appendChild(fill);
  form.querySelector('nav.steps').appendChild(bar);
  const actions = form.querySelector('.actions');
  const assess = document.getElementById('assess');
  const back = el('button', { type: 'button', class: 'secondary', id: 'back' }, 'Back');
  const next = el('button', { type: 'button', class: 'primary', id: 'next' }, 'Next');
  actions.insertBefore(back, assess);
  actions.insertBefore(next, assess);

  let current = 0;
  function show(i, focus) {
    current = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach((s, k) => { s.hidden = k !== current; });
    links.forEach((l, k) => {
      l.classList.toggle('current', k === current);
      l.classList.toggle('done', k < current);
      const a = l.querySelector('a');
      if (k === current) a.setAttribute('aria-current', 'step'); else a.removeAttribute('aria-current');
    });
    fill.style.width = `${((current + 1) / steps.length) * 100}%`;
    bar.setAttribute('aria-valuenow', String(current + 1));
    bar.setAttribute('aria-valuetext', `Step ${current + 1} of ${steps.length}: ${steps[current].dataset.title}`);
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    // On the last step Assess is the main action; before it, a way to finish early.
    assess.className = current === steps.length - 1 ? 'primary' : 'secondary';
    assess.textContent = current === steps.length - 1 ? 'Assess' : 'Assess now';
    if (focus) {
      const h = steps[current].querySelector('h2');
      h.setAttribute('tabindex', '-1');
      h.focus({ preventScroll: true });
      form.scrollIntoView({ block: 'start' });
    }
  }

  form.classList.add('stepping');
  back.addEventListener('click', () => show(current - 1, true));
  next.addEventListener('click', () => show(current + 1, true));
  links.forEach((l, k) => l.querySelector('a').addEventListener('click', (ev) => {
    ev.preventDefault();
    show(k, true);
  }));
  // Enter in a one-line field moves on rather than sending the form half filled.
  form.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || current === steps.length - 1) return;
    if (ev.target instanceof HTMLInputElement && ev.target.type !== 'checkbox') {
      ev.preventDefault();
      show(current + 1, true);
    }
  });

  // Start where there is something to fix, else at the step the address names.
  const wrong = form.querySelector('section.step .has-error');
  const named = /^#step-(\d+)$/.exec(location.hash);
  show(wrong ? steps.indexOf(wrong.closest('section.step')) : named ? Number(named[1]) - 1 : 0, false);

  // Signs read as the founder types.
  const narrative = document.getElementById('narrative');
  const live = document.getElementById('live');
  if (!narrative || !live || !window.fetch) return;
  function label(id) {
    const box = form.querySelector(`input[name="signs"][value="${CSS.escape(id)}"]`);
    const strong = box && box.closest('label') && box.closest('label').querySelector('strong');
    return strong ? strong.textContent : id;
  }
  let timer = 0;
  let inflight = null;
  function render(result) {
    live.replaceChildren();
    live.hidden = false;
    if (result.signs.length === 0) {
      live.appendChild(el('p', {}, 'No signs read yet. Say what slips, what takes your time, what nobody owns.'));
      return;
    }
    live.appendChild(el('strong', {}, `Signs read so far (${result.signs.length}); you confirm them before they count:`));
    const list = el('ul', { id: 'live-signs' });
    for (const s of result.signs) {
      const item = el('li', { 'data-sign': s.id }, label(s.id));
      item.appendChild(el('br'));
      item.appendChild(el('small', { class: 'muted' }, `“${s.phrase}”`));
      list.appendChild(item);
    }
    live.appendChild(list);
  }
  async function read() {
    const text = narrative.value;
    if (text.trim().length < 12) {
      live.hidden = true;
      return;
    }
    if (inflight) inflight.abort();
    inflight = new AbortController();
    try {
      const r = await fetch('/api/v1/diagnose', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: inflight.signal,
      });
      const body = await r.json();
      if (r.ok) {
        render(body);
      } else {
        live.hidden = false;
        live.replaceChildren(el('p', {}, (body.errors && body.errors[0] && `The text ${body.errors[0].message}.`) || body.detail || 'The text could not be read.'));
      }
    } catch (e) {
      if (e.name !== 'AbortError') live.hidden = true;
    }
  }
  narrative.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(read, 600);
  });
  if (narrative.value.trim()) read();
})();
