import { ACTIVATIONS } from '@ugrad/nn';
import { Curves } from './curves.js';
import { GraphView, fmt } from './graphview.js';
import { Heatmap } from './heatmap.js';
import { NetworkView } from './network.js';
import { Session } from './session.js';
import { DATASETS, DEFAULTS, LIMITS, LOSSES, OPTIMIZERS, classCount, copy, formatPoints, formatState, normalise, parseState, round, type State } from './state.js';

// The page: controls ⇄ state ⇄ URL, and the training loop.
//
// Training runs on the main thread in slices: each animation frame trains for at most
// TRAIN_MS, and views that cost more (the decision map) are computed a few rows per
// frame. A worker would need the model copied back to draw every view, and the graph
// view wants the live Values; slices keep the page responsive without either.

// Whatever goes wrong, say so on the page rather than leave it silently dead.
window.addEventListener('error', (event) => {
  const box = document.getElementById('notice');
  const list = document.getElementById('notice-list');
  if (box === null || list === null) return;
  list.append(Object.assign(document.createElement('li'), { textContent: `Something went wrong: ${event.message}` }));
  box.hidden = false;
});

const TRAIN_MS = 10;
const FRAME_MS = 14;
const REFRESH_MS = 200;
const CURVES_MS = 500;

function byId<T extends Element>(id: string, kind: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`playground: #${id} is missing from index.html or is not a ${kind.name}`);
  return el;
}

const input = (id: string) => byId(id, HTMLInputElement);
const select = (id: string) => byId(id, HTMLSelectElement);
const output = (id: string) => byId(id, HTMLOutputElement);

// Each control is named by its URL key, so the controls read straight into parseState.
const controls = {
  data: select('data'), classes: input('classes'), noise: input('noise'), n: input('n'), test: input('test'),
  hidden: input('hidden'), act: select('act'), loss: select('loss'), opt: select('opt'),
  lr: input('lr'), batch: input('batch'), l2: input('l2'), seed: input('seed'),
};
const playButton = byId('play', HTMLButtonElement);
const noticeBox = byId('notice', HTMLDivElement);
const noticeList = byId('notice-list', HTMLUListElement);
const sampleInput = input('sample');

const heatmap = new Heatmap(byId('map', HTMLCanvasElement));
const network = new NetworkView(byId('network', SVGSVGElement), output('max-weight'));
const curves = new Curves(byId('loss-plot', HTMLDivElement), byId('acc-plot', HTMLDivElement));
const graphView = new GraphView(byId('graph', SVGSVGElement), byId('graph-scroll', HTMLDivElement), byId('graph-message', HTMLParagraphElement), byId('explain', HTMLElement));

let state: State = copy(DEFAULTS);
let session: Session;
let playing = false;
let dirty = true;
let lastRefresh = -Infinity;
let lastCurves = -Infinity;
/** Charts still to draw, one per frame: 2 = both, 1 = the accuracy chart. */
let chartsDue: 0 | 1 | 2 = 0;

function fillSelect(el: HTMLSelectElement, options: readonly string[]): void {
  el.replaceChildren(...options.map((o) => new Option(o, o)));
}
fillSelect(controls.data, DATASETS);
fillSelect(controls.act, ACTIVATIONS);
fillSelect(controls.loss, LOSSES);
fillSelect(controls.opt, OPTIMIZERS);
for (const key of ['classes', 'noise', 'n', 'test', 'batch', 'l2', 'seed'] as const) {
  controls[key].min = String(LIMITS[key].min);
  controls[key].max = String(LIMITS[key].max);
}
controls.lr.min = '0';
controls.lr.max = String(LIMITS.lr.max);

function writeControls(s: State): void {
  controls.data.value = s.data;
  controls.classes.value = String(s.classes);
  controls.classes.disabled = s.data !== 'spiral' && s.data !== 'blobs';
  controls.noise.value = String(s.noise);
  output('noise-out').textContent = s.noise.toFixed(2);
  controls.n.value = String(s.n);
  controls.test.value = String(s.test);
  output('test-out').textContent = `${s.test}%`;
  controls.hidden.value = s.hidden.join(',');
  controls.act.value = s.activation;
  controls.loss.value = s.loss;
  controls.opt.value = s.optimizer;
  controls.lr.value = String(s.lr);
  controls.batch.value = String(s.batch);
  controls.l2.value = String(s.l2);
  controls.seed.value = String(s.seed);
}

/** The controls as a state, through the same parser as the URL, so a typo gets the same notice. */
function readControls(): { state: State; notices: string[] } {
  const params = new URLSearchParams();
  for (const [key, el] of Object.entries(controls)) params.set(key, el.value);
  // The added points have no control; they come from the current state.
  params.set('pts', formatPoints(state.points));
  return parseState(params.toString());
}

