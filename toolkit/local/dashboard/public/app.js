// The dashboard page. Everything that comes from a message (payloads, attributes, ids, errors) is put into the
// page as text (textContent), never as HTML; the server's Content-Security-Policy backs this up.
'use strict';

const OUTCOMES = ['published', 'duplicate', 'filtered', 'dead-lettered', 'retry'];
const OUTCOME_COLOURS = { published: '#2e7d32', duplicate: '#6d6d6d', filtered: '#1565c0', 'dead-lettered': '#c62828', retry: '#ef6c00' };
const STAGE_COLOURS = ['#1565c0', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#ad1457', '#558b2f', '#4e342e'];
const token = document.querySelector('meta[name="dashboard-token"]').getAttribute('content');

/** A new element with text and attributes; `text` always goes in as text. */
function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
  return node;
}

function row(cells, attributes) {
  const tr = el('tr', undefined, attributes);
  for (const cell of cells) tr.append(cell instanceof Node ? cell : el('td', cell));
  return tr;
}

function replaceRows(table, rows) {
  table.querySelector('tbody').replaceChildren(...rows);
}

const fmt = (value) => (value === undefined || value === null ? '–' : String(value));

// --- The graph -------------------------------------------------------------------------------------------------
let cy;
// Nodes sized to their labels (12 px text: ~7 px a character, 15 px a line).
const labelLines = (node) => String(node.data('label')).split('\n');
const labelWidth = (node) => Math.max(50, ...labelLines(node).map((line) => line.length * 7)) + 12;
const labelHeight = (node) => labelLines(node).length * 15 + 12;
async function drawGraph() {
  const graph = await (await fetch('/api/graph')).json();
  document.getElementById('pipeline-name').textContent = `${graph.name} · project ${graph.project}`;
  cy = cytoscape({
    container: document.getElementById('graph'),
    elements: [
      ...graph.nodes.map((node) => ({ data: { ...node, name: node.label }, classes: `${node.kind} ${node.role}` })),
      ...graph.edges.map((edge) => ({ data: edge, classes: edge.kind })),
    ],
    style: [
      { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'font-size': 12, 'background-color': '#e3f2fd', 'border-width': 1, 'border-color': '#90a4ae', width: labelWidth, height: labelHeight, padding: 6 } },
      { selector: 'node.stage', style: { shape: 'round-rectangle', 'background-color': '#fff8e1', 'border-color': '#f9a825', 'font-weight': 'bold' } },
      { selector: 'node.topic', style: { shape: 'ellipse' } },
      { selector: 'node.deadLetter', style: { 'background-color': '#ffebee', 'border-color': '#c62828' } },
      { selector: 'node.subscription', style: { shape: 'barrel', 'background-color': '#eceff1' } },
      { selector: 'edge', style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 1.5, 'line-color': '#78909c', 'target-arrow-color': '#78909c', label: 'data(label)', 'font-size': 10, 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': 2 } },
      { selector: 'edge.dead-letter', style: { 'line-style': 'dashed', 'line-color': '#e57373', 'target-arrow-color': '#e57373', label: '' } },
    ],
    layout: { name: 'breadthfirst', directed: true, roots: graph.nodes.filter((node) => node.role === 'ingress').map((node) => `#${CSS.escape(node.id)}`).join(','), spacingFactor: 0.8, padding: 10 },
    userZoomingEnabled: false,
    boxSelectionEnabled: false,
  });
  window.dashboardGraph = cy; // for tests and the curious: the graph's nodes and edges
}

function updateGraph(snapshot) {
  if (!cy) return;
  for (const stage of snapshot.stages) {
    const node = cy.getElementById(`stage:${stage.stage}`);
    const total = OUTCOMES.reduce((sum, outcome) => sum + stage.counts[outcome], 0);
    node.data('label', `${stage.stage}\n${total} msgs`);
  }
}

