// The live dashboard: per instance the host, process and application charts, the alerts
// and a firing banner, updated by the server's snapshots (server-sent events on /events).
'use strict';

const GROUPS = {
	host: ['host.cpu.usage', 'host.memory.used', 'host.swap.used', 'host.disk.used',
		'host.disk.read.bytes', 'host.disk.write.bytes', 'host.net.received.bytes', 'host.net.sent.bytes'],
	process: ['process.cpu.usage', 'process.rss', 'process.threads', 'process.open.fds'],
	application: ['http.requests.rate', 'http.latency.p99', 'http.errors.rate', 'messages.published.rate',
		'messages.consumed.rate', 'consumer.backlog'],
};
const KEEP = 180;
const history = new Map();

function text(value) {
	if (value === null || value === undefined) return '–';
	const abs = Math.abs(value);
	if (abs >= 1e9) return (value / 1e9).toFixed(1) + 'G';
	if (abs >= 1e6) return (value / 1e6).toFixed(1) + 'M';
	if (abs >= 1e3) return (value / 1e3).toFixed(1) + 'k';
	return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function el(tag, attrs, ...children) {
	const node = document.createElement(tag);
	Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
	children.forEach((child) => node.append(child));
	return node;
}

/** The values of all series of a name (label sets summed, e.g. backlog over groups). */
function valueOf(latest, name) {
	let sum = null;
	Object.entries(latest).forEach(([id, value]) => {
		if (id === name || id.startsWith(name + '{')) sum = (sum || 0) + value;
	});
	return sum;
}

function remember(instance, name, at, value) {
	const key = instance + ' ' + name;
	const points = history.get(key) || [];
	if (value !== null && (points.length === 0 || points[points.length - 1].t < at)) {
		points.push({ t: at, v: value });
		if (points.length > KEEP) points.shift();
	}
	history.set(key, points);
	return points;
}

function draw(canvas, points) {
	const width = canvas.clientWidth || 200;
	const height = canvas.clientHeight || 44;
	canvas.width = width;
	canvas.height = height;
	const g = canvas.getContext('2d');
	g.clearRect(0, 0, width, height);
	if (points.length < 2) return;
	const values = points.map((p) => p.v);
	const min = Math.min(...values);
	const max = Math.max(...values);
	const span = (max - min) || 1;
	g.strokeStyle = '#1565c0';
	g.lineWidth = 1.5;
	g.beginPath();
	points.forEach((p, i) => {
		const x = (i / (points.length - 1)) * (width - 2) + 1;
		const y = height - 3 - ((p.v - min) / span) * (height - 6);
		if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
	});
	g.stroke();
}

function card(instance) {
	const id = 'instance-' + instance.instance;
	let node = document.getElementById(id);
	if (!node) {
		node = el('div', { id, class: 'instance', 'data-instance': instance.instance });
		node.append(el('h3', {}, instance.service + ' · ' + instance.instance), el('div', { class: 'meta' }));
		Object.entries(GROUPS).forEach(([group, names]) => {
			node.append(el('div', { class: 'group' }, group));
			const charts = el('div', { class: 'charts' });
			names.forEach((name) => {
				charts.append(el('div', { class: 'chart', 'data-series': name },
					el('div', { class: 'label' }, el('span', {}, name), el('b', {}, '–')), el('canvas', {})));
			});
			node.append(charts);
		});
		document.getElementById('instances').append(node);
		loadHistory(instance.instance, node);
	}
	return node;
}

async function loadHistory(instance, node) {
	for (const names of Object.values(GROUPS)) {
		for (const name of names) {
			const answer = await fetch('/metrics/series?instance=' + encodeURIComponent(instance) + '&name=' + name + '&step=10s');
			if (!answer.ok) continue;
			const body = await answer.json();
			if (body.series.length === 0) continue;
			body.series[0].points.forEach((p) => remember(instance, name, Date.parse(p.t), p.last));
			const chart = node.querySelector('[data-series="' + name + '"] canvas');
			draw(chart, history.get(instance + ' ' + name) || []);
		}
	}
}

function showInstances(instances) {
	const container = document.getElementById('instances');
	if (instances.length > 0) container.querySelector('.empty')?.remove();
	instances.forEach((instance) => {
		const node = card(instance);
		const at = Date.parse(instance.lastSampleAt);
		node.querySelector('.meta').textContent = 'host ' + instance.host + ' · pid ' + instance.pid
			+ ' · last sample ' + new Date(at).toLocaleTimeString();
		node.querySelectorAll('.chart').forEach((chart) => {
			const name = chart.dataset.series;
			const value = valueOf(instance.latest, name);
			chart.querySelector('b').textContent = text(value);
			draw(chart.querySelector('canvas'), remember(instance.instance, name, at, value));
		});
	});
}

function showAlerts(alerts) {
	const body = document.querySelector('#alerts tbody');
	body.replaceChildren();
	if (alerts.length === 0) {
		body.append(el('tr', { class: 'empty' }, el('td', { colspan: '6' }, 'no alerts')));
	}
	alerts.forEach((alert) => {
		const row = el('tr', { class: alert.phase + (alert.stale ? ' stale' : ''), 'data-rule': alert.rule },
			el('td', { class: 'phase' }, alert.phase.toLowerCase() + (alert.stale ? ' (stale)' : '')),
			el('td', {}, alert.rule), el('td', {}, alert.alert), el('td', {}, alert.labels.severity || ''),
			el('td', {}, new Date(alert.since).toLocaleTimeString()), el('td', {}, text(alert.value)));
		body.append(row);
	});
	const firing = alerts.filter((alert) => alert.phase === 'FIRING');
	const banner = document.getElementById('banner');
	banner.hidden = firing.length === 0;
	banner.textContent = firing.length + ' alert' + (firing.length === 1 ? '' : 's') + ' firing: '
		+ firing.map((alert) => alert.rule + ' on ' + alert.alert).join(', ');
}

function connect() {
	const events = new EventSource('/events');
	events.addEventListener('snapshot', (event) => {
		const snapshot = JSON.parse(event.data);
		document.getElementById('status').textContent = 'live · ' + new Date(snapshot.at).toLocaleTimeString();
		showInstances(snapshot.instances);
		showAlerts(snapshot.alerts);
	});
	events.onerror = () => {
		document.getElementById('status').textContent = 'reconnecting…';
	};
}

connect();
