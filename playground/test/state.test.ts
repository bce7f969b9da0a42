import { LOSS_NAMES } from '@ugrad/nn';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, KEYS, classCount, copy, formatState, normalise, parseState, readNumber, resetReasons, type State } from '../src/state.js';

const custom: State = {
  data: 'spiral', classes: 3, noise: 0.25, n: 150, test: 20, regen: 2, features: ['x1', 'x2', 'x1x2', 'sinx2'], hidden: [5, 3],
  activation: 'relu', loss: 'crossEntropy', optimizer: 'sgd', lr: 0.1, batch: 8, reg: 'L1', regRate: 0.001, seed: 42,
  showTest: true, discretize: true, points: [{ x: 0.5, y: -1.25, label: 2 }, { x: -3, y: 0, label: 0 }],
};

describe('parseState', () => {
  it('gives the defaults, silently, for an empty hash', () => {
    for (const text of ['', '#', '?']) expect(parseState(text)).toEqual({ state: copy(DEFAULTS), notices: [] });
  });

  it('reads back exactly what formatState wrote', () => {
    const text = formatState(custom);
    expect(text).toBe('data=spiral&classes=3&noise=0.25&n=150&test=20&regen=2&feat=x1,x2,x1x2,sinx2&hidden=5,3&act=relu&loss=crossEntropy'
      + '&opt=sgd&lr=0.1&batch=8&reg=L1&regRate=0.001&seed=42&showTest=1&disc=1&pts=0.5,-1.25,2;-3,0,0');
    expect(parseState(`#${text}`)).toEqual({ state: custom, notices: [] });
    // A query string works too, and so does a percent-encoded link.
    expect(parseState(`?${new URLSearchParams(text).toString()}`)).toEqual({ state: custom, notices: [] });
  });

  it('keeps settings that are left out at their defaults', () => {
    const { state, notices } = parseState('#hidden=2,4,3&act=sigmoid');
    expect(notices).toEqual([]);
    expect(state).toEqual({ ...copy(DEFAULTS), hidden: [2, 4, 3], activation: 'sigmoid' });
  });

  it('reads an empty hidden list as a linear model', () => {
    expect(parseState('hidden=').state.hidden).toEqual([]);
  });

  it('replaces each unreadable setting by its default and says so', () => {
    const { state, notices } = parseState('#data=bananas&hidden=-3,x&n=-5&lr=abc&batch=2.5&seed=1e99&zzz=1&act=&feat=x1,x3&reg=L3&regRate=-1&showTest=yes&disc=2&regen=0.5');
    expect(state).toEqual(copy(DEFAULTS));
    expect(notices).toEqual([
      'Ignored the unknown setting "zzz".',
      'data="bananas" is not one of moons, circles, spiral, xor, blobs, plane, gauss; using moons.',
      'n="-5" is out of range (expected a whole number ≥ 10 and ≤ 1000); using 200.',
      'regen="0.5" is not a whole number ≥ 0 and ≤ 999999; using 0.',
      'feat="x1,x3" is not a list of features from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2; using x1,x2.',
      'hidden="-3,x" is not a list of layer sizes, each a whole number from 1 to 16; using 8.',
      'act="" is not one of relu, tanh, sigmoid, leakyRelu, linear; using tanh.',
      'lr="abc" is not a number; using 0.03.',
      'batch="2.5" is not a whole number ≥ 1 and ≤ 1000; using 16.',
      'reg="L3" is not one of none, L1, L2; using none.',
      'regRate="-1" is out of range (expected a number ≥ 0 and ≤ 10); using 0.',
      'seed="1e99" is out of range (expected a whole number ≥ 0 and ≤ 2147483647); using 1.',
      'showTest="yes" is not 1 or 0; using 0.',
      'disc="2" is not 1 or 0; using 0.',
    ]);
  });

  it('falls back one field at a time: each bad value alone takes its default, the rest stay', () => {
    const good = formatState(custom);
    const bad: Record<string, string> = {
      data: 'x', classes: '9', noise: '2', n: '5', test: '95', regen: '-1', feat: '', hidden: '0', act: 'gelu', loss: 'logcosh',
      opt: 'rmsprop', lr: '0', batch: '0', reg: 'l2', regRate: 'NaN', seed: '-1', showTest: 'on', disc: 'true!',
    };
    for (const [field, key] of Object.entries(KEYS) as [keyof State, string][]) {
      if (field === 'points') continue;
      const params = new URLSearchParams(good);
      params.set(key, bad[key]!);
      const { state, notices } = parseState(params.toString());
      expect(notices, key).toHaveLength(field === 'data' || field === 'classes' || field === 'loss' ? 2 : 1);
      // The one bad field is the default's (normalise may then adjust the loss or points); the rest are as linked.
      const expected = { ...custom, [field]: DEFAULTS[field] };
      if (field === 'data' || field === 'classes') expected.points = custom.points.filter((p) => p.label < 2);
      if (field === 'loss') expected.loss = 'crossEntropy';
      expect(state, key).toEqual(expected);
    }
  });

  it('uses the given base for missing and bad values: a bad edit keeps the current value', () => {
    const { state, notices } = parseState('lr=abc', custom);
    expect(state).toEqual(custom);
    expect(notices).toEqual(['lr="abc" is not a number; using 0.1.']);
  });

  it('reads features in canonical order without repeats', () => {
    expect(parseState('feat=sinx1,x1,x1').state.features).toEqual(['x1', 'sinx1']);
    expect(parseState('feat=').notices).toEqual(['feat="" has no feature (at least one is needed); using x1,x2.']);
  });

  it('keeps the good settings next to bad ones', () => {
    const { state, notices } = parseState('data=xor&n=garbage&hidden=3,3');
    expect(state.data).toBe('xor');
    expect(state.hidden).toEqual([3, 3]);
    expect(state.n).toBe(DEFAULTS.n);
    expect(notices).toHaveLength(1);
  });

  it('rejects a learning rate of 0 and sizes beyond the limits', () => {
    expect(parseState('lr=0').notices).toEqual(['lr="0" is out of range (expected a number > 0 and ≤ 10); using 0.03.']);
    expect(parseState('hidden=1,1,1,1,1,1,1').notices).toEqual(['hidden="1,1,1,1,1,1,1" has 7 layers (at most 6); using 8.']);
    expect(parseState('hidden=17').notices).toHaveLength(1);
    expect(parseState('noise=Infinity').notices).toEqual(['noise="Infinity" is not a number; using 0.1.']);
  });

  it('drops unreadable added points and keeps the rest', () => {
    const { state, notices } = parseState('pts=0.1,0.2,1;nope;1,2;50,0,1;0,0,0,0;-1,1,0');
    expect(state.points).toEqual([{ x: 0.1, y: 0.2, label: 1 }, { x: -1, y: 1, label: 0 }]);
    expect(notices).toEqual(['Dropped 4 unreadable added points from pts (each is x,y,label with x and y in [-10, 10]).']);
  });

  it('clips garbage in a notice so a pasted essay cannot flood the page', () => {
    const { notices } = parseState(`data=${'x'.repeat(500)}`);
    expect(notices[0]!.length).toBeLessThan(140);
  });
});

