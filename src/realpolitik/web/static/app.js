// The realpolitik dashboard: plain DOM and SVG over the REST API under /api.
// Every piece of data (sentences, names, posted text) goes in through textContent or
// text nodes, never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PAGE_SIZE = 25;
const QUADS = ["verbal_coop", "material_coop", "verbal_conflict", "material_conflict"];
const QUAD_NAMES = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
const COOP_RGB = [27, 120, 55];
const CONFLICT_RGB = [178, 24, 43];

// `latest` numbers each kind of request, so that an answer overtaken by a newer request is dropped.
const state = {range: {}, filters: {}, offset: 0, dyad: null, latest: {events: 0, dyad: 0, evidence: 0}};

// -- helpers --------------------------------------------------------------------------

function $(selector) {
  return document.querySelector(selector);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

function titled(node, text) {
  node.append(svg("title", {}, text));
  return node;
}

function setStatus(text, isError = false) {
  const status = $("#status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

// GET or POST under /api; params may hold arrays (repeated) and empty values (left out).
async function api(path, params = {}, body = undefined) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of [].concat(value)) {
      if (one !== undefined && one !== null && one !== "") query.append(name, one);
    }
  }
  const url = "/api/" + path + (query.toString() ? "?" + query : "");
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  const response = await fetch(url, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(errorText(response.status, data));
  return data;
}

function errorText(status, data) {
  const detail = data && data.detail;
  if (Array.isArray(detail)) {
    return `${status}: ` + detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return `${status}: ${detail || "request failed"}`;
}

function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) values[name] = value.trim();
  return values;
}

function rangeParams() {
  return {since: state.range.since, until: state.range.until, modality: state.range.modality || "asserted"};
}

function mix(share) {
  const rgb = COOP_RGB.map((c, i) => Math.round(c + (CONFLICT_RGB[i] - c) * share));
  return `rgb(${rgb.join(",")})`;
}

function actorLabel(name, code) {
  return name ? `${name} (${code})` : (code || "–");
}

// The sentence as text nodes, with the source, target and trigger spans wrapped in <mark>.
// Spans are offsets in code points (Python's), so the text is cut as an array of code points.
function highlighted(sentence, record) {
  const chars = Array.from(sentence || "");
  const spans = ["source", "target", "trigger"]
    .map((kind) => ({kind, span: record[kind + "_span"]}))
    .filter(({span}) => Array.isArray(span) && span[0] >= 0 && span[0] < span[1] && span[1] <= chars.length)
    .sort((x, y) => x.span[0] - y.span[0]);
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const {kind, span: [start, end]} of spans) {
    if (start < at) continue; // overlapping spans: keep the first
    fragment.append(chars.slice(at, start).join(""));
    fragment.append(el("mark", {class: kind, title: kind}, chars.slice(start, end).join("")));
    at = end;
  }
  fragment.append(chars.slice(at).join(""));
  return fragment;
}

function eventSummary(e) {
  return `${e.event_date || "undated"} · ${actorLabel(e.source_name, e.source)} · ${e.code} ${e.event_name || ""}` +
    ` · ${actorLabel(e.target_name, e.target)}`;
}

// -- network ----------------------------------------------------------------------------

async function loadNetwork() {
  const graph = await api("graph", {...rangeParams(), limit: 300});
  drawNetwork(graph);
  return graph;
}

// Directed edges merged into one line per pair of nodes.
function pairs(edges) {
  const merged = new Map();
  for (const e of edges) {
    const [a, b] = [e.source, e.target].sort();
    const key = a + "|" + b;
    const pair = merged.get(key) || {a, b, coop: 0, conflict: 0, total: 0, directions: []};
    pair.coop += e.verbal_coop + e.material_coop;
    pair.conflict += e.verbal_conflict + e.material_conflict;
    pair.total += e.total;
    pair.directions.push(e);
    merged.set(key, pair);
  }
  return [...merged.values()];
}

