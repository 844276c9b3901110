// The realpolitik dashboard: plain DOM and SVG over the REST API under /api.
// Every piece of data (sentences, names, posted text) goes in through textContent or
// text nodes, never as HTML. The page's address holds the view (filters, dyad, page,
// selected event), so a view can be bookmarked or shared.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PAGE_SIZE = 25;
const QUADS = ["verbal_coop", "material_coop", "verbal_conflict", "material_conflict"];
const QUAD_NAMES = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
const MODALITIES = ["asserted", "negated", "hypothetical", "future", "denied", "reported", "attempted"];
const COOP_RGB = [27, 120, 55];
const CONFLICT_RGB = [178, 24, 43];
const GAP_PERIODS = 3; // a run of at least this many empty periods is drawn as one gap
const EVENT_FIELDS = ["actor", "target", "dyad", "code", "quad_class", "q", "bbox", "place", "sort"];

// `latest` numbers each kind of request, so that an answer overtaken by a newer request is dropped.
const state = {
  range: {modality: ["asserted"]}, filters: {}, offset: 0, dyad: null, selected: null, minEvents: 1,
  graph: null, latest: {events: 0, dyad: 0, evidence: 0, map: 0, suggest: 0},
};

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

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
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
  if (!response.ok) throw new ApiError(response.status, errorText(response.status, data));
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
  for (const [name, value] of new FormData(form)) {
    if (name !== "modality") values[name] = value.trim();
  }
  return values;
}

function rangeParams() {
  const chosen = state.range.modality || ["asserted"];
  return {since: state.range.since, until: state.range.until,
    modality: chosen.length === MODALITIES.length ? "all" : chosen};
}

function mix(share) {
  const rgb = COOP_RGB.map((c, i) => Math.round(c + (CONFLICT_RGB[i] - c) * share));
  return `rgb(${rgb.join(",")})`;
}

function actorLabel(name, code) {
  return name ? `${name} (${code})` : (code || "–");
}

// The sentence as text nodes, with the source, target, trigger and place spans wrapped in <mark>.
// Spans are offsets in code points (Python's), so the text is cut as an array of code points.
function highlighted(sentence, record) {
  const chars = Array.from(sentence || "");
  const spans = [["source", "source_span"], ["target", "target_span"], ["trigger", "trigger_span"],
    ["place", "location_span"]]
    .map(([kind, field]) => ({kind, span: record[field]}))
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

function placeLabel(e) {
  if (!e.location) return "";
  return e.location_country && e.location_country !== e.location ? `${e.location} (${e.location_country})` : e.location;
}

function eventSummary(e) {
  return `${e.event_date || "undated"} · ${actorLabel(e.source_name, e.source)} · ${e.code} ${e.event_name || ""}` +
    ` · ${actorLabel(e.target_name, e.target)} · ${e.modality}`;
}

// -- the address: the view as query parameters ---------------------------------------------

function writeUrl() {
  const query = new URLSearchParams();
  const put = (name, value) => { if (value !== undefined && value !== null && value !== "") query.append(name, value); };
  put("since", state.range.since);
  put("until", state.range.until);
  const chosen = state.range.modality || ["asserted"];
  if (chosen.join(",") !== "asserted") chosen.forEach((m) => put("modality", m));
  if (state.dyad) {
    put("a", state.dyad.a);
    put("b", state.dyad.b);
    if (state.dyad.by !== "auto") put("by", state.dyad.by);
  }
  for (const field of EVENT_FIELDS) put(field, state.filters[field]);
  if (state.offset) put("offset", state.offset);
  if (state.minEvents > 1) put("min_events", state.minEvents);
  put("event", state.selected);
  const search = query.toString();
  const next = location.pathname + (search ? "?" + search : "");
  if (next !== location.pathname + location.search) history.replaceState(null, "", next);
}

function readUrl() {
  const query = new URLSearchParams(location.search);
  const modality = query.getAll("modality").filter((m) => MODALITIES.includes(m));
  state.range = {since: query.get("since") || "", until: query.get("until") || "",
    modality: modality.length ? modality : ["asserted"]};
  state.filters = {};
  for (const field of EVENT_FIELDS) if (query.get(field)) state.filters[field] = query.get(field);
  state.offset = Math.max(0, parseInt(query.get("offset") || "0", 10) || 0);
  state.minEvents = Math.max(1, parseInt(query.get("min_events") || "1", 10) || 1);
  state.selected = query.get("event");
  const [a, b] = [query.get("a"), query.get("b")];
  state.dyad = a && b ? {a, b, by: query.get("by") || "auto"} : null;
  // the forms show the view
  const range = $("#range-form");
  range.elements.since.value = state.range.since;
  range.elements.until.value = state.range.until;
  for (const box of range.querySelectorAll('input[name="modality"]')) box.checked = state.range.modality.includes(box.value);
  fillEventForm(state.filters);
  $("#network-form").elements.min_events.value = state.minEvents;
  if (state.dyad) {
    const form = $("#dyad-form");
    form.elements.a.value = state.dyad.a;
    form.elements.b.value = state.dyad.b;
    form.elements.by.value = state.dyad.by;
  }
}

// -- autocomplete for actor fields ---------------------------------------------------------------

function autocomplete(input) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const typed = input.value.trim();
    if (typed.length < 2) return;
    timer = setTimeout(async () => {
      const ticket = ++state.latest.suggest;
      try {
        const found = await api("actors/suggest", {q: typed, limit: 12});
        if (ticket !== state.latest.suggest) return;
        $("#actor-names").replaceChildren(...found.items.map((s) =>
          el("option", {value: s.label, label: `${s.label} · ${s.code} (${s.kind})`})));
      } catch (error) {
        // suggestions are a convenience: a failed one says nothing
      }
    }, 150);
  });
}