// --- Charts ------------------------------------------------------------------------------------------------------
let rateChart;
let outcomeChart;
function chartWidth() {
  return Math.max(320, document.getElementById('stages').clientWidth);
}
function timeAxis(snapshot) {
  const end = snapshot.rateEndMillis / 1000;
  return Array.from({ length: snapshot.rateSeconds }, (_, index) => end - snapshot.rateSeconds + 1 + index);
}
function drawCharts(snapshot) {
  const xs = timeAxis(snapshot);
  const perStage = snapshot.stages.map((stage) => xs.map((_, index) => OUTCOMES.reduce((sum, outcome) => sum + stage.rate[outcome][index], 0)));
  const perOutcome = OUTCOMES.map((outcome) => xs.map((_, index) => snapshot.stages.reduce((sum, stage) => sum + stage.rate[outcome][index], 0)));
  if (!rateChart) {
    const options = (series) => ({ width: chartWidth(), height: 200, series: [{}, ...series], axes: [{}, { label: 'msgs/s' }], scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } } });
    rateChart = new uPlot(options(snapshot.stages.map((stage, index) => ({ label: stage.stage, stroke: STAGE_COLOURS[index % STAGE_COLOURS.length], width: 2 }))), [xs, ...perStage], document.getElementById('rate-chart'));
    outcomeChart = new uPlot(options(OUTCOMES.map((outcome) => ({ label: outcome, stroke: OUTCOME_COLOURS[outcome], width: 2 }))), [xs, ...perOutcome], document.getElementById('outcome-chart'));
    return;
  }
  rateChart.setData([xs, ...perStage]);
  outcomeChart.setData([xs, ...perOutcome]);
}

// --- Tables ------------------------------------------------------------------------------------------------------
function renderStages(snapshot) {
  replaceRows(
    document.getElementById('stages'),
    snapshot.stages.map((stage) => {
      const recent = OUTCOMES.reduce((sum, outcome) => sum + stage.rate[outcome].slice(-10).reduce((a, b) => a + b, 0), 0) / 10;
      return row(
        [
          el('td', stage.stage),
          el('td', recent.toFixed(1)),
          ...OUTCOMES.map((outcome) => el('td', stage.counts[outcome], { 'data-outcome': outcome })),
          el('td', fmt(stage.latency.p50)),
          el('td', fmt(stage.latency.p95)),
          el('td', fmt(stage.latency.p99)),
        ],
        { 'data-stage': stage.stage },
      );
    }),
  );
}

function renderBacklog(snapshot) {
  replaceRows(
    document.getElementById('backlog'),
    snapshot.subscriptions.map((subscription) =>
      row(
        [subscription.name, subscription.topic, subscription.stage || `(${subscription.kind})`, fmt(subscription.published), fmt(subscription.acked), fmt(subscription.retrying), el('td', fmt(subscription.backlog), { 'data-backlog': '' }), subscription.source],
        { 'data-subscription': subscription.key },
      ),
    ),
  );
}

function renderDeadLetters(list) {
  document.getElementById('dead-letter-total').textContent = String(list.total);
  document.getElementById('dead-letter-read').textContent = list.readAtMillis ? `Read at ${new Date(list.readAtMillis).toLocaleTimeString()}${list.truncated ? ' (more than were read)' : ''}.` : 'Not read yet.';
  if (list.error) document.getElementById('dead-letter-message').textContent = list.error;
  replaceRows(
    document.getElementById('dead-letters'),
    list.items.map((letter) => {
      const button = el('button', 'Replay', { type: 'button', 'data-replay': letter.messageId });
      if (!letter.replayTopic) {
        button.disabled = true;
        button.title = letter.replayProblem || 'cannot be replayed';
      }
      button.addEventListener('click', () => replay(letter.messageId, button));
      const correlation = el('td');
      if (letter.correlationId) correlation.append(journeyLink(letter.correlationId));
      const payload = el('td', letter.data, { class: 'payload', title: `${letter.dataBytes} bytes` });
      const action = el('td');
      action.append(button);
      return row([new Date(letter.deadLetteredAt).toLocaleTimeString(), letter.reason, fmt(letter.stage), el('td', fmt(letter.error), { class: 'error' }), correlation, payload, action], { 'data-dead-letter': letter.messageId });
    }),
  );
}