function showNotices(notices: readonly string[]): void {
  noticeList.replaceChildren(...notices.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
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
function start(next: State, notices: readonly string[]): void {
  try {
    session = new Session(next);
    state = next;
  } catch (err) {
    // The parser should make this impossible; if it ever happens, stay usable.
    session = new Session(copy(DEFAULTS));
    state = copy(DEFAULTS);
    notices = [...notices, `Could not build this experiment (${(err as Error).message}); using the defaults.`];
  }
  writeControls(state);
  writeHash(state);
  showNotices(notices);
  sampleInput.max = String(session.train.X.length - 1);
  if (Number(sampleInput.value) > session.train.X.length - 1) sampleInput.value = '0';
  heatmap.reset(session);
  network.reset(session.model);
  lastCurves = -Infinity;
  refresh();
}

function trainStep(): void {
  try {
    session.step();
  } catch (err) {
    // The trainer stops before a non-finite loss or gradient reaches the weights.
    setPlaying(false);
    showNotices([`Training paused: ${(err as Error).message}. Try a smaller learning rate.`]);
  }
  dirty = true;
}

function setPlaying(on: boolean): void {
  playing = on;
  playButton.textContent = on ? '❚❚ Pause' : '▶ Play';
  playButton.setAttribute('aria-pressed', String(on));
}

function setOut(id: string, value: number, text: string): void {
  const el = output(id);
  el.textContent = text;
  el.dataset.value = String(value);
}

function refresh(): void {
  const e = session.last;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  setOut('step', session.stepCount, String(session.stepCount));
  setOut('epoch', session.epoch, String(session.epoch));
  const batchLoss = session.batchLosses[session.batchLosses.length - 1];
  setOut('batch-loss', batchLoss ?? NaN, batchLoss === undefined ? '–' : fmt(batchLoss));
  setOut('train-loss', e.trainLoss, fmt(e.trainLoss));
  setOut('train-acc', e.trainAccuracy, pct(e.trainAccuracy));
  setOut('test-loss', e.testLoss, fmt(e.testLoss));
  setOut('test-acc', e.testAccuracy, pct(e.testAccuracy));
  output('test-acc').dataset.step = String(e.step);
  network.update(session.model);
  const i = Math.max(0, Math.min(session.train.X.length - 1, Math.floor(Number(sampleInput.value)) || 0));
  const [x0, x1] = session.train.X[i]!;
  output('sample-info').textContent = `(x = ${x0!.toFixed(2)}, ${x1!.toFixed(2)}; class ${session.train.y[i]})`;
  graphView.show(session.sampleGraph(i));
  dirty = false;
  lastRefresh = performance.now();
  // The charts are the slow part; while training they follow less often.
  if (!playing || lastRefresh - lastCurves >= CURVES_MS) {
    chartsDue = 2;
    lastCurves = lastRefresh;
  }
}

function frame(): void {
  const t0 = performance.now();
  // A refresh, or a chart, can take a frame's worth of time itself; training skips
  // that frame rather than stacking both into one long task.
  if (dirty && t0 - lastRefresh >= REFRESH_MS) {
    refresh();
  } else if (chartsDue > 0) {
    curves.draw(session, chartsDue === 2 ? 0 : 1);
    chartsDue = chartsDue === 2 ? 1 : 0;
  } else if (playing) {
    // The speed setting paces training for watching; it never changes the results.
    const most = Number(select('speed').value);
    let steps = 0;
    do trainStep(); while (playing && ++steps < most && performance.now() - t0 < TRAIN_MS);
  }
  heatmap.work(t0 + FRAME_MS);
  requestAnimationFrame(frame);
}

// ---- wiring ----

// The noise slider moves freely (a step would snap a linked 0.125 to 0.13 on display and
// change the experiment at the next edit); a value picked by dragging is rounded here,
// before the listener below reads it, so links stay short.
controls.noise.addEventListener('change', () => (controls.noise.value = String(Math.round(Number(controls.noise.value) * 100) / 100)));
for (const el of Object.values(controls)) {
  el.addEventListener('change', () => {
    const { state: next, notices } = readControls();
    start(next, notices);
  });
}
// Show slider values while dragging; the experiment restarts when the slider is let go.
controls.noise.addEventListener('input', () => (output('noise-out').textContent = Number(controls.noise.value).toFixed(2)));
controls.test.addEventListener('input', () => (output('test-out').textContent = `${controls.test.value}%`));

playButton.addEventListener('click', () => {
  setPlaying(!playing);
  // Show where training stopped right away, not at the next scheduled refresh.
  if (!playing) refresh();
});
byId('step-once', HTMLButtonElement).addEventListener('click', () => {
  setPlaying(false);
  trainStep();
  refresh();
});
byId('reset', HTMLButtonElement).addEventListener('click', () => start(state, []));
byId('notice-close', HTMLButtonElement).addEventListener('click', () => showNotices([]));
byId('clear-points', HTMLButtonElement).addEventListener('click', () => start({ ...copy(state), points: [] }, []));
byId('map', HTMLCanvasElement).addEventListener('click', (event) => {
  const [x, y] = heatmap.toData(event);
  const next = copy(state);
  if (next.points.length >= LIMITS.points.max) {
    showNotices([`At most ${LIMITS.points.max} added points fit in a link; this one was not added.`]);
    return;
  }
  // Shift-click adds the other class; with more than two classes, 0 and 1 are the ones on offer.
  next.points.push({ x: round(x), y: round(y), label: event.shiftKey && classCount(next) > 1 ? 1 : 0 });
  // Every change starts over, so the link always reproduces what is on screen.
  start(next, normalise(next));
});
sampleInput.addEventListener('change', refresh);
byId('worst', HTMLButtonElement).addEventListener('click', () => {
  sampleInput.value = String(session.worstSample());
  refresh();
});
select('zoom').addEventListener('change', () => (graphView.zoom = Number(select('zoom').value)));
graphView.zoom = Number(select('zoom').value);
window.addEventListener('hashchange', () => {
  if (location.hash.slice(1) === formatState(state)) return;
  const parsed = parseState(location.hash);
  start(parsed.state, parsed.notices);
});

const initial = parseState(location.hash || location.search);
start(initial.state, initial.notices);
if (!curves.available) showNotices([...initial.notices, 'Plotly did not load, so the loss and accuracy curves are off; everything else works.']);
requestAnimationFrame(frame);
