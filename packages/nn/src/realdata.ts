import { bool, parseOptions, withDefault } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';
import { csv as breastCancerCsv } from './data/breast-cancer.js';
import { images as digitsText } from './data/digits.js';
import { csv as irisCsv } from './data/iris.js';
import { csv as wineCsv } from './data/wine.js';

// Four classic small data sets, exactly as scikit-learn ships them (provenance
// and licences in packages/nn/data/README.md). The values live in generated
// modules under ./data/, so this runs in a browser as well as in Node.

/** A dataset with names: the features (one per column of `X`) and the classes (`classNames[y[i]]`). */
export interface NamedDataset extends Dataset {
  /** One name per column of X, scikit-learn's (e.g. `sepal length (cm)`). */
  featureNames: string[];
  /** One name per class index in y (e.g. `setosa`). */
  classNames: string[];
}

/** The loaders without options take none: any key is refused. */
export type NoOptions = Record<string, never>;

/**
 * Fisher's iris: 150 flowers, 4 measurements in cm, 3 species (50 each), as
 * scikit-learn's `load_iris()` (which follows Fisher's paper; UCI's copy
 * differs in two values). A fresh copy on every call.
 *
 * @example
 * const { X, y, featureNames, classNames } = iris();
 * featureNames[0]; // 'sepal length (cm)'
 * classNames[y[100]!]; // 'virginica'
 */
export function iris(options: NoOptions = {}): NamedDataset {
  parseOptions('iris', options, {});
  return fromCsv(irisCsv, ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
}

/**
 * Wine recognition: 178 wines from three cultivars (59, 71, 48), 13 results
 * of a chemical analysis, as scikit-learn's `load_wine()`. The features have
 * very different scales (proline is in the hundreds, hue near 1): standardize them.
 *
 * @example
 * const { X, y } = wine(); // X[i] has 13 features, y[i] in 0..2
 */
export function wine(options: NoOptions = {}): NamedDataset {
  parseOptions('wine', options, {});
  return fromCsv(wineCsv, [
    'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
    'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline',
  ]);
}

/**
 * Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features of their cell
 * nuclei (mean, standard error and worst of 10 measurements), labelled
 * malignant (0, 212 rows) or benign (1, 357 rows), as scikit-learn's `load_breast_cancer()`.
 *
 * @example
 * const { X, y, classNames } = breastCancer(); // classNames: ['malignant', 'benign']
 */
export function breastCancer(options: NoOptions = {}): NamedDataset {
  parseOptions('breastCancer', options, {});
  const measures = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension'];
  return fromCsv(breastCancerCsv, [
    ...measures.map((m) => `mean ${m}`), ...measures.map((m) => `${m} error`), ...measures.map((m) => `worst ${m}`),
  ]);
}

/** Options for {@link digits}. */
export interface DigitsOptions {
  /** Divide every pixel by 16, so intensities lie in [0, 1] (default false: the original integers 0..16). */
  scale?: boolean;
}

/**
 * Handwritten digits: 1797 images of 8×8 pixels, each pixel an intensity
 * 0..16 (the count of set pixels in a 4×4 block of the 32×32 scan), labelled
 * 0..9, as scikit-learn's `load_digits()`. Each row of `X` is an image,
 * row-major (`X[i][8 * r + c]` is row r, column c, named `pixel_r_c`).
 *
 * @example
 * const { X, y } = digits({ scale: true }); // pixels in [0, 1]
 */
export function digits(options: DigitsOptions = {}): NamedDataset {
  const { scale } = parseOptions('digits', options, { scale: withDefault(bool, false) });
  const lines = digitsText.trim().split('\n');
  const unit = scale ? 1 / 16 : 1;
  const X = new Array<number[]>(lines.length);
  const y = new Array<number>(lines.length);
  lines.forEach((line, i) => {
    const row = new Array<number>(64);
    // '0'..'9' are 0..9 and 'a'..'g' are 10..16 (see ./data/digits.ts).
    for (let j = 0; j < 64; j++) {
      const c = line.charCodeAt(j);
      row[j] = (c <= 57 ? c - 48 : c - 87) * unit;
    }
    X[i] = row;
    y[i] = line.charCodeAt(64) - 48;
  });
  const featureNames = Array.from({ length: 64 }, (_, j) => `pixel_${j >> 3}_${j & 7}`);
  return { X, y, featureNames, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}

/** scikit-learn's CSV layout: `rows,features,class names…`, then rows of features and the class index. */
function fromCsv(text: string, featureNames: string[]): NamedDataset {
  const lines = text.trimEnd().split('\n');
  const [, width, ...classNames] = lines[0]!.split(',');
  const d = Number(width);
  const X = new Array<number[]>(lines.length - 1);
  const y = new Array<number>(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    X[i - 1] = cells.slice(0, d).map(Number);
    y[i - 1] = Number(cells[d]);
  }
  return { X, y, featureNames, classNames };
}
