import { experimentCode } from './code.js';
import { buildDatasetButtons, fields, flags, readControls, writeControls } from './controls.js';
import { byId } from './dom.js';
import { Curves } from './curves.js';
import { count, fmt, pct } from './fmt.js';
import { GraphPanel } from './graphpanel.js';
import { GridJob, featureMaps, type Maps } from './grid.js';
import { MapCanvas, type MapOptions } from './heatmap.js';
import { NetworkView } from './network.js';
import { FEATURES, type DatasetName, type FeatureName } from './problems.js';
import { Session } from './session.js';
import { DEFAULTS, LIMITS, copy, formatState, normalise, parseState, resetReasons, round, type State } from './state.js';

// The page: controls ⇄ state ⇄ URL, and the training loop.
//
// Training runs on the main thread in slices: each animation frame trains, then draws.
// Drawing never holds training back: a slice takes TRAIN_SHARE of the time since the
// previous one began (so a slow browser makes slices longer, not training slower), the
// map is computed a few rows per frame (DRAW_MS), and each other view redraws on its own
// time budget — no more often than its measured cost allows (at most 1/BUDGET of the
// time) — and not at all while hidden. (Training in tasks of its own between frames
// leaves the browser's scheduler to share the time, and it gives training far less.)

// Whatever goes wrong, say so on the page rather than leave it silently dead.
window.addEventListener('error', (event) => showNotices([`Something went wrong: ${event.message}`]));

const TRAIN_SHARE = 0.8;
/** A slice is at least the first, at most the second: the page still answers within a few frames. */
const TRAIN_MS = [10, 25] as const;
const DRAW_MS = 4;
/** A view's redraws may take at most 1/BUDGET of the time. */
const BUDGET = 50;

const output = (id: string): HTMLOutputElement => byId(id, HTMLOutputElement);
const button = (id: string): HTMLButtonElement => byId(id, HTMLButtonElement);
const playButton = button('play');
const noticeBox = byId('notice', HTMLDivElement);
const divergenceBox = byId('divergence', HTMLDivElement);
const statusLine = byId('status', HTMLParagraphElement);
const speedSelect = byId('speed', HTMLSelectElement);
const networkPanel = byId('network-panel', HTMLElement);
const graphBox = byId('graph-panel', HTMLElement);
const accPlot = byId('acc-plot', HTMLDivElement);

const map = new MapCanvas(byId('map', HTMLCanvasElement), byId('map-legend', HTMLDivElement));
const network = new NetworkView(byId('network', HTMLDivElement), output('max-weight'), {
  toggleFeature,
  hover: (target) => {
    map.target = target ?? { kind: 'output' };
    map.paint(mapOptions());
  },
  select: (index) => graphPanel.focusOn(index),
  resize: (layer, delta) => editHidden((h) => (h[layer] = Math.max(LIMITS.neurons.min, Math.min(LIMITS.neurons.max, h[layer]! + delta)))),
});
const curves = new Curves(byId('loss-plot', HTMLDivElement), accPlot);
const graphPanel = new GraphPanel();
graphPanel.onFocus = (index) => network.select(index);

let state: State = copy(DEFAULTS);
let session: Session;
let grid: GridJob;
let features: Float64Array[] = [];
let playing = false;
let lastMaps: Maps | null = null;

/** A view redrawn on a time budget, when what it shows (its `key`) has changed, at most every `every` ms while training. */
interface View {
  visible: () => boolean;
  key: () => string;
  draw: () => void;
  every: number;
  next: number;
  shown: string;
}
const weights = (): string => `${session.stepCount}/${session.history.length}`;
const evals = (): string => `${session.evals.length}/${session.history.length}`;
const views: View[] = [
  { visible: () => networkPanel.offsetParent !== null, key: () => `${weights()}/${lastMaps?.step}`, draw: () => network.draw(session.model), every: 200, next: 0, shown: '' },
  { visible: () => graphBox.offsetParent !== null, key: weights, draw: () => graphPanel.show(), every: 300, next: 0, shown: '' },
  { visible: () => true, key: evals, draw: () => curves.draw(session, 0), every: 400, next: 0, shown: '' },
  { visible: () => !accPlot.hidden, key: evals, draw: () => curves.draw(session, 1), every: 400, next: 0, shown: '' },
];

function mapOptions(): MapOptions {
  return { discretize: state.discretize, showTest: state.showTest };
}

