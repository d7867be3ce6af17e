'use strict';
// The log search page: every view is one GET /logs/search; the live tail is the
// server-sent events of GET /logs/tail with the same filters.
const state = { q: '', range: '1h', service: null, level: null, traceId: null, next: null, tail: null };
const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };
const $ = (id) => document.getElementById(id);

function params(withPaging) {
	const p = new URLSearchParams();
	if (state.q) p.set('q', state.q);
	if (state.service) p.set('service', state.service);
	if (state.level) p.set('level', state.level);
	if (state.traceId) p.set('traceId', state.traceId);
	if (withPaging) {
		const to = new Date();
		p.set('from', new Date(to.getTime() - RANGES[state.range]).toISOString());
		p.set('to', to.toISOString());
		p.set('size', '100');
	}
	return p;
}

async function search(append) {
	const p = params(true);
	if (append && state.next) p.set('after', state.next);
	const response = await fetch('/logs/search?' + p);
	const body = await response.json();
	if (!response.ok) {
		showError(body.detail || body.title || ('HTTP ' + response.status));
		return;
	}
	showError(null);
	state.next = body.next;
	$('more').hidden = !body.next;
	if (!append) {
		$('results').tBodies[0].replaceChildren();
		$('summary').textContent = body.total + (body.totalIsLowerBound ? '+' : '') + ' lines';
		histogram(body.histogram);
		facet('services', body.services, 'service');
		facet('levels', body.levels, 'level');
	}
	body.hits.forEach((hit) => $('results').tBodies[0].appendChild(row(hit)));
	filters();
}

function histogram(buckets) {
	const max = Math.max(1, ...buckets.map((b) => b.count));
	$('histogram').replaceChildren(...buckets.map((b) => {
		const bar = document.createElement('div');
		bar.style.height = (100 * b.count / max) + '%';
		bar.title = b.time + ': ' + b.count;
		return bar;
	}));
}

function facet(list, counts, field) {
	$(list).replaceChildren(...Object.entries(counts).map(([name, count]) => {
		const item = document.createElement('li');
		item.dataset.value = name;
		item.className = state[field] === name ? 'chosen' : '';
		const label = document.createElement('span');
		label.textContent = name;
		const number = document.createElement('span');
		number.textContent = count;
		item.append(label, number);
		item.onclick = () => { state[field] = state[field] === name ? null : name; refresh(); };
		return item;
	}));
}

function row(hit) {
	const tr = document.createElement('tr');
	tr.className = 'line';
	const cell = (text, cls) => {
		const td = document.createElement('td');
		td.textContent = text || '';
		if (cls) td.className = cls;
		tr.appendChild(td);
		return td;
	};
	cell(hit['@timestamp'], 'time');
	cell(hit.service, 'service');
	cell(hit.level, 'level-' + hit.level);
	const trace = cell('', 'trace-cell');
	if (hit.traceId) {
		const link = document.createElement('a');
		link.href = '#';
		link.className = 'trace';
		link.textContent = hit.traceId.substring(0, 12);
		link.title = 'every line of trace ' + hit.traceId;
		link.onclick = (event) => {
			event.preventDefault();
			event.stopPropagation();
			state.traceId = hit.traceId;
			state.q = '';
			state.service = null;
			state.level = null;
			state.range = '7d';
			$('q').value = '';
			$('range').value = '7d';
			refresh();
		};
		trace.appendChild(link);
	}
	cell(hit.message, 'message');
	tr.onclick = () => detail(hit);
	return tr;
}

function detail(hit) {
	let shown = hit;
	if (hit.json && hit.raw) {
		try { shown = { document: hit, line: JSON.parse(hit.raw) }; } catch (e) { shown = hit; }
	}
	$('detail-json').textContent = JSON.stringify(shown, null, 2);
	$('detail').showModal();
}

function filters() {
	const chips = [];
	for (const field of ['service', 'level', 'traceId']) {
		if (state[field]) {
			const chip = document.createElement('span');
			chip.className = 'filter';
			chip.dataset.field = field;
			chip.textContent = field + ': ' + state[field] + ' ✕';
			chip.onclick = () => { state[field] = null; refresh(); };
			chips.push(chip);
		}
	}
	$('filters').replaceChildren(...chips);
}

function showError(text) {
	$('error').hidden = !text;
	$('error').textContent = text || '';
}

function tail(on) {
	if (state.tail) {
		state.tail.close();
		state.tail = null;
	}
	$('tail-status').hidden = !on;
	if (!on) return;
	$('tail-status').textContent = 'live: waiting for new lines…';
	const source = new EventSource('/logs/tail?' + params(false));
	source.addEventListener('line', (event) => {
		const body = $('results').tBodies[0];
		body.insertBefore(row(JSON.parse(event.data)), body.firstChild);
		while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
		$('tail-status').textContent = 'live: last line at ' + new Date().toLocaleTimeString();
	});
	source.addEventListener('dropped', (event) => {
		const dropped = JSON.parse(event.data);
		$('tail-status').textContent = 'live: ' + dropped.droppedSoFar + ' lines dropped (too many to show)';
	});
	state.tail = source;
}

function refresh() {
	search(false);
	if ($('tail').checked) tail(true);
}

$('search').onsubmit = (event) => {
	event.preventDefault();
	state.q = $('q').value.trim();
	state.range = $('range').value;
	refresh();
};
$('range').onchange = () => { state.range = $('range').value; refresh(); };
$('more').onclick = () => search(true);
$('tail').onchange = () => tail($('tail').checked);
refresh();
