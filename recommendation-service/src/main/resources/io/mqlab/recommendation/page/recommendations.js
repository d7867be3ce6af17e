// Reads the service's own REST API: /trending, /recommendations/{userId}, /products/{sku}/related.
const WINDOWS = ['5m', '1h'];

/** The answer's JSON, or an Error whose message is the problem detail's (RFC 9457). */
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new Error('cannot reach the service: ' + error.message);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const title = (body && body.title) || ('HTTP ' + response.status);
    throw new Error(body && body.detail ? title + ': ' + body.detail : title);
  }
  return body;
}

function showError(id, error) {
  const element = document.getElementById(id);
  element.textContent = error ? error.message : '';
  element.hidden = !error;
}

function cell(content, className) {
  const td = document.createElement('td');
  if (className) {
    td.className = className;
  }
  td.appendChild(content instanceof Node ? content : document.createTextNode(String(content)));
  return td;
}

// a product name that shows what relates to it
function skuButton(sku) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'sku';
  button.textContent = sku;
  button.addEventListener('click', () => {
    document.getElementById('product-sku').value = sku;
    showRelated(sku);
  });
  return button;
}

function fill(table, rows, columns, emptyText) {
  const body = table.querySelector('tbody');
  if (rows.length === 0) {
    const td = cell(emptyText, 'empty');
    td.colSpan = columns;
    const tr = document.createElement('tr');
    tr.appendChild(td);
    body.replaceChildren(tr);
  } else {
    body.replaceChildren(...rows);
  }
  table.hidden = false;
}

function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach((td) => tr.appendChild(td));
  return tr;
}

function recommendationRows(items) {
  return items.map((item, index) => {
    const tr = row([cell(index + 1, 'n'), cell(skuButton(item.sku)), cell(item.reason, 'basis-' + item.basis),
      cell(item.score.toFixed(3), 'n')]);
    tr.dataset.sku = item.sku;
    return tr;
  });
}

async function refreshTrending() {
  try {
    for (const window of WINDOWS) {
      const trending = await getJson('trending?window=' + window + '&limit=10');
      const top = Math.max(...trending.items.map((item) => item.score), 1);
      const rows = trending.items.map((item, index) => {
        const bar = document.createElement('span');
        bar.className = 'bar';
        bar.style.width = Math.max(2, 120 * item.score / top) + 'px';
        const tr = row([cell(index + 1, 'n'), cell(skuButton(item.sku)), cell(item.score.toFixed(1), 'n'), cell(bar)]);
        tr.dataset.sku = item.sku;
        return tr;
      });
      fill(document.getElementById('trending-' + window), rows, 4, 'nothing trends in this window yet');
    }
    showError('trending-error', null);
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    showError('trending-error', error);
  }
}

async function showRecommendations(userId) {
  const table = document.getElementById('user-recommendations');
  try {
    const answer = await getJson('recommendations/' + encodeURIComponent(userId) + '?limit=10');
    fill(table, recommendationRows(answer.items), 4, 'no recommendations for ' + userId + ' yet');
    table.dataset.user = answer.userId;
    showError('user-error', null);
  } catch (error) {
    table.hidden = true;
    showError('user-error', error);
  }
}

async function showRelated(sku) {
  const table = document.getElementById('related');
  try {
    const answer = await getJson('products/' + encodeURIComponent(sku) + '/related?limit=10');
    fill(table, recommendationRows(answer.items), 4, 'nothing relates to ' + sku + ' yet');
    table.dataset.sku = answer.sku;
    showError('product-error', null);
  } catch (error) {
    table.hidden = true;
    showError('product-error', error);
  }
}

document.getElementById('user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showRecommendations(document.getElementById('user-id').value.trim());
});
document.getElementById('product-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showRelated(document.getElementById('product-sku').value.trim());
});
refreshTrending();
setInterval(refreshTrending, 5000);
