// The page's colours, TF Playground's: class 0 orange and class 1 blue (more classes
// for spiral and blobs), and values on a scale from orange (-1) through grey (0) to blue (+1).

export type RGB = readonly [number, number, number];

export const CLASS_COLORS: readonly RGB[] = [
  [245, 147, 34], [8, 119, 189], [44, 160, 44], [148, 103, 189], [214, 39, 40],
];

const LOW: RGB = [245, 147, 34], MID: RGB = [232, 234, 235], HIGH: RGB = [8, 119, 189];

/** The colour of `v` on the -1 … 1 scale (clamped): orange, grey at 0, blue. */
export function valueRGB(v: number): RGB {
  const t = Number.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
  const [from, to, s] = t < 0 ? [MID, LOW, -t] : [MID, HIGH, t];
  return [from[0] + (to[0] - from[0]) * s, from[1] + (to[1] - from[1]) * s, from[2] + (to[2] - from[2]) * s];
}

/** A class's colour faded towards white: `strength` 0 is white, 1 the full colour. */
export function classRGB(label: number, strength: number): RGB {
  const [r, g, b] = CLASS_COLORS[label % CLASS_COLORS.length]!;
  return [255 + (r - 255) * strength, 255 + (g - 255) * strength, 255 + (b - 255) * strength];
}

export function css([r, g, b]: RGB, alpha = 1): string {
  return `rgba(${Math.round(r)},${Math.round(g)},${Math.round(b)},${alpha})`;
}

/** The CSS gradient of the value scale, for legends. */
export const VALUE_GRADIENT = `linear-gradient(to right, ${css(LOW)}, ${css(MID)}, ${css(HIGH)})`;