describe('normalise', () => {
  it('switches a two-class loss to crossEntropy when the dataset has more classes', () => {
    const { state, notices } = parseState('data=blobs&classes=4&loss=bce');
    expect(state.loss).toBe('crossEntropy');
    expect(notices).toEqual(['The bce loss cannot learn 4 classes, which blobs has; using crossEntropy.']);
  });

  it('leaves classes alone on the datasets that always have two', () => {
    const s = { ...copy(DEFAULTS), classes: 5 };
    expect(classCount(s)).toBe(2);
    expect(normalise(s)).toEqual([]);
    expect(s.loss).toBe('hinge');
  });

  it('drops added points with a label the dataset does not have', () => {
    const s = { ...copy(DEFAULTS), points: [{ x: 0, y: 0, label: 1 }, { x: 1, y: 1, label: 3 }, { x: 1, y: 1, label: -1 }] };
    expect(normalise(s)).toEqual(['Dropped 2 added points with a label moons does not have.']);
    expect(s.points).toEqual([{ x: 0, y: 0, label: 1 }]);
  });

  it('trains a regression problem with mse, and keeps its added points\' values in [-1, 1]', () => {
    const { state, notices } = parseState('data=plane&loss=hinge&pts=1,1,-1;2,2,0.5;3,3,2');
    expect(state.loss).toBe('mse');
    expect(state.points.map((p) => p.label)).toEqual([-1, 0.5]);
    expect(notices).toEqual(['plane is a regression problem, which the hinge loss cannot learn; using mse.', 'Dropped 1 added point with a label plane does not have.']);
    expect(classCount(state)).toBe(0);
  });
});

