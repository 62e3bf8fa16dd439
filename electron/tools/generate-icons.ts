import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { circle, hex, mix, render, roundedRect, type Layer, type Rgb } from './draw.js';
import { encodeIcns, encodeIco, encodePng } from './icon-formats.js';

/**
 * Writes every icon the desktop app and its installers use into `resources/icons/`, offline:
 *   icon.png (512, window icon), icon.icns (macOS), icon.ico (Windows), linux/<n>x<n>.png (Linux),
 *   tray/<state>.png and tray/<state>@2x.png (tray: running, degraded, docker-missing, idle).
 * Run with `npm run icons` after changing the drawing; the output is committed.
 */
const TOP = hex('#2f86f0');
const BOTTOM = hex('#1b4fa6');
const WHITE: Rgb = [255, 255, 255];

/** A rounded square in Azure blue with three stacked session cards; the front one shows a prompt. */
export function appIconLayers(): Layer[] {
  const cards = [
    { x: 0.2, y: 0.22, alpha: 0.4 },
    { x: 0.28, y: 0.32, alpha: 0.7 },
    { x: 0.36, y: 0.42, alpha: 1 },
  ];
  return [
    { sdf: roundedRect(0.06, 0.06, 0.88, 0.88, 0.2), color: (_x, y) => mix(TOP, BOTTOM, (y - 0.06) / 0.88) },
    ...cards.map((card) => ({
      sdf: roundedRect(card.x, card.y, 0.44, 0.34, 0.05),
      color: () => WHITE,
      alpha: card.alpha,
    })),
    { sdf: roundedRect(0.42, 0.6, 0.14, 0.05, 0.02), color: () => BOTTOM },
  ];
}

export const TRAY_COLORS: Record<string, string> = {
  running: '#2ea44f',
  degraded: '#d29922',
  'docker-missing': '#cf222e',
  idle: '#8c959f',
};

/** A status dot with a darker rim, readable on light and dark menu bars. */
export function trayLayers(color: string): Layer[] {
  const fill = hex(color);
  return [
    { sdf: circle(0.5, 0.5, 0.4), color: () => mix(fill, [0, 0, 0], 0.35) },
    { sdf: circle(0.5, 0.5, 0.32), color: () => fill },
  ];
}

function png(size: number, layers: Layer[]): Buffer {
  return encodePng(size, size, render(size, layers));
}

async function write(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

export async function generateIcons(outDir: string): Promise<string[]> {
  const written: string[] = [];
  const put = async (name: string, data: Buffer): Promise<void> => {
    await write(join(outDir, name), data);
    written.push(name);
  };
  const app = new Map<number, Buffer>();
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) app.set(size, png(size, appIconLayers()));
  const sized = (sizes: number[]): { size: number; png: Buffer }[] =>
    sizes.map((size) => ({ size, png: app.get(size) ?? png(size, appIconLayers()) }));
  await put('icon.png', app.get(512) ?? Buffer.alloc(0));
  await put('icon.ico', encodeIco(sized([16, 24, 32, 48, 64, 128, 256])));
  await put('icon.icns', encodeIcns(sized([16, 32, 64, 128, 256, 512, 1024])));
  for (const size of [16, 32, 48, 64, 128, 256, 512])
    await put(`linux/${size}x${size}.png`, app.get(size) ?? Buffer.alloc(0));
  for (const [state, color] of Object.entries(TRAY_COLORS)) {
    await put(`tray/${state}.png`, png(16, trayLayers(color)));
    await put(`tray/${state}@2x.png`, png(32, trayLayers(color)));
  }
  return written;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const outDir = fileURLToPath(new URL('../../resources/icons/', import.meta.url));
  generateIcons(outDir).then(
    (files) => process.stdout.write(`wrote ${files.length} icons to ${outDir}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
