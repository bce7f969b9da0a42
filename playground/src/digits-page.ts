import { byId } from './dom.js';
import { EPOCHS, BLOCK, SIDE, DigitsRun, Pad } from './digits-run.js';
import { fmt, pct } from './fmt.js';

// The digits page: trains in slices between frames (as the playground does), shows the
// pad's reading live, and the test digits the network misreads after each epoch.

const TRAIN_MS = 12;
/** At most this many misread digits are drawn. */
const SHOWN = 60;

const status = byId('train-status', HTMLParagraphElement);
window.addEventListener('error', (event) => (status.textContent = `Something went wrong: ${event.message}`));

const output = (id: string): HTMLOutputElement => byId(id, HTMLOutputElement);
const progress = byId('train-progress', HTMLProgressElement);
const padCanvas = byId('pad', HTMLCanvasElement);
const reading = byId('reading', HTMLParagraphElement);
const wrongBox = byId('wrong', HTMLDivElement);

const pad = new Pad();
let run: DigitsRun;
let started = 0;
let shownEpoch = -1;

function setOut(id: string, value: number, text: string): void {
  const el = output(id);
  el.textContent = text;
  el.dataset.value = String(value);
}

// ---- training ----

function start(seed: number): void {
  run = new DigitsRun(seed);
  started = performance.now();
  shownEpoch = -1;
  progress.max = EPOCHS;
  status.textContent = `Training 64-32-10 on ${run.train.X.length} digits (${run.trainer.mode}), seed ${seed}…`;
  wrongBox.replaceChildren();
  byId('wrong-count', HTMLParagraphElement).textContent = 'After the first epoch.';
  setOut('d-acc', NaN, '–');
  epochDone();
}

function frame(): void {
  if (!run.done) {
    const t0 = performance.now();
    let loss = NaN;
    while (!run.done && performance.now() - t0 < TRAIN_MS) loss = run.step().loss;
    setOut('d-loss', loss, fmt(loss));
    setOut('d-time', performance.now() - started, `${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (run.trainer.epoch !== shownEpoch) epochDone();
    classify();
  }
  requestAnimationFrame(frame);
}

// After each epoch: the accuracy, the misread digits, and at the end the summary.
function epochDone(): void {
  const epoch = run.trainer.epoch;
  shownEpoch = epoch;
  progress.value = epoch;
  setOut('d-epoch', epoch, `${epoch} / ${EPOCHS}`);
  if (epoch === 0) return;
  const accuracy = run.testAccuracy();
  setOut('d-acc', accuracy, pct(accuracy));
  showMisread();
  if (run.done) {
    const seconds = (performance.now() - started) / 1000;
    status.textContent = `Trained in ${seconds.toFixed(1)} s (${run.trainer.mode}): it reads ${pct(accuracy)} of the ${run.test.X.length} held-out digits right.`;
  }
}

function showMisread(): void {
  const wrong = run.misread();
  byId('wrong-count', HTMLParagraphElement).textContent = `${wrong.length} of ${run.test.X.length} after epoch ${run.trainer.epoch}${wrong.length > SHOWN ? ` (the first ${SHOWN} shown)` : ''}.`;
  wrongBox.replaceChildren(...wrong.slice(0, SHOWN).map(({ index, label, predicted }) => {
    const image = run.test.X[index]!.map((v) => Math.round(v * 16));
    const tile = document.createElement('button');
    tile.type = 'button';
    tile.title = `Test digit ${index}: a ${label}, read as ${predicted}. Click to put it on the pad.`;
    tile.dataset.label = String(label);
    tile.dataset.predicted = String(predicted);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 8;
    const img = new ImageData(8, 8);
    image.forEach((v, i) => {
      const g = Math.round(255 * (1 - v / 16));
      img.data.set([g, g, g, 255], 4 * i);
    });
    canvas.getContext('2d')!.putImageData(img, 0, 0);
    tile.append(canvas, `${label} → ${predicted}`);
    tile.addEventListener('click', () => {
      pad.load(image);
      drawPad();
      classify();
    });
    return tile;
  }));
}

// ---- the pad and its reading ----

const bars = Array.from({ length: 10 }, (_, digit) => {
  const row = document.createElement('div');
  row.className = 'row';
  row.setAttribute('role', 'listitem');
  row.dataset.digit = String(digit);
  const fill = document.createElement('div');
  fill.className = 'fill';
  const track = document.createElement('div');
  track.className = 'track';
  track.append(fill);
  const out = document.createElement('output');
  row.append(String(digit), track, out);
  return { row, fill, out };
});
byId('bars', HTMLDivElement).replaceChildren(...bars.map((b) => b.row));

/** The network's reading of the pad now: ten bars, and the digit it reads. */
function classify(): void {
  const p = pad.empty ? null : run.probabilities(pad.pixels());
  const top = p === null ? -1 : p.indexOf(Math.max(...p));
  bars.forEach(({ row, fill, out }, digit) => {
    const v = p?.[digit] ?? 0;
    fill.style.width = `${100 * v}%`;
    out.textContent = p === null ? '' : pct(v);
    out.dataset.value = String(v);
    row.classList.toggle('top', digit === top);
  });
  reading.textContent = p === null ? 'Draw a digit on the pad.'
    : `It reads ${top} (${pct(p[top]!)})${run.done ? '' : `, while still training (epoch ${run.trainer.epoch} of ${EPOCHS})`}.`;
  reading.dataset.digit = String(top);
}

const ctx = padCanvas.getContext('2d')!;
function drawPad(): void {
  const size = padCanvas.width, cell = size / (SIDE / BLOCK), dot = size / SIDE;
  // What the network sees: each block's ink as a grey level…
  pad.pixels().forEach((v, i) => {
    const g = Math.round(255 * (1 - v / 16));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
  });
  // …and the strokes drawn, on top.
  ctx.fillStyle = 'rgba(30, 144, 230, 0.3)';
  pad.bits.forEach((on, i) => { if (on) ctx.fillRect((i % SIDE) * dot, Math.floor(i / SIDE) * dot, dot, dot); });
  ctx.strokeStyle = '#ddd';
  ctx.lineWidth = 1;
  for (let k = 1; k < 8; k++) {
    ctx.beginPath();
    ctx.moveTo(k * cell + 0.5, 0);
    ctx.lineTo(k * cell + 0.5, size);
    ctx.moveTo(0, k * cell + 0.5);
    ctx.lineTo(size, k * cell + 0.5);
    ctx.stroke();
  }
}

let last: [number, number] | null = null;
const at = (event: PointerEvent): [number, number] => {
  const rect = padCanvas.getBoundingClientRect();
  return [((event.clientX - rect.left) / rect.width) * SIDE, ((event.clientY - rect.top) / rect.height) * SIDE];
};
padCanvas.addEventListener('pointerdown', (event) => {
  padCanvas.setPointerCapture(event.pointerId);
  last = at(event);
  pad.stroke(...last, ...last);
  drawPad();
  classify();
});
padCanvas.addEventListener('pointermove', (event) => {
  if (last === null) return;
  const next = at(event);
  pad.stroke(...last, ...next);
  last = next;
  drawPad();
  classify();
});
for (const type of ['pointerup', 'pointercancel'] as const) padCanvas.addEventListener(type, () => (last = null));
byId('clear', HTMLButtonElement).addEventListener('click', () => {
  pad.clear();
  drawPad();
  classify();
});
byId('retrain', HTMLButtonElement).addEventListener('click', () => {
  start(run.seed + 1);
  classify();
});

start(0);
drawPad();
classify();
requestAnimationFrame(frame);
