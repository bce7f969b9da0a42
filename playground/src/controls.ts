import { ACTIVATIONS, LOSS_NAMES, type LossName } from '@ugrad/nn';
import { lossFits } from './losses.js';
import { CLASS_COLORS, css, valueRGB } from './colors.js';
import { byId } from './dom.js';
import { CLASSIFICATION, DATASETS, REGRESSION, generate, isRegression, type DatasetName } from './problems.js';
import { LIMITS, OPTIMIZERS, REGULARIZERS, classCount, formatState, parseState, type Parsed, type State } from './state.js';

// The page's form: each control is named by its URL key, so reading the controls goes
// through the same parser as the link, and a typo gets the same notice.

const input = (id: string): HTMLInputElement => byId(id, HTMLInputElement);
const select = (id: string): HTMLSelectElement => byId(id, HTMLSelectElement);

/** The controls that edit the state, by URL key; data, features and points are edited elsewhere. */
export const fields = {
  classes: input('classes'), noise: input('noise'), n: input('n'), test: input('test'), seed: input('seed'),
  hidden: input('hidden'), act: select('act'), loss: select('loss'), opt: select('opt'), lr: input('lr'),
  batch: input('batch'), reg: select('reg'), regRate: input('regRate'),
};
/** The checkboxes, by URL key. */
export const flags = { showTest: input('showTest'), disc: input('disc') };

const fill = (el: HTMLSelectElement, options: readonly string[]): void => el.replaceChildren(...options.map((o) => new Option(o, o)));
fill(fields.act, ACTIVATIONS);
fill(fields.loss, LOSS_NAMES);
fill(fields.opt, OPTIMIZERS);
fill(fields.reg, REGULARIZERS);
for (const key of ['classes', 'noise', 'n', 'test', 'batch', 'regRate', 'seed'] as const) {
  fields[key].min = String(LIMITS[key].min);
  fields[key].max = String(LIMITS[key].max);
}
fields.lr.min = '0';
fields.lr.max = String(LIMITS.lr.max);

const datasets = byId('datasets', HTMLDivElement);

/** Shows `s` in every control. */
export function writeControls(s: State): void {
  const f = fields;
  datasets.querySelectorAll<HTMLButtonElement>('button[data-dataset]').forEach((button) => button.setAttribute('aria-checked', String(button.dataset.dataset === s.data)));
  f.classes.value = String(s.classes);
  f.classes.disabled = s.data !== 'spiral' && s.data !== 'blobs';
  f.noise.value = String(s.noise);
  byId('noise-out', HTMLOutputElement).textContent = s.noise.toFixed(2);
  f.n.value = String(s.n);
  f.test.value = String(s.test);
  byId('test-out', HTMLOutputElement).textContent = `${s.test}%`;
  f.seed.value = String(s.seed);
  f.hidden.value = s.hidden.join(',');
  f.act.value = s.activation;
  f.loss.value = s.loss;
  // Only the losses that can learn this problem, by the loss table.
  Array.from(f.loss.options).forEach((option) => (option.disabled = !lossFits(option.value as LossName, classCount(s))));
  f.opt.value = s.optimizer;
  f.lr.value = String(s.lr);
  f.batch.value = String(s.batch);
  f.reg.value = s.reg;
  f.regRate.value = String(s.regRate);
  f.regRate.disabled = s.reg === 'none';
  flags.showTest.checked = s.showTest;
  flags.disc.checked = s.discretize;
  const layers = s.hidden.length;
  byId('layer-count', HTMLSpanElement).textContent = `${layers} hidden layer${layers === 1 ? '' : 's'}`;
  byId('layer-plus', HTMLButtonElement).disabled = layers >= LIMITS.layers.max;
  byId('layer-minus', HTMLButtonElement).disabled = layers === 0;
}

/**
 * The controls as a state, through the same parser as the URL: `current` supplies what
 * has no control (dataset, features, points) and the fallback for an unreadable entry.
 */
export function readControls(current: State): Parsed {
  const params = new URLSearchParams(formatState(current));
  for (const [key, el] of Object.entries(fields)) params.set(key, el.value);
  for (const [key, el] of Object.entries(flags)) params.set(key, el.checked ? '1' : '0');
  return parseState(params.toString(), current);
}

/** The dataset buttons, each with a thumbnail of its points (drawn once: they do not depend on the state). */
export function buildDatasetButtons(onPick: (name: DatasetName) => void): void {
  const group = (title: string, names: readonly DatasetName[]): HTMLElement[] => [
    Object.assign(document.createElement('span'), { className: 'group', textContent: title }),
    ...names.map((name) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.dataset = name;
      button.setAttribute('role', 'radio');
      button.title = name;
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 48;
      thumbnail(canvas, name);
      button.append(canvas, Object.assign(document.createElement('span'), { textContent: name }));
      button.addEventListener('click', () => onPick(name));
      return button;
    }),
  ];
  datasets.replaceChildren(...group('Classification', CLASSIFICATION), ...group('Regression', REGRESSION));
  if (DATASETS.length !== CLASSIFICATION.length + REGRESSION.length) throw new Error('playground: a dataset has no thumbnail');
}

function thumbnail(canvas: HTMLCanvasElement, name: DatasetName): void {
  const { X, y } = generate({ data: name, classes: 3, n: 150, noise: name === 'plane' || name === 'gauss' ? 0 : 0.05 }, 'thumbnail');
  const xs = X.map((r) => r[0]!), ys = X.map((r) => r[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x1 - x0, y1 - y0) * 1.1, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 48, 48);
  X.forEach(([x, v], i) => {
    ctx.fillStyle = css(isRegression(name) ? valueRGB(y[i]!) : CLASS_COLORS[y[i]!]!);
    ctx.fillRect(24 + ((x! - cx) / span) * 48 - 1.5, 24 - ((v! - cy) / span) * 48 - 1.5, 3, 3);
  });
}