// A small force layout (Fruchterman–Reingold: repulsion k²/d between nodes, attraction d²/k along edges,
// plus gravity to the centre), deterministic: nodes start on a circle in the API's order.
function layout(nodes, links, width, height) {
  const n = nodes.length;
  const k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.6;
  const pos = nodes.map((node, i) => ({
    x: width / 2 + (width / 3) * Math.cos((2 * Math.PI * i) / Math.max(n, 1)),
    y: height / 2 + (height / 3) * Math.sin((2 * Math.PI * i) / Math.max(n, 1)),
  }));
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  let temperature = width / 10;
  for (let step = 0; step < 300; step++) {
    const shift = pos.map(() => ({x: 0, y: 0}));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = pos[i].x - pos[j].x || 0.01, dy = pos[i].y - pos[j].y || 0.01;
        const d2 = dx * dx + dy * dy;
        const f = (k * k) / d2;
        shift[i].x += dx * f; shift[i].y += dy * f;
        shift[j].x -= dx * f; shift[j].y -= dy * f;
      }
    }
    for (const link of links) {
      const i = index.get(link.a), j = index.get(link.b);
      const dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
      const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
      const f = d / k;
      shift[i].x -= dx * f; shift[i].y -= dy * f;
      shift[j].x += dx * f; shift[j].y += dy * f;
    }
    for (let i = 0; i < n; i++) { // gravity, as strong as a spring to the centre: keeps components together
      const dx = width / 2 - pos[i].x, dy = height / 2 - pos[i].y;
      const f = Math.hypot(dx, dy) / k;
      shift[i].x += dx * f;
      shift[i].y += dy * f;
      const length = Math.hypot(shift[i].x, shift[i].y) || 1;
      pos[i].x += (shift[i].x / length) * Math.min(length, temperature);
      pos[i].y += (shift[i].y / length) * Math.min(length, temperature);
    }
    temperature *= 0.985;
  }
  // fit into the drawing with a margin for labels
  const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = 60;
  return pos.map((p) => ({
    x: x1 > x0 ? margin + ((p.x - x0) / (x1 - x0)) * (width - 2 * margin) : width / 2,
    y: y1 > y0 ? margin / 2 + ((p.y - y0) / (y1 - y0)) * (height - margin) : height / 2,
  }));
}

