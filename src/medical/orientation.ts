// Patient-coordinate geometry shared by images, series and volumes: the slice normal and the letters
// (R/L, A/P, H/F) that name the edges of an image.

export type Vec3 = [number, number, number];

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Row direction × column direction: the direction slices advance in. */
export function sliceNormal(orientation: readonly number[]): Vec3 {
  return cross([orientation[0], orientation[1], orientation[2]], [orientation[3], orientation[4], orientation[5]]);
}

/** The letter of the patient direction a vector points to most (LPS: +x left, +y posterior, +z head). */
function directionLetter(v: readonly number[]): string {
  const axis = [0, 1, 2].reduce((best, i) => (Math.abs(v[i]) > Math.abs(v[best]) ? i : best), 0);
  const letters = [
    ['L', 'R'],
    ['P', 'A'],
    ['H', 'F'],
  ][axis];
  return v[axis] >= 0 ? letters[0] : letters[1];
}

export interface EdgeLabels {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/** Edge letters of an image whose columns advance along `row` and rows along `column` (unit vectors). */
export function edgeLabels(row: readonly number[], column: readonly number[]): EdgeLabels {
  const negate = (v: readonly number[]): number[] => v.map((x) => -x);
  return {
    right: directionLetter(row),
    left: directionLetter(negate(row)),
    bottom: directionLetter(column),
    top: directionLetter(negate(column)),
  };
}
