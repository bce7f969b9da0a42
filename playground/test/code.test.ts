import { describe, expect, it } from 'vitest';
import { experimentCode } from '../src/code.js';
import { Session } from '../src/session.js';
import { parseState } from '../src/state.js';
import { runScript, typecheckScripts } from './run-script.js';

// "Copy as code" run for real: what each script prints must be the session's losses, bit for bit.

/** What a script prints for a session at its current step. */
function expectedLine(s: Session): string {
  const e = s.evaluateNow();
  return `step ${s.stepCount}: training loss ${e.trainLoss}, test loss ${e.testLoss}`;
}

const session = (hash: string): Session => new Session(parseState(hash).state);
const steps = (s: Session, n: number): void => {
  for (let k = 0; k < n; k++) expect(s.step()).toBe(true);
};

interface Scenario {
  name: string;
  run: () => Session;
}

const scenarios: Scenario[] = [
  { name: 'defaults', run: () => { const s = session(''); steps(s, 25); return s; } },
  {
    name: 'live-changes',
    run: () => {
      const s = session('hidden=4,3&act=relu&feat=x1,x2,x1x2&pts=0.1,0.2,1');
      steps(s, 13);
      s.apply(parseState('hidden=4,3&act=relu&feat=x1,x2,x1x2&pts=0.1,0.2,1&lr=0.01&reg=L2&regRate=0.01').state);
      steps(s, 7);
      s.apply(parseState('hidden=4,3&act=relu&feat=x1,x2,x1x2&pts=0.1,0.2,1;1.5,-0.5,0&lr=0.01&reg=L1&regRate=0.003&batch=5&opt=sgd').state);
      steps(s, 11);
      s.apply(parseState('hidden=4,3&act=relu&feat=x1,x2,x1x2&lr=0.01&reg=L1&regRate=0.003&batch=5&opt=adamw&regen=2').state);
      steps(s, 9);
      return s;
    },
  },
  { name: 'gauss', run: () => { const s = session('data=gauss&hidden=6&feat=x1,x2,x1sq,x2sq,sinx1&reg=L2&regRate=0.001&n=120&noise=0.2'); steps(s, 30); return s; } },
  { name: 'plane', run: () => { const s = session('data=plane&hidden=&opt=sgd&lr=0.01'); steps(s, 12); return s; } },
  { name: 'spiral', run: () => { const s = session('data=spiral&classes=3&hidden=5&seed=4'); steps(s, 10); s.apply(parseState('data=spiral&classes=3&hidden=5&seed=4&opt=sgd&lr=0.1').state); steps(s, 10); return s; } },
  { name: 'blobs-bce', run: () => { const s = session('data=blobs&classes=2&loss=bce&hidden=3&act=sigmoid'); steps(s, 15); return s; } },
  { name: 'circles-mse', run: () => { const s = session('data=circles&loss=mse&hidden=4&act=leakyRelu&test=50'); steps(s, 15); return s; } },
  { name: 'xor-at-0', run: () => { const s = session('data=xor&hidden=2'); s.apply(parseState('data=xor&hidden=2&lr=0.5&batch=3').state); return s; } },
];

describe('Copy as code', () => {
  it('gives scripts that print the page\'s losses at its step, bit for bit, and type-check', () => {
    for (const { name, run } of scenarios) {
      const s = run();
      expect(runScript(name, experimentCode(s)), name).toBe(expectedLine(s));
    }
    // The scripts are TypeScript a user can keep editing: tsc with the project's settings finds nothing.
    typecheckScripts(scenarios.map((s) => s.name));
  }, 120_000);

  it('says when the run uses tanh or Adam, whose last bits differ between some JavaScript engines', () => {
    expect(experimentCode(scenarios[0]!.run())).toContain('round\n// Math.tanh or ** (Adam\'s β^t) differently');
    expect(experimentCode(scenarios[3]!.run())).not.toContain('Math.tanh');
  });

  it('writes only what the run needs, the history as statements, and @ugrad/nn\'s own generators and penalties', () => {
    const plain = experimentCode(scenarios[0]!.run());
    for (const line of ["import { Adam, type Dataset, MLP, moons, Trainer, trainTestSplit } from '@ugrad/nn';", 'const optimizer = new Adam(model.parameters(), { lr: 0.03 });',
      'moons({ n: 200, noise: 0.1, seed: drawSeed })', "const trainer = new Trainer(model, data.train, { loss: 'hinge', optimizer, batchSize: Math.min(16, data.train.X.length), shuffle: true, seed: '1/batches' });",
      'train(25);']) {
      expect(plain).toContain(line);
    }
    expect(plain).not.toMatch(/^let |l[12]:/m);
    const live = experimentCode(scenarios[1]!.run());
    for (const line of ['let optimizer: Optimizer = new Adam(', '// from step 13:', 'optimizer.lr = 0.01;', "seed: '1/batches/13', l2: 0.01 });", '// from step 20:',
      'optimizer = new SGD(model.parameters(), { lr: 0.01 }); // the same weights, fresh optimizer state', "data = makeData('1/data', [[0.1, 0.2, 1], [1.5, -0.5, 0]]);",
      "seed: '1/batches/20', l1: 0.003 });", "data = makeData('1/data/2', []);", 'train(9);']) {
      expect(live).toContain(line);
    }
    expect(experimentCode(scenarios[2]!.run())).toContain('gaussians({ n: 120, noise: 0.2, seed: drawSeed })');
    expect(experimentCode(scenarios[3]!.run())).toContain('plane({ n: 200, noise: 0.1, seed: drawSeed })');
  });
});