function drawNetwork(graph) {
  const canvas = $("#network");
  canvas.replaceChildren();
  const [width, height] = [800, 560];
  if (!graph.nodes.length) {
    canvas.append(svg("text", {x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty"},
      "No events between countries in this range."));
    return;
  }
  const links = pairs(graph.edges);
  const points = layout(graph.nodes, links, width, height);
  const at = new Map(graph.nodes.map((node, i) => [node.id, points[i]]));
  const maxTotal = Math.max(...links.map((l) => l.total));
  const edgeLayer = svg("g", {class: "edges"});
  for (const link of links) {
    const share = link.total ? link.conflict / link.total : 0;
    const kind = share > 0.5 ? "conflict" : share < 0.5 ? "coop" : "mixed";
    const [p, q] = [at.get(link.a), at.get(link.b)];
    const line = svg("line", {
      x1: p.x, y1: p.y, x2: q.x, y2: q.y, class: `edge ${kind}`, stroke: mix(share),
      "stroke-width": (1.5 + 8 * Math.sqrt(link.total / maxTotal)).toFixed(1), "data-a": link.a, "data-b": link.b,
    });
    const lines = link.directions.map((d) =>
      `${d.source} → ${d.target}: ${d.total} events (${d.verbal_coop + d.material_coop} cooperation, ` +
      `${d.verbal_conflict + d.material_conflict} conflict)`);
    titled(line, lines.join("\n"));
    line.addEventListener("click", () => run(() => selectDyad(link.a, link.b)));
    edgeLayer.append(line);
  }
  const nodeLayer = svg("g", {class: "nodes"});
  const maxEvents = Math.max(...graph.nodes.map((node) => node.events));
  for (const node of graph.nodes) {
    const p = at.get(node.id);
    const r = 5 + 14 * Math.sqrt(node.events / maxEvents);
    const group = svg("g", {class: "node", "data-id": node.id, transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`});
    group.append(svg("circle", {r: r.toFixed(1)}), svg("text", {y: (-r - 4).toFixed(1), "text-anchor": "middle"}, node.name));
    titled(group, `${node.name} (${node.id}): ${node.events} events`);
    group.addEventListener("click", () => run(() => selectActor(node.id)));
    nodeLayer.append(group);
  }
  canvas.append(edgeLayer, nodeLayer);
}

function selectDyad(a, b) {
  const form = $("#dyad-form");
  form.elements.a.value = a;
  form.elements.b.value = b;
  return Promise.all([setEventFilters({dyad: `${a},${b}`}), loadDyad(a, b, form.elements.by.value)]);
}

function selectActor(id) {
  $("#dyad-form").elements.a.value = id;
  return setEventFilters({actor: id});
}

// -- dyad timeline ------------------------------------------------------------------------

async function loadDyad(a, b, by) {
  state.dyad = {a, b, by};
  const ticket = ++state.latest.dyad;
  const [dyad, alerts] = await Promise.all([
    api("dyad", {a, b, by, since: state.range.since, until: state.range.until, modality: rangeParams().modality, top: 5}),
    api("alerts", {dyad: `${a},${b}`, by, since: state.range.since, modality: rangeParams().modality, limit: 500}),
  ]);
  if (ticket !== state.latest.dyad) return;
  drawTimeline(dyad, alerts.items);
  listAlerts(alerts.items);
  listEvents($("#top-events"), dyad.top_events, "No events between them.");
}

function drawTimeline(dyad, alerts) {
  const canvas = $("#timeline");
  canvas.replaceChildren();
  const [width, height, left, bottom] = [800, 300, 96, 40];
  const forward = `${dyad.a} → ${dyad.b}`;
  const rows = {up: dyad.series.filter((r) => r.direction === forward),
    down: dyad.series.filter((r) => r.direction !== forward)};
  const periods = rows.up.map((r) => r.period);
  if (!periods.length) {
    canvas.append(svg("text", {x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty"},
      `No events between ${dyad.a} and ${dyad.b}.`));
    return;
  }
  const middle = (height - bottom) / 2 + 10;
  const half = middle - 24;
  const peak = Math.max(1, ...dyad.series.map((r) => r.total));
  const band = (width - left - 10) / periods.length;
  const bar = Math.max(1, Math.min(48, band * 0.8));
  const x = (i) => left + i * band + (band - bar) / 2;
  const bars = svg("g", {class: "bars"});
  for (const [side, sign] of [["up", -1], ["down", 1]]) {
    rows[side].forEach((row, i) => {
      let offset = 0;
      QUADS.forEach((quad, q) => {
        if (!row[quad]) return;
        const h = (row[quad] / peak) * half;
        const y = sign < 0 ? middle - offset - h : middle + offset;
        bars.append(titled(svg("rect", {x: x(i).toFixed(1), y: y.toFixed(1), width: bar.toFixed(1),
          height: h.toFixed(1), class: `bar q${q + 1}`}), `${row.direction}, ${row.period}: ${row[quad]} ${QUAD_NAMES[q]}`));
        offset += h;
      });
    });
  }
  const axis = svg("g", {class: "axis"},
    svg("line", {x1: left, y1: middle, x2: width - 10, y2: middle}),
    svg("text", {x: left - 6, y: middle - half / 2, "text-anchor": "end"}, `${dyad.a} → ${dyad.b}`),
    svg("text", {x: left - 6, y: middle + half / 2, "text-anchor": "end"}, `${dyad.b} → ${dyad.a}`),
    svg("text", {x: left - 6, y: middle - half + 4, "text-anchor": "end", class: "tick"}, String(peak)));
  const every = Math.ceil(periods.length / 12);
  periods.forEach((period, i) => {
    if (i % every === 0) {
      axis.append(svg("text", {x: (x(i) + bar / 2).toFixed(1), y: height - 8, "text-anchor": "middle", class: "tick"}, period));
    }
  });
  const markers = svg("g", {class: "alerts"});
  for (const alert of alerts) {
    const i = periods.indexOf(alert.period);
    if (i < 0) continue;
    const up = alert.direction === forward;
    const cx = x(i) + bar / 2;
    const cy = up ? middle - half - 10 : middle + half + 10;
    const marker = svg("path", {d: `M${cx - 7},${cy + 6} L${cx + 7},${cy + 6} L${cx},${cy - 7} Z`,
      class: "alert-marker", tabindex: 0, "data-period": alert.period});
    titled(marker, alert.message);
    marker.addEventListener("click", () => run(() => focusAlert(alert)));
    markers.append(marker);
  }
  canvas.append(axis, bars, markers);
}

function listAlerts(alerts) {
  const list = $("#alerts");
  list.replaceChildren();
  if (!alerts.length) list.append(el("li", {class: "hint"}, "No alerts for this dyad."));
  for (const alert of alerts) {
    const item = el("li", {class: "alert", "data-period": alert.period}, el("strong", {}, alert.message));
    const events = el("ul", {class: "plain"});
    listEvents(events, alert.events, "");
    item.append(events);
    list.append(item);
  }
}

async function focusAlert(alert) {
  for (const item of document.querySelectorAll("#alerts li.alert")) {
    item.classList.toggle("focused", item.dataset.period === alert.period);
  }
  if (alert.events.length) await showEvidence(alert.events[0].event_key);
}

function listEvents(list, events, emptyText) {
  list.replaceChildren();
  if (!events.length && emptyText) list.append(el("li", {class: "hint"}, emptyText));
  for (const e of events) {
    const link = el("button", {type: "button", class: "link", "data-key": e.event_key}, eventSummary(e));
    link.addEventListener("click", () => run(() => showEvidence(e.event_key)));
    list.append(el("li", {}, link));
  }
}

// -- event table ----------------------------------------------------------------------------

function setEventFilters(filters) {
  for (const field of $("#event-form").elements) {
    if (field.name) field.value = filters[field.name] || "";
  }
  state.filters = filters;
  state.offset = 0;
  return loadEvents();
}

async function loadEvents() {
  const ticket = ++state.latest.events;
  const page = await api("events", {...state.filters, ...rangeParams(), limit: PAGE_SIZE, offset: state.offset});
  if (ticket !== state.latest.events) return;
  const body = $("#events tbody");
  body.replaceChildren();
  for (const e of page.items) {
    const row = el("tr", {tabindex: 0, "data-key": e.event_key, class: `quad${e.quad_class}`},
      el("td", {class: "date"}, e.event_date || "undated"),
      el("td", {title: e.source_name || ""}, e.source),
      el("td", {}, `${e.code} ${e.event_name || ""}`),
      el("td", {title: e.target_name || ""}, e.target || "–"),
      el("td", {}, e.modality),
      el("td", {class: "number"}, String(e.num_mentions)),
      el("td", {class: "sentence"}, e.sentence_text));
    row.addEventListener("click", () => run(() => showEvidence(e.event_key)));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") run(() => showEvidence(e.event_key));
    });
    body.append(row);
  }
  if (!page.items.length) body.append(el("tr", {}, el("td", {colspan: 7, class: "hint"}, "No events match.")));
  const last = Math.min(page.offset + page.items.length, page.total);
  $("#page-info").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "0 events";
  $("#prev").disabled = page.offset === 0;
  $("#next").disabled = last >= page.total;
}

// -- evidence ----------------------------------------------------------------------------------

async function showEvidence(key) {
  for (const row of document.querySelectorAll("#events tr.selected")) row.classList.remove("selected");
  const row = document.querySelector(`#events tr[data-key="${CSS.escape(key)}"]`);
  if (row) row.classList.add("selected");
  const ticket = ++state.latest.evidence;
  const detail = await api("events/" + encodeURIComponent(key));
  if (ticket !== state.latest.evidence) return;
  const e = detail.event;
  const box = $("#evidence");
  box.replaceChildren(
    el("h3", {}, eventSummary(e)),
    el("p", {class: "meta"}, `QuadClass ${e.quad_class} · Goldstein ${e.goldstein} · ${e.modality} · ` +
      `${e.num_mentions} report(s) from ${e.num_sources} source(s)`));
  for (const m of detail.mentions) {
    const caption = el("figcaption", {});
    const label = m.title || m.doc_id;
    if (/^https?:\/\//i.test(m.url || "")) {
      caption.append(el("a", {href: m.url, rel: "noopener noreferrer", target: "_blank"}, label));
    } else {
      caption.append(label);
    }
    caption.append(` · ${m.site || m.doc_source || ""} · ${m.event_date || m.doc_date || "undated"} · ${m.modality}` +
      (m.modality_cue ? ` (“${m.modality_cue}”)` : ""));
    box.append(el("figure", {class: "mention"}, el("blockquote", {class: "sentence"}, highlighted(m.sentence_text, m)),
      caption));
  }
}

// -- coding a text ------------------------------------------------------------------------------

async function codeText(form) {
  const {text, date} = formValues(form);
  const result = $("#code-result");
  result.replaceChildren(el("p", {class: "hint"}, "Coding…"));
  const coded = await api("code", {}, date ? {text, date} : {text});
  result.replaceChildren(el("p", {}, `${coded.count} event(s) in the text below.`));
  const list = el("ol", {class: "coded"});
  for (const e of coded.events) {
    list.append(el("li", {class: "coded-event"},
      el("div", {class: "meta"}, `${actorLabel(e.source_name, e.source)} · ${e.code} ${e.event_name || ""} · ` +
        `${actorLabel(e.target_name, e.target)} · ${e.modality}`),
      el("blockquote", {class: "sentence"}, highlighted(e.sentence_text, e))));
  }
  result.append(list, el("h3", {}, "Your text"), el("pre", {class: "posted"}, text));
}

// -- wiring ---------------------------------------------------------------------------------------

// Runs a task, showing "Loading…" meanwhile and the error, if any, in the status line.
async function run(task) {
  try {
    setStatus("Loading…");
    await task();
    setStatus("");
  } catch (error) {
    setStatus(error.message, true);
  }
}

function guarded(handler) {
  return (...args) => run(() => handler(...args));
}

// Graph, events and timeline for the current date range; at first, the busiest dyad of the graph.
async function refresh() {
  const graph = await loadNetwork();
  const busiest = graph.edges[0];
  if (state.dyad) {
    await Promise.all([loadEvents(), loadDyad(state.dyad.a, state.dyad.b, state.dyad.by)]);
  } else if (busiest) {
    await selectDyad(busiest.source, busiest.target);
  } else {
    await loadEvents();
  }
}

function init() {
  $("#range-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    state.range = formValues(event.target);
    state.offset = 0;
    await refresh();
  }));
  $("#dyad-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    const {a, b, by} = formValues(event.target);
    await loadDyad(a.toUpperCase(), b.toUpperCase(), by);
  }));
  $("#event-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    state.filters = formValues(event.target);
    state.offset = 0;
    await loadEvents();
  }));
  $("#event-form").addEventListener("reset", guarded(async () => {
    state.filters = {};
    state.offset = 0;
    await loadEvents();
  }));
  $("#prev").addEventListener("click", guarded(async () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    await loadEvents();
  }));
  $("#next").addEventListener("click", guarded(async () => {
    state.offset += PAGE_SIZE;
    await loadEvents();
  }));
  $("#code-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    await codeText(event.target);
  }));
  run(refresh);
}

init();
