// The CDC page: polls /cdc/status, draws each sink's lag, runs the consistency check and
// searches the index. Text goes in with textContent only.
const COLORS = { cache: '#d62728', search: '#1f77b4', replica: '#2ca02c' };
const HISTORY = 90;
const lagHistory = {};

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function showError(id, message) {
  const element = document.getElementById(id);
  element.textContent = message || '';
  element.hidden = !message;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.textContent = cell;
    tr.appendChild(td);
  }
  return tr;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail || ('HTTP ' + response.status));
  }
  return body;
}

function bytes(n) {
  if (n >= 1048576) return (n / 1048576).toFixed(1) + ' MiB';
  if (n >= 1024) return (n / 1024).toFixed(1) + ' KiB';
  return n + ' B';
}

async function refreshStatus() {
  try {
    const status = await getJson('/cdc/status');
    text('slot-name', status.slot.name);
    text('slot-active', status.slot.exists ? String(status.slot.active) : 'not created yet');
    text('slot-confirmed', status.slot.confirmedLsn || '—');
    text('slot-retained', bytes(status.slot.retainedWalBytes));
    text('capture-phase', status.capture.enabled ? status.capture.phase : 'capture role off');
    text('capture-published', String(status.capture.published));
    const body = document.querySelector('#sinks tbody');
    body.replaceChildren(...status.sinks.map((s) => row([s.name, String(s.lastAppliedLsn),
      s.lagMs < 0 ? '—' : String(s.lagMs), String(s.applied), String(s.stale)])));
    for (const s of status.sinks) {
      const history = lagHistory[s.name] || (lagHistory[s.name] = []);
      history.push(Math.max(0, s.lagMs));
      if (history.length > HISTORY) history.shift();
    }
    drawLag();
    showError('status-error', '');
  } catch (error) {
    showError('status-error', 'Status unavailable: ' + error.message);
  }
}

function drawLag() {
  const canvas = document.getElementById('lag-chart');
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  const all = Object.values(lagHistory).flat();
  const max = Math.max(10, ...all);
  context.fillStyle = '#666';
  context.font = '11px sans-serif';
  context.fillText(max + ' ms', 4, 12);
  context.fillText('0', 4, canvas.height - 4);
  const legend = document.getElementById('lag-legend');
  legend.replaceChildren();
  for (const [name, history] of Object.entries(lagHistory)) {
    context.strokeStyle = COLORS[name] || '#444';
    context.beginPath();
    history.forEach((lag, i) => {
      const x = 30 + (i / (HISTORY - 1)) * (canvas.width - 40);
      const y = canvas.height - 8 - (lag / max) * (canvas.height - 24);
      if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.stroke();
    const label = document.createElement('span');
    label.style.color = COLORS[name] || '#444';
    label.textContent = name + ' lag (ms)';
    legend.appendChild(label);
  }
}

async function checkConsistency() {
  text('consistency-summary', 'comparing…');
  try {
    const report = await getJson('/cdc/consistency?size=50');
    const summary = document.getElementById('consistency-summary');
    summary.textContent = (report.consistent ? 'consistent: ' : 'differences found: ') + report.sourceRows
      + ' source rows, checked ' + report.checkedAt;
    summary.className = report.consistent ? 'ok' : 'bad';
    const table = document.getElementById('consistency');
    table.querySelector('tbody').replaceChildren(...Object.entries(report.sinks).map(([name, s]) =>
      row([name, String(s.rows), String(s.equal), String(s.missing), String(s.extra), String(s.stale)])));
    table.hidden = false;
    const differences = document.getElementById('differences');
    differences.querySelector('tbody').replaceChildren(...report.differences.items.map((d) => row([d.sink, d.sku, d.kind])));
    differences.hidden = report.differences.items.length === 0;
    showError('consistency-error', '');
  } catch (error) {
    text('consistency-summary', '');
    showError('consistency-error', 'Check failed: ' + error.message);
  }
}

async function search(event) {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(event.target)) {
    if (value !== '') params.set(name, value);
  }
  params.set('size', '50');
  try {
    const result = await getJson('/search/products?' + params);
    text('search-total', result.total + ' found');
    const table = document.getElementById('results');
    table.querySelector('tbody').replaceChildren(...result.items.map((hit) => row([hit.product.sku, hit.product.name,
      Number(hit.product.price).toFixed(2) + ' ' + hit.product.currency, hit.product.tags.join(', '), String(hit.product.stock)])));
    table.hidden = result.items.length === 0;
    showError('search-error', '');
  } catch (error) {
    text('search-total', '');
    showError('search-error', error.message);
  }
}

document.getElementById('check').addEventListener('click', checkConsistency);
document.getElementById('search-form').addEventListener('submit', search);
refreshStatus();
setInterval(refreshStatus, 2000);
