// The devices page: polls the REST API every 2 s; no framework.
const $ = (id) => document.getElementById(id);
let selected = null;
let command = null;

async function json(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail || response.status);
  }
  return { body, response };
}

function text(value) {
  return value === undefined || value === null ? '' : String(value);
}

function cell(row, value, className) {
  const td = row.insertCell();
  td.textContent = text(value);
  if (className) td.className = className;
  return td;
}

async function refreshDevices() {
  try {
    const online = $('online-only').checked ? '&online=true' : '';
    const { body } = await json('/devices?limit=200' + online);
    const tbody = $('devices').tBodies[0];
    tbody.replaceChildren();
    for (const device of body.items) {
      const row = tbody.insertRow();
      row.dataset.id = device.id;
      cell(row, device.id);
      cell(row, device.online ? 'online' : 'offline', device.online ? 'online' : 'offline');
      cell(row, device.readings ? Object.entries(device.readings).map(([k, v]) => k + ' ' + v).join(', ') : '');
      cell(row, device.state ? Object.entries(device.state).filter(([k]) => k !== 'seq').map(([k, v]) => k + ' ' + v).join(', ') : '');
      cell(row, device.received);
      cell(row, device.missing);
      cell(row, device.alert ? device.alert.reading + ' ' + device.alert.value + ' > ' + device.alert.limit : '', 'alert');
      row.addEventListener('click', () => select(device.id));
    }
    $('devices-error').hidden = true;
  } catch (error) {
    $('devices-error').textContent = 'Devices unavailable: ' + error.message;
    $('devices-error').hidden = false;
  }
}

async function refreshBroker() {
  try {
    const { body } = await json('/broker');
    $('broker').textContent = 'Mosquitto: ' + (body.connected ? 'connected' : 'NOT connected')
      + ', messages dropped since it started: ' + (body.dropped < 0 ? 'unknown yet' : body.dropped);
    $('broker').className = body.dropped > 0 || !body.connected ? 'error' : 'note';
  } catch (error) {
    $('broker').textContent = '';
  }
}

function select(id) {
  selected = id;
  command = null;
  $('device-title').textContent = 'Device ' + id;
  $('command-form').hidden = false;
  $('command-state').textContent = '';
  refreshChart();
}

async function refreshChart() {
  if (!selected) return;
  const { body } = await json('/devices/' + encodeURIComponent(selected) + '/telemetry?limit=200');
  const svg = $('chart');
  svg.replaceChildren();
  const names = [...new Set(body.items.flatMap((item) => Object.keys(item.readings)))];
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const times = body.items.map((item) => Date.parse(item.at));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  names.forEach((name, index) => {
    const points = body.items.filter((item) => name in item.readings);
    const values = points.map((item) => item.readings[name]);
    const lo = Math.min(...values), hi = Math.max(...values);
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', colours[index % colours.length]);
    line.setAttribute('stroke-width', '2');
    line.setAttribute('points', points.map((item) => {
      const x = t1 > t0 ? 10 + 580 * (Date.parse(item.at) - t0) / (t1 - t0) : 300;
      const y = hi > lo ? 210 - 200 * (item.readings[name] - lo) / (hi - lo) : 110;
      return x.toFixed(1) + ',' + y.toFixed(1);
    }).join(' '));
    line.dataset.reading = name;
    svg.appendChild(line);
  });
  $('chart-legend').textContent = body.items.length + ' readings; ' + names.map((name, index) =>
    name + ' (' + colours[index % colours.length] + ')').join(', ');
}

async function refreshCommand() {
  if (!command) return;
  const { body } = await json('/devices/' + encodeURIComponent(command.device) + '/commands/' + command.id);
  $('command-state').textContent = 'command ' + body.name + ' ' + body.id + ': ' + body.status
    + (body.detail ? ' (' + body.detail + ')' : '');
  $('command-state').dataset.status = body.status;
}

$('command-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('command-error').hidden = true;
  try {
    const args = JSON.parse($('command-args').value || '{}');
    const { body } = await json('/devices/' + encodeURIComponent(selected) + '/commands', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: $('command-name').value, args, ttl: $('command-ttl').value }),
    });
    command = { device: selected, id: body.id };
    refreshCommand();
  } catch (error) {
    $('command-error').textContent = 'Not sent: ' + error.message;
    $('command-error').hidden = false;
  }
});
$('online-only').addEventListener('change', refreshDevices);

async function tick() {
  await Promise.allSettled([refreshDevices(), refreshBroker(), refreshChart(), refreshCommand()]);
  $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}
tick();
setInterval(tick, 2000);