function showNotices(notices: readonly string[]): void {
  byId('notice-list', HTMLUListElement).replaceChildren(...notices.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
  noticeBox.hidden = notices.length === 0;
}

function writeHash(s: State): void {
  const hash = `#${formatState(s)}`;
  if (location.hash === hash) return;
  // replaceState keeps one history entry per page rather than one per slider move.
  try {
    history.replaceState(null, '', hash);
  } catch {
    location.replace(hash);
  }
}

/** Starts the experiment `next` describes from step 0: the one place a session is made. */
function start(next: State, notices: readonly string[], reasons: readonly string[] = []): void {
  try {
    session = new Session(next);
  } catch (err) {
    // The parser should make this impossible; if it ever happens, stay usable.
    session = new Session(copy(DEFAULTS));
    notices = [...notices, `Could not build this experiment (${(err as Error).message}); using the defaults.`];
  }
  state = copy(session.state);
  grid = new GridJob(session);
  features = featureMaps(session.extent);
  setPlaying(false);
  writeControls(state);
  writeHash(state);
  showNotices(notices);
  statusLine.textContent = reasons.length > 0 ? `Training restarted from step 0: ${reasons.join(', ')}.` : '';
  accPlot.hidden = session.regression;
  document.querySelectorAll<HTMLElement>('#readouts .acc').forEach((el) => (el.hidden = session.regression));
  map.target = { kind: 'output' };
  lastMaps = null;
  map.reset(session, features, mapOptions());
  network.reset(session, features);
  graphPanel.reset(session);
  for (const v of views) {
    v.next = 0;
    v.shown = '';
  }
  refresh();
}

/** Applies an edited state: live where it can be, else a fresh start, saying which. */
function update(next: State, notices: readonly string[] = []): void {
  const reasons = resetReasons(state, next);
  if (reasons.length > 0) return start(next, notices, reasons);
  const said = session.apply(next);
  graphPanel.fitSamples();
  const redraw = next.showTest !== state.showTest || next.discretize !== state.discretize;
  state = copy(session.state);
  writeControls(state);
  writeHash(state);
  showNotices(notices);
  if (said.length > 0) statusLine.textContent = `From step ${count(session.stepCount)} on: ${said.join(', ')} — applied live, training goes on.`;
  if (redraw || said.length > 0) map.paint(mapOptions());
  if (redraw && lastMaps !== null) {
    network.thumbnails(lastMaps, state.discretize);
    network.draw(session.model);
  }
  divergenceBox.hidden = session.diverged === null;
  refresh();
}

function trainSlice(t0: number, ms: number): void {
  const most = Number(speedSelect.value);
  let steps = 0;
  // The speed setting paces training for watching; it never changes the results.
  while (playing && steps < most && performance.now() - t0 < ms) {
    if (!session.step()) return diverged();
    steps++;
  }
}

function diverged(): void {
  const d = session.diverged!;
  setPlaying(false);
  output('div-step').textContent = count(d.step);
  byId('div-what', HTMLSpanElement).textContent = d.what;
  output('div-lr').textContent = String(state.lr);
  divergenceBox.hidden = false;
  refresh();
}

function setPlaying(on: boolean): void {
  playing = on;
  playButton.textContent = on ? '❚❚ Pause' : '▶ Play';
  playButton.setAttribute('aria-pressed', String(on));
}

function setOut(id: string, value: number, text: string): void {
  const el = output(id);
  if (el.textContent !== text) el.textContent = text;
  if (el.dataset.value !== String(value)) el.dataset.value = String(value);
}

/** The readouts, now; the other views at their next turn. */
function refresh(): void {
  // While paused, the readouts show this very step, never one up to EVAL_EVERY behind.
  const e = playing ? session.last : session.evaluateNow();
  setOut('step', session.stepCount, count(session.stepCount));
  setOut('epoch', session.epoch, count(session.epoch));
  const batchLoss = session.batchLosses[session.batchLosses.length - 1];
  setOut('batch-loss', batchLoss ?? NaN, batchLoss === undefined ? '–' : fmt(batchLoss));
  setOut('train-loss', e.trainLoss, fmt(e.trainLoss));
  setOut('test-loss', e.testLoss, fmt(e.testLoss));
  setOut('train-acc', e.trainAccuracy, pct(e.trainAccuracy));
  setOut('test-acc', e.testAccuracy, pct(e.testAccuracy));
  output('train-loss').dataset.step = String(e.step);
  if (session.diverged === null) divergenceBox.hidden = true;
}

/** Where the time goes (milliseconds in training, each view, the maps; frames): the speed test reports the training share. */
const timing = { frames: 0, train: 0, views: [0, 0, 0, 0], maps: 0, thumbs: 0 };
(window as unknown as { playgroundTiming: typeof timing }).playgroundTiming = timing;
let frameStart = 0;

function frame(): void {
  const t0 = performance.now();
  timing.frames++;
  const slice = Math.min(TRAIN_MS[1], Math.max(TRAIN_MS[0], TRAIN_SHARE * (t0 - frameStart)));
  frameStart = t0;
  if (playing) trainSlice(t0, slice);
  if (playing) refresh();
  const trained = performance.now();
  timing.train += trained - t0;
  const deadline = trained + DRAW_MS;
  // One atomic view per frame at most: the first that is due, visible and within budget.
  const now = performance.now();
  for (const v of views) {
    // While paused, every change shows at once; while training, each view keeps to its budget.
    const key = v.key();
    if ((playing && now < v.next) || v.shown === key || !v.visible()) continue;
    const began = performance.now();
    v.draw();
    const cost = performance.now() - began;
    timing.views[views.indexOf(v)]! += cost;
    v.shown = key;
    v.next = began + Math.max(v.every, cost * BUDGET);
    break;
  }
  // The map (and the thumbnails) from whatever time is left, at least a row.
  if (!grid.busy && map.shownStep !== session.stepCount) grid.start();
  const t1 = performance.now();
  const maps = grid.work(deadline);
  if (maps !== null) {
    lastMaps = maps;
    map.show(maps, mapOptions());
    const t2 = performance.now();
    if (networkPanel.offsetParent !== null) network.thumbnails(maps, state.discretize);
    timing.thumbs += performance.now() - t2;
  }
  timing.maps += performance.now() - t1;
  requestAnimationFrame(frame);
}

// ---- wiring ----

function toggleFeature(name: FeatureName): void {
  const next = copy(state);
  const on = next.features.includes(name);
  if (on && next.features.length === 1) return showNotices([`${FEATURES[name].label} is the only input left; switch another on first.`]);
  next.features = on ? next.features.filter((f) => f !== name) : [...next.features, name];
  update(parseState(formatState(next), state).state);
}

function editHidden(edit: (hidden: number[]) => void): void {
  const next = copy(state);
  edit(next.hidden);
  update(next);
}

function pickDataset(name: DatasetName): void {
  if (name === state.data) return;
  const next = { ...copy(state), data: name };
  update(next, normalise(next));
}

buildDatasetButtons(pickDataset);
// The noise slider moves freely; a value picked by dragging is rounded before it is read, so links stay short.
fields.noise.addEventListener('change', () => (fields.noise.value = String(Math.round(Number(fields.noise.value) * 100) / 100)), { capture: true });
for (const el of [...Object.values(fields), ...Object.values(flags)]) {
  el.addEventListener('change', () => {
    const { state: next, notices } = readControls(state);
    update(next, notices);
  });
}
// Show slider values while dragging; the change applies when the slider is let go.
fields.noise.addEventListener('input', () => (output('noise-out').textContent = Number(fields.noise.value).toFixed(2)));
fields.test.addEventListener('input', () => (output('test-out').textContent = `${fields.test.value}%`));

playButton.addEventListener('click', () => {
  setPlaying(!playing);
  refresh();
});
button('step-once').addEventListener('click', () => {
  setPlaying(false);
  if (!session.step()) diverged();
  refresh();
});
button('reset').addEventListener('click', () => start(state, [], ['you pressed Reset']));
button('notice-close').addEventListener('click', () => showNotices([]));
button('regenerate').addEventListener('click', () => update({ ...copy(state), regen: state.regen + 1 }));
button('clear-points').addEventListener('click', () => update({ ...copy(state), points: [] }));
button('layer-plus').addEventListener('click', () => editHidden((h) => h.push(h[h.length - 1] ?? 4)));
button('layer-minus').addEventListener('click', () => editHidden((h) => h.pop()));
byId('map', HTMLCanvasElement).addEventListener('click', (event) => {
  const at = map.toData(event);
  if (at === null) return;
  const next = copy(state);
  // A click on an added point removes it; elsewhere it adds one.
  const near = 7 / map.pixelsPerUnit;
  const hit = next.points.findIndex((p) => Math.hypot(p.x - at[0], p.y - at[1]) <= near);
  if (hit >= 0) {
    next.points.splice(hit, 1);
  } else {
    if (next.points.length >= LIMITS.points.max) return showNotices([`At most ${LIMITS.points.max} added points fit in a link; this one was not added.`]);
    const blue = event.shiftKey;
    next.points.push({ x: round(at[0]), y: round(at[1]), label: session.regression ? (blue ? 1 : -1) : blue ? 1 : 0 });
  }
  update(next, normalise(next));
});
button('copy-code').addEventListener('click', () => {
  setPlaying(false);
  refresh();
  const area = byId('code', HTMLTextAreaElement);
  area.value = experimentCode(session);
  area.hidden = false;
  const said = output('copy-status');
  navigator.clipboard?.writeText(area.value).then(() => (said.textContent = 'Copied to the clipboard.'), () => (said.textContent = 'Select the text below and copy it.'));
});
window.addEventListener('hashchange', () => {
  if (location.hash.slice(1) === formatState(state)) return;
  const parsed = parseState(location.hash);
  start(parsed.state, parsed.notices);
});
let width = window.innerWidth;
window.addEventListener('resize', () => {
  if (window.innerWidth === width) return;
  width = window.innerWidth;
  map.resize();
  map.paint(mapOptions());
  network.reset(session, features);
});

const initial = parseState(location.hash || location.search);
start(initial.state, initial.notices);
if (!curves.available) showNotices([...initial.notices, 'Plotly did not load, so the loss and accuracy curves are off; everything else works.']);
requestAnimationFrame(frame);