async function replay(messageId, button) {
  button.disabled = true;
  const message = document.getElementById('dead-letter-message');
  message.textContent = `Replaying ${messageId}…`;
  try {
    const response = await fetch('/api/dead-letters/replay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId, token }) });
    const body = await response.json();
    if (response.ok) {
      const item = body.items[0];
      message.textContent = `Replayed ${messageId} to ${item.topic} as ${item.replayMessageId} (replay ${item.replayCount}).`;
    } else {
      message.textContent = `Replay of ${messageId} failed (${response.status}): ${body.error || (body.items && body.items[0] && body.items[0].error) || 'see the terminal'}`;
    }
    renderDeadLetters(await (await fetch('/api/dead-letters')).json());
  } catch (error) {
    message.textContent = `Replay of ${messageId} failed: ${error.message}`;
    button.disabled = false;
  }
}

// --- Journeys ----------------------------------------------------------------------------------------------------
function journeyLink(correlationId) {
  const link = el('a', correlationId, { href: `#journey=${encodeURIComponent(correlationId)}`, 'data-correlation-id': correlationId });
  link.addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('correlation-id').value = correlationId;
    showJourney(correlationId);
  });
  return link;
}

function renderRecent(snapshot) {
  const holder = document.getElementById('recent');
  const links = snapshot.recent.map((entry) => journeyLink(entry.correlationId));
  holder.replaceChildren(...links.flatMap((link, index) => (index === 0 ? [link] : [document.createTextNode(' · '), link])));
  if (links.length === 0) holder.textContent = 'none yet';
}

async function showJourney(correlationId) {
  const message = document.getElementById('journey-message');
  const table = document.getElementById('journey');
  const response = await fetch(`/api/journey?correlationId=${encodeURIComponent(correlationId)}`);
  const body = await response.json();
  if (!response.ok) {
    message.textContent = body.error;
    replaceRows(table, []);
    return;
  }
  message.textContent = `${body.hops.length} hops in ${body.spanMs} ms, first start to last end.`;
  const span = Math.max(body.spanMs, 1);
  replaceRows(
    table,
    body.hops.map((hop, index) => {
      const bar = el('div', undefined, { class: `bar ${hop.outcome}` });
      // Set through the CSSOM (allowed by the page's CSP, unlike inline style attributes).
      bar.style.marginLeft = `${(hop.offsetMs / span) * 100}%`;
      bar.style.width = `${Math.max(0.5, (hop.latencyMs / span) * 100)}%`;
      const timeline = el('td', undefined, { class: 'timeline' });
      timeline.append(bar);
      const attributes = el('td', undefined, { class: 'attributes' });
      for (const [key, value] of Object.entries(hop.attributes)) attributes.append(el('div', `${key}=${value}`));
      const to = hop.outputTopic || (hop.errorCode ? `${hop.errorCode}: ${hop.error || ''}` : hop.filter ? `filter ${hop.filter}` : '');
      return row([String(index + 1), hop.stage, `+${hop.offsetMs} ms`, timeline, String(hop.latencyMs), el('td', hop.outcome, { class: `outcome ${hop.outcome}` }), fmt(hop.deliveryAttempt), el('td', to, { class: 'error' }), attributes], { 'data-hop': hop.stage });
    }),
  );
}

document.getElementById('journey-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = document.getElementById('correlation-id').value.trim();
  if (id) showJourney(id);
});

// --- Live updates ------------------------------------------------------------------------------------------------
function render(snapshot) {
  document.getElementById('hop-count').textContent = String(snapshot.hops);
  updateGraph(snapshot);
  renderStages(snapshot);
  renderBacklog(snapshot);
  drawCharts(snapshot);
  renderRecent(snapshot);
  // Re-render dead letters only when a new read arrived, so a click in progress is not swept away.
  if (snapshot.deadLetters.readAtMillis !== render.deadLettersReadAt) {
    render.deadLettersReadAt = snapshot.deadLetters.readAtMillis;
    renderDeadLetters(snapshot.deadLetters);
  }
}

function connect() {
  const source = new EventSource('/api/events');
  source.onopen = () => {
    document.getElementById('live').className = 'dot live';
    document.getElementById('live-text').textContent = 'live';
  };
  source.onmessage = (event) => render(JSON.parse(event.data));
  source.onerror = () => {
    document.getElementById('live').className = 'dot';
    document.getElementById('live-text').textContent = 'disconnected (is npm start still running?), retrying…';
  };
}

drawGraph().then(connect, (error) => {
  document.getElementById('live-text').textContent = `could not load the pipeline graph: ${error.message}`;
});
if (location.hash.startsWith('#journey=')) {
  const id = decodeURIComponent(location.hash.slice('#journey='.length));
  document.getElementById('correlation-id').value = id;
  showJourney(id);
}
