/**
 * A tiny rasteriser for the app's icons: shapes are signed distance functions in unit coordinates
 * (0..1 across the icon), composited front over back, with 4×4 supersampling for smooth edges.
 */
export type Rgb = readonly [number, number, number];

export interface Layer {
  /** Negative inside the shape. */
  sdf: (x: number, y: number) => number;
  color: (x: number, y: number) => Rgb;
  alpha?: number;
}

export function roundedRect(
  left: number,
  top: number,
  width: number,
  height: number,
  radius: number,
): Layer['sdf'] {
  const cx = left + width / 2;
  const cy = top + height / 2;
  return (x, y) => {
    const qx = Math.abs(x - cx) - width / 2 + radius;
    const qy = Math.abs(y - cy) - height / 2 + radius;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

export function circle(cx: number, cy: number, radius: number): Layer['sdf'] {
  return (x, y) => Math.hypot(x - cx, y - cy) - radius;
}

export function hex(color: string): Rgb {
  const value = Number.parseInt(color.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

const SAMPLES = 4;

/** RGBA pixels (straight alpha), size × size. */
export function render(size: number, layers: readonly Layer[]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          // Premultiplied "over" compositing, back to front.
          let sr = 0;
          let sg = 0;
          let sb = 0;
          let sa = 0;
          for (const layer of layers) {
            if (layer.sdf(x, y) >= 0) continue;
            const la = layer.alpha ?? 1;
            const [lr, lg, lb] = layer.color(x, y);
            sr = lr * la + sr * (1 - la);
            sg = lg * la + sg * (1 - la);
            sb = lb * la + sb * (1 - la);
            sa = la + sa * (1 - la);
          }
          r += sr;
          g += sg;
          b += sb;
          a += sa;
        }
      }
      const n = SAMPLES * SAMPLES;
      const at = (py * size + px) * 4;
      const alpha = a / n;
      out[at] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[at + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[at + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[at + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}