// -- network ----------------------------------------------------------------------------

async function loadGraph() {
  const graph = await api("graph", {...rangeParams(), limit: 300});
  state.graph = graph;
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

// Label boxes placed so that none overlaps another label or a node: the busiest nodes choose first,
// each takes the first free place above, below, right or left of its circle; a label with no free
// place is left out (the node's tooltip still names it).
function placeLabels(items, width, height) {
  const taken = items.map((item) => ({x0: item.x - item.r, x1: item.x + item.r, y0: item.y - item.r, y1: item.y + item.r}));
  const placed = [];
  const free = (box) => box.x0 >= 0 && box.x1 <= width && box.y0 >= 0 && box.y1 <= height &&
    ![...taken, ...placed].some((o) => box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1);
  const order = items.map((item, i) => i).sort((i, j) => items[j].weight - items[i].weight);
  const out = new Array(items.length).fill(null);
  for (const i of order) {
    const {x, y, r, text} = items[i];
    const w = 7 * text.length + 4, h = 14;
    const options = [
      {x: x, y: y - r - 4, anchor: "middle", box: {x0: x - w / 2, x1: x + w / 2, y0: y - r - 4 - h, y1: y - r - 2}},
      {x: x, y: y + r + 14, anchor: "middle", box: {x0: x - w / 2, x1: x + w / 2, y0: y + r + 2, y1: y + r + 2 + h}},
      {x: x + r + 4, y: y + 4, anchor: "start", box: {x0: x + r + 2, x1: x + r + 4 + w, y0: y - h / 2, y1: y + h / 2}},
      {x: x - r - 4, y: y + 4, anchor: "end", box: {x0: x - r - 4 - w, x1: x - r - 2, y0: y - h / 2, y1: y + h / 2}},
    ];
    const spot = options.find((o) => free(o.box));
    if (spot) {
      placed.push(spot.box);
      out[i] = spot;
    }
  }
  return out;
}

function drawNetwork(graph) {
  const canvas = $("#network");
  canvas.replaceChildren();
  const [width, height] = [800, 560];
  const links = pairs(graph.edges).filter((link) => link.total >= state.minEvents);
  const used = new Set(links.flatMap((link) => [link.a, link.b]));
  const nodes = graph.nodes.filter((node) => used.has(node.id));
  if (!nodes.length) {
    const text = graph.nodes.length ? `No pair of countries has ${state.minEvents} events or more.` :
      "No events between countries in this range.";
    canvas.append(svg("text", {x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty"}, text));
    return;
  }
  const points = layout(nodes, links, width, height);
  const at = new Map(nodes.map((node, i) => [node.id, points[i]]));
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
    titled(line, dyadTitle(link));
    line.addEventListener("click", () => run(() => selectDyad(link.a, link.b)));
    edgeLayer.append(line);
  }
  const nodeLayer = svg("g", {class: "nodes"});
  const maxEvents = Math.max(...nodes.map((node) => node.events));
  const radius = (node) => 5 + 14 * Math.sqrt(node.events / maxEvents);
  const labels = placeLabels(nodes.map((node) => ({...at.get(node.id), r: radius(node), text: node.name,
    weight: node.events})), width, height);
  nodes.forEach((node, i) => {
    const p = at.get(node.id);
    const r = radius(node);
    const group = svg("g", {class: "node", "data-id": node.id, transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`});
    group.append(svg("circle", {r: r.toFixed(1)}));
    if (labels[i]) {
      group.append(svg("text", {x: (labels[i].x - p.x).toFixed(1), y: (labels[i].y - p.y).toFixed(1),
        "text-anchor": labels[i].anchor}, node.name));
    }
    titled(group, `${node.name} (${node.id}): ${node.events} events`);
    group.addEventListener("click", () => run(() => selectActor(node.id)));
    nodeLayer.append(group);
  });
  canvas.append(edgeLayer, nodeLayer);
}

function dyadTitle(link) {
  return link.directions.map((d) =>
    `${d.source} → ${d.target}: ${d.total} events (${d.verbal_coop + d.material_coop} cooperation, ` +
    `${d.verbal_conflict + d.material_conflict} conflict)`).join("\n");
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

// -- map ----------------------------------------------------------------------------------------

const MAP = {width: 1000, height: 445, world: null, view: null};

// The Natural Earth projection (Šavrič et al. 2011) into the plane of world.json (built with the same
// formula by scripts/build_geo_data.py): 1000 units across, y down from the North Pole's line.
function naturalEarth(lon, lat) {
  const lam = lon * Math.PI / 180, phi = lat * Math.PI / 180;
  const p2 = phi * phi, p4 = p2 * p2;
  return [lam * (0.870700 - 0.131979 * p2 - 0.013791 * p4 + 0.003971 * p4 * p4 * p2 - 0.001529 * p4 * p4 * p4),
    phi * (1.007226 + 0.015085 * p2 - 0.044475 * p2 * p4 + 0.028874 * p4 * p4 - 0.005916 * p4 * p4 * p2)];
}

const X_MAX = naturalEarth(180, 0)[0];
const Y_TOP = naturalEarth(0, 90)[1];

function project(lon, lat) {
  const [x, y] = naturalEarth(lon, lat);
  const scale = MAP.width / (2 * X_MAX);
  return [(x + X_MAX) * scale, (Y_TOP - y) * scale];
}

async function loadWorld() {
  if (!MAP.world) {
    const response = await fetch("/static/world.json");
    if (!response.ok) throw new Error(`${response.status}: the world map did not load`);
    MAP.world = await response.json();
    MAP.height = MAP.world.height;
    MAP.view = [0, 0, MAP.width, MAP.height];
  }
  return MAP.world;
}

async function loadMap() {
  const ticket = ++state.latest.map;
  const [world, places] = await Promise.all([loadWorld(),
    api("places", {...rangeParams(), limit: 2000})]);
  if (ticket !== state.latest.map) return;
  drawMap(world, places.items, state.graph || {nodes: [], edges: []});
}

function drawMap(world, places, graph) {
  const canvas = $("#map");
  canvas.setAttribute("viewBox", MAP.view.join(" "));
  canvas.replaceChildren();
  const land = svg("g", {class: "countries"});
  for (const country of world.countries) {
    land.append(titled(svg("path", {d: country.d, class: "country", "data-id": country.id}), country.name));
  }
  canvas.append(land);
  // arcs between the countries of each dyad
  const where = new Map(graph.nodes.filter((n) => n.latitude !== null && n.latitude !== undefined)
    .map((n) => [n.id, project(n.longitude, n.latitude)]));
  const links = pairs(graph.edges).filter((link) => link.total >= state.minEvents && where.has(link.a) && where.has(link.b));
  const maxTotal = Math.max(1, ...links.map((l) => l.total));
  const arcs = svg("g", {class: "arcs"});
  for (const link of links) {
    const [[x1, y1], [x2, y2]] = [where.get(link.a), where.get(link.b)];
    const [mx, my] = [(x1 + x2) / 2, (y1 + y2) / 2];
    const bend = 0.2 * Math.hypot(x2 - x1, y2 - y1);
    const [nx, ny] = [-(y2 - y1), x2 - x1].map((v) => v / (Math.hypot(x2 - x1, y2 - y1) || 1));
    const share = link.total ? link.conflict / link.total : 0;
    const arc = svg("path", {d: `M${x1.toFixed(1)},${y1.toFixed(1)} Q${(mx + nx * bend).toFixed(1)},` +
      `${(my + ny * bend).toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`, class: "arc", stroke: mix(share),
    "stroke-width": (0.8 + 3.5 * Math.sqrt(link.total / maxTotal)).toFixed(2), "data-a": link.a, "data-b": link.b});
    titled(arc, dyadTitle(link));
    arc.addEventListener("click", () => run(() => selectDyad(link.a, link.b)));
    arcs.append(arc);
  }
  canvas.append(arcs);
  // one point per place and QuadClass; several classes at one place sit side by side
  const dots = svg("g", {class: "places"});
  const maxEvents = Math.max(1, ...places.map((p) => p.events));
  const byPlace = new Map();
  for (const place of places) {
    const key = `${place.latitude},${place.longitude}`;
    byPlace.set(key, [...(byPlace.get(key) || []), place]);
  }
  for (const group of byPlace.values()) {
    group.sort((p, q) => p.quad_class - q.quad_class);
    group.forEach((place, i) => {
      const [x, y] = project(place.longitude, place.latitude);
      const r = 2 + 6 * Math.sqrt(place.events / maxEvents);
      const dx = group.length > 1 ? (i - (group.length - 1) / 2) * 3.2 : 0;
      const dot = svg("circle", {cx: (x + dx).toFixed(2), cy: y.toFixed(2), r: r.toFixed(2),
        class: `place q${place.quad_class}`, "data-name": place.name || "", "data-quad": place.quad_class,
        "data-precision": place.precision || ""});
      titled(dot, `${place.name}${place.country ? " (" + place.country + ")" : ""}: ${place.events} ` +
        `${QUAD_NAMES[place.quad_class - 1] || "events"} (${place.precision})`);
      dot.addEventListener("click", () => run(() => selectPlace(place)));
      dots.append(dot);
    });
  }
  canvas.append(dots);
  const placed = places.reduce((n, p) => n + p.events, 0);
  $("#map-info").textContent = places.length ? `${placed} events at ${byPlace.size} places` :
    "No event in this range has a known place.";
}

function selectPlace(place) {
  const pad = place.precision === "point" ? 0.05 : 0.5;
  const bbox = [place.longitude - pad, place.latitude - pad, place.longitude + pad, place.latitude + pad]
    .map((v) => v.toFixed(4)).join(",");
  return setEventFilters({bbox, place: place.name});
}

function zoomMap(factor) {
  if (!MAP.view) return;
  const [x, y, w, h] = MAP.view;
  const [nw, nh] = [Math.min(MAP.width, w / factor), Math.min(MAP.height, h / factor)];
  const cx = x + w / 2, cy = y + h / 2;
  MAP.view = [Math.max(0, Math.min(MAP.width - nw, cx - nw / 2)), Math.max(0, Math.min(MAP.height - nh, cy - nh / 2)), nw, nh];
  $("#map").setAttribute("viewBox", MAP.view.map((v) => v.toFixed(1)).join(" "));
}

function panMap(canvas) {
  let start = null;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.target.closest(".place, .arc")) return;
    start = {x: event.clientX, y: event.clientY, view: [...MAP.view]};
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!start || !MAP.view) return;
    const scale = start.view[2] / canvas.getBoundingClientRect().width;
    const [x, y, w, h] = start.view;
    MAP.view = [Math.max(0, Math.min(MAP.width - w, x - (event.clientX - start.x) * scale)),
      Math.max(0, Math.min(MAP.height - h, y - (event.clientY - start.y) * scale)), w, h];
    canvas.setAttribute("viewBox", MAP.view.map((v) => v.toFixed(1)).join(" "));
  });
  for (const name of ["pointerup", "pointerleave"]) canvas.addEventListener(name, () => { start = null; });
}

// -- dyad timeline ------------------------------------------------------------------------

async function loadDyad(a, b, by) {
  state.dyad = {a, b, by};
  writeUrl();
  const ticket = ++state.latest.dyad;
  const dyad = await api("dyad", {a, b, by, since: state.range.since, until: state.range.until,
    modality: rangeParams().modality, top: 5});
  const alerts = await api("alerts", {dyad: `${dyad.a},${dyad.b}`, by: dyad.by, since: state.range.since,
    modality: rangeParams().modality, limit: 500});
  if (ticket !== state.latest.dyad) return;
  drawTimeline(dyad, alerts.items);
  listAlerts(alerts.items);
  listEvents($("#top-events"), dyad.top_events, "No events between them.");
}

// Periods as slots to draw: each period with events is a slot, and so is each run of empty periods
// (a run of GAP_PERIODS or more becomes one narrow gap slot).
function slots(periods, totals) {
  const out = [];
  let i = 0;
  while (i < periods.length) {
    if (totals[i] > 0) {
      out.push({kind: "period", index: i, period: periods[i]});
      i++;
      continue;
    }
    let j = i;
    while (j < periods.length && totals[j] === 0) j++;
    if (j - i >= GAP_PERIODS) {
      out.push({kind: "gap", from: periods[i], to: periods[j - 1], count: j - i});
    } else {
      for (let k = i; k < j; k++) out.push({kind: "period", index: k, period: periods[k]});
    }
    i = j;
  }
  return out;
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
  const totals = periods.map((_, i) => rows.up[i].total + ((rows.down[i] || {}).total || 0));
  const drawn = slots(periods, totals);
  const middle = (height - bottom) / 2 + 10;
  const half = middle - 24;
  const peak = Math.max(1, ...dyad.series.map((r) => r.total));
  const units = drawn.reduce((n, s) => n + (s.kind === "gap" ? 0.6 : 1), 0);
  const unit = (width - left - 10) / units;
  const bar = Math.max(1, Math.min(48, unit * 0.8));
  const xs = [];
  let cursor = left;
  for (const slot of drawn) {
    const span = slot.kind === "gap" ? 0.6 * unit : unit;
    xs.push(cursor + (span - (slot.kind === "gap" ? span : bar)) / 2);
    cursor += span;
  }
  const slotOf = new Map(drawn.map((slot, s) => [slot.index, s]).filter(([index]) => index !== undefined));
  const bars = svg("g", {class: "bars"});
  for (const [side, sign] of [["up", -1], ["down", 1]]) {
    rows[side].forEach((row, i) => {
      if (!slotOf.has(i)) return;
      const x = xs[slotOf.get(i)];
      let offset = 0;
      QUADS.forEach((quad, q) => {
        if (!row[quad]) return;
        const h = (row[quad] / peak) * half;
        const y = sign < 0 ? middle - offset - h : middle + offset;
        bars.append(titled(svg("rect", {x: x.toFixed(1), y: y.toFixed(1), width: bar.toFixed(1),
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
  const every = Math.ceil(drawn.length / 12);
  drawn.forEach((slot, s) => {
    if (slot.kind === "gap") {
      const gapWidth = 0.6 * unit;
      axis.append(titled(svg("text", {x: (xs[s] + gapWidth / 2).toFixed(1), y: middle + 4, "text-anchor": "middle",
        class: "gap"}, "⋯"), `${slot.count} ${dyad.by}s without events: ${slot.from} to ${slot.to}`));
    } else if (s % every === 0) {
      axis.append(svg("text", {x: (xs[s] + bar / 2).toFixed(1), y: height - 8, "text-anchor": "middle", class: "tick"},
        slot.period));
    }
  });
  const markers = svg("g", {class: "alerts"});
  for (const alert of alerts) {
    const i = periods.indexOf(alert.period);
    if (i < 0 || !slotOf.has(i)) continue;
    const up = alert.direction === forward;
    const cx = xs[slotOf.get(i)] + bar / 2;
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

function fillEventForm(filters) {
  for (const field of $("#event-form").elements) {
    if (field.name) field.value = filters[field.name] || (field.name === "sort" ? "newest" : "");
  }
  const note = $("#place-filter");
  note.hidden = !filters.bbox;
  note.replaceChildren();
  if (filters.bbox) {
    const clear = el("button", {type: "button", class: "link"}, "show every place");
    clear.addEventListener("click", () => run(() => setEventFilters({...state.filters, bbox: "", place: ""})));
    note.append(`Events at ${filters.place || "the chosen place"} (${filters.bbox}) · `, clear);
  }
}

function setEventFilters(filters) {
  fillEventForm(filters);
  state.filters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  state.offset = 0;
  return loadEvents();
}

async function loadEvents() {
  writeUrl();
  const ticket = ++state.latest.events;
  const {place, ...filters} = state.filters;
  const page = await api("events", {...filters, ...rangeParams(), limit: PAGE_SIZE, offset: state.offset});
  if (ticket !== state.latest.events) return;
  const body = $("#events tbody");
  body.replaceChildren();
  for (const e of page.items) {
    const row = el("tr", {tabindex: 0, "data-key": e.event_key, class: `quad${e.quad_class}`},
      el("td", {class: "date", "data-label": "date"}, e.event_date || "undated"),
      el("td", {title: e.source_name || "", "data-label": "source"}, e.source),
      el("td", {class: "event", "data-label": "event"}, `${e.code} ${e.event_name || ""}`),
      el("td", {title: e.target_name || "", "data-label": "target"}, e.target || "–"),
      el("td", {class: "place", "data-label": "place"}, placeLabel(e)),
      el("td", {"data-label": "modality"}, e.modality),
      el("td", {class: "number", "data-label": "reports"}, String(e.num_mentions)),
      el("td", {class: "sentence"}, e.sentence_text));
    row.addEventListener("click", () => run(() => showEvidence(e.event_key)));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") run(() => showEvidence(e.event_key));
    });
    if (e.event_key === state.selected) row.classList.add("selected");
    body.append(row);
  }
  if (!page.items.length) body.append(el("tr", {}, el("td", {colspan: 8, class: "hint"}, "No events match.")));
  const last = Math.min(page.offset + page.items.length, page.total);
  $("#page-info").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "0 events";
  $("#prev").disabled = page.offset === 0;
  $("#next").disabled = last >= page.total;
}

// -- evidence ----------------------------------------------------------------------------------

async function showEvidence(key) {
  state.selected = key;
  writeUrl();
  for (const row of document.querySelectorAll("#events tr.selected")) row.classList.remove("selected");
  const row = document.querySelector(`#events tr[data-key="${CSS.escape(key)}"]`);
  if (row) row.classList.add("selected");
  const ticket = ++state.latest.evidence;
  const detail = await api("events/" + encodeURIComponent(key));
  if (ticket !== state.latest.evidence) return;
  const e = detail.event;
  const box = $("#evidence");
  const where = e.location ? ` · at ${placeLabel(e)}` + (e.location_precision ? ` (${e.location_precision})` : "") : "";
  box.replaceChildren(
    el("h3", {}, eventSummary(e)),
    el("p", {class: "meta"}, `QuadClass ${e.quad_class} · Goldstein ${e.goldstein} · ${e.modality} · ` +
      `${e.num_mentions} report(s) from ${e.num_sources} source(s)` +
      (e.date_precision && e.date_precision !== "day" ? ` · dated to the ${e.date_precision}` : "") + where));
  for (const m of detail.mentions) {
    const caption = el("figcaption", {});
    const label = m.title || m.doc_id;
    if (/^https?:\/\//i.test(m.url || "")) {
      caption.append(el("a", {href: m.url, rel: "noopener noreferrer", target: "_blank"}, label));
    } else {
      caption.append(label);
    }
    caption.append(` · ${m.site || m.doc_source || ""} · ${m.event_date || m.doc_date || "undated"}` +
      (m.date_text ? ` (“${m.date_text}”)` : "") + ` · ${m.modality}` +
      (m.modality_cue ? ` (“${m.modality_cue}”)` : ""));
    box.append(el("figure", {class: "mention"}, el("blockquote", {class: "sentence"}, highlighted(m.sentence_text, m)),
      caption));
  }
}

// -- coding a text ------------------------------------------------------------------------------

// Codes the pasted text; whatever goes wrong (too long, empty, not English, server down) is said
// here, in place of the result.
async function codeText(form) {
  const {text, date} = formValues(form);
  const result = $("#code-result");
  result.replaceChildren(el("p", {class: "hint"}, "Coding…"));
  let coded;
  try {
    coded = await api("code", {}, date ? {text, date} : {text});
  } catch (error) {
    const why = error.status === 413 ? "The text is too long to code at once: " :
      error.status === 422 ? "The text cannot be coded: " : "Coding failed: ";
    result.replaceChildren(el("p", {class: "error", role: "alert"}, why + error.message));
    return;
  }
  result.replaceChildren(el("p", {}, `${coded.count} event(s) in the text below.`));
  const list = el("ol", {class: "coded"});
  for (const e of coded.mentions) {
    const where = placeLabel(e);
    list.append(el("li", {class: "coded-event"},
      el("div", {class: "meta"}, `${e.event_date || "undated"} · ${actorLabel(e.source_name, e.source)} · ` +
        `${e.code} ${e.event_name || ""} · ${actorLabel(e.target_name, e.target)} · ${e.modality}` +
        (where ? ` · at ${where}` : "")),
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

// An empty store says how to fill it.
async function checkStore() {
  const info = await api("info");
  const banner = $("#empty-store");
  banner.hidden = info.events > 0;
  if (info.events === 0) {
    banner.replaceChildren(`The store ${info.store} holds no events yet. Fill it with `,
      el("code", {}, `realpolitik ingest FILES --db ${info.store}`),
      info.ingest_enabled ? " or POST /api/ingest with the ingest token, then reload this page." :
        " (stop the server first: it holds the file), then start it again.");
  }
  return info;
}

// Graph, map, events and timeline for the current range; with no dyad chosen, the busiest dyad of
// the graph (on the first load only when the address names no filter of its own).
async function refresh(first = false) {
  const graph = await loadGraph();
  const map = loadMap();
  const busiest = graph.edges[0];
  if (state.dyad) {
    await Promise.all([loadEvents(), loadDyad(state.dyad.a, state.dyad.b, state.dyad.by), map]);
  } else if (busiest && !(first && Object.keys(state.filters).length)) {
    await Promise.all([selectDyad(busiest.source, busiest.target), map]);
  } else {
    await Promise.all([loadEvents(), map]);
  }
}

// The view of the address: its filters, dyad and event, or the busiest dyad.
async function start() {
  readUrl();
  await checkStore();
  await refresh(true);
  if (state.selected) await showEvidence(state.selected);
}

function init() {
  $("#range-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    const chosen = [...event.target.querySelectorAll('input[name="modality"]:checked')].map((box) => box.value);
    state.range = {...formValues(event.target), modality: chosen.length ? chosen : ["asserted"]};
    state.offset = 0;
    await refresh();
  }));
  $("#all-modalities").addEventListener("click", () => {
    for (const box of document.querySelectorAll('#range-form input[name="modality"]')) box.checked = true;
  });
  $("#network-form").addEventListener("input", guarded(async (event) => {
    state.minEvents = Math.max(1, parseInt(event.target.form.elements.min_events.value, 10) || 1);
    writeUrl();
    drawNetwork(state.graph);
    await loadMap();
  }));
  $("#network-form").addEventListener("submit", (event) => event.preventDefault());
  $("#dyad-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    const {a, b, by} = formValues(event.target);
    // the table follows the dyad: its events, both ways
    await Promise.all([setEventFilters({dyad: `${a},${b}`}), loadDyad(a, b, by)]);
  }));
  $("#event-form").addEventListener("submit", guarded(async (event) => {
    event.preventDefault();
    const values = formValues(event.target);
    await setEventFilters({...values, place: values.bbox ? state.filters.place : ""});
  }));
  $("#event-form").addEventListener("reset", guarded(async (event) => {
    event.preventDefault();
    await setEventFilters({});
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
  $("#zoom-in").addEventListener("click", () => zoomMap(1.6));
  $("#zoom-out").addEventListener("click", () => zoomMap(1 / 1.6));
  $("#zoom-reset").addEventListener("click", () => zoomMap(0.0001));
  panMap($("#map"));
  for (const input of document.querySelectorAll('input[list="actor-names"]')) autocomplete(input);
  run(start);
}

init();