describe('the losses offered, by the loss table', () => {
  it('are every loss of @ugrad/nn, each kept where the table lets it learn the problem', () => {
    const kept = (hash: string): string[] => LOSS_NAMES.filter((loss) => parseState(`${hash}&loss=${loss}`).state.loss === loss);
    expect(kept('data=moons')).toEqual(['hinge', 'mse', 'l1', 'huber', 'bce', 'crossEntropy']);
    expect(kept('data=spiral&classes=3')).toEqual(['crossEntropy']);
    expect(kept('data=gauss')).toEqual(['mse', 'l1', 'huber']);
    // A link without a loss gets the first that fits.
    expect(['', 'data=blobs&classes=4', 'data=plane'].map((h) => parseState(h).state.loss)).toEqual(['hinge', 'crossEntropy', 'mse']);
  });
});

describe('formatState', () => {
  it('gives equal links for equal states and rounds points to 3 decimals', () => {
    const s = { ...copy(DEFAULTS), points: [{ x: 0.123456, y: -0.0004, label: 1 }] };
    expect(formatState(s)).toBe(formatState(copy(s)));
    expect(formatState(s)).toMatch(/&pts=0\.123,0,1$/);
    expect(parseState(formatState(s)).state.points).toEqual([{ x: 0.123, y: 0, label: 1 }]);
  });

  it('does not let copies share arrays with the defaults', () => {
    const s = copy(DEFAULTS);
    s.hidden.push(3);
    s.points.push({ x: 0, y: 0, label: 0 });
    expect(DEFAULTS.hidden).toEqual([8]);
    expect(DEFAULTS.points).toEqual([]);
  });
});

describe('resetReasons', () => {
  it('lists what needs a fresh start, and nothing for the settings that apply live', () => {
    const live = { ...custom, lr: 0.5, optimizer: 'adam' as const, batch: 3, reg: 'L2' as const, regRate: 0.5, regen: 9, points: [], showTest: false, discretize: false };
    expect(resetReasons(custom, live)).toEqual([]);
    expect(resetReasons(custom, { ...custom, noise: 0.3, hidden: [2], activation: 'tanh', seed: 1, features: ['x1'], loss: 'hinge' }))
      .toEqual(['the data changed', 'the input features changed', 'the architecture changed', 'the activation changed', 'the loss changed', 'the seed changed']);
  });
});

describe('readNumber', () => {
  it('takes decimal notation only', () => {
    const range = { min: 0, max: 100, integer: false };
    expect(readNumber('1.5e1', range)).toBe(15);
    expect(readNumber('.5', range)).toBe(0.5);
    for (const bad of ['', ' ', '0x10', '1_0', '1,5', 'NaN', '1'.repeat(100000) + 'x']) expect(readNumber(bad, range)).toEqual({ why: 'is not a number' });
  });
});
