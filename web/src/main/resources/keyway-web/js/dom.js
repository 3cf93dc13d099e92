// Builds elements with text only: nothing that comes from the server is ever parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;

// A labelled form field; returns [wrapper, input].
export function field(label, attrs = {}, tag = 'input') {
  const id = 'f' + (++fieldSeq);
  const input = h(tag, { id, name: attrs.name || id, ...attrs });
  return [h('div', { class: 'field' }, h('label', { for: id, text: label }), input), input];
}

export function select(label, name, options, value) {
  const [wrap, sel] = field(label, { name }, 'select');
  for (const o of options) {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    sel.append(h('option', { value: v, selected: v === value, text }));
  }
  return [wrap, sel];
}

export function table(caption, columns, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', text: c[0] })))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty', text: 'Nothing yet' }))
      : rows.map(r => h('tr', {}, columns.map(c => {
        const v = c[1](r);
        return h('td', { 'data-label': c[0] }, v instanceof Node ? v : String(v ?? ''));
      }))))));
}

export function notice(text, kind = 'error') {
  const n = document.getElementById('notice');
  n.className = kind;
  n.textContent = text || '';
}

// Asks for confirmation in a modal dialog (keyboard: Esc cancels); resolves true when confirmed.
export function confirmDialog(title, text, okLabel = 'Confirm') {
  const d = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  d.returnValue = '';
  return new Promise(resolve => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
    d.showModal();
  });
}
