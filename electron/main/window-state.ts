/**
 * Window size and position across runs, as pure maths over rectangles (Electron's `screen` supplies
 * the displays' work areas). A saved position is kept only while enough of the window is visible on
 * some display: a monitor unplugged since last time must not leave the window off-screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindowState {
  /** The normal (not maximised) bounds. */
  bounds: Rect;
  maximized: boolean;
}

export interface RestoredWindow {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
export const MIN_SIZE = { width: 720, height: 480 } as const;
/** How much of the window (each way) must be on a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 48 } as const;

function intersection(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : undefined;
}

function area(rect: Rect | undefined): number {
  return rect ? rect.width * rect.height : 0;
}

function clampSize(width: number, height: number, workArea: Rect): { width: number; height: number } {
  return {
    width: Math.round(Math.max(Math.min(MIN_SIZE.width, workArea.width), Math.min(width, workArea.width))),
    height: Math.round(
      Math.max(Math.min(MIN_SIZE.height, workArea.height), Math.min(height, workArea.height)),
    ),
  };
}

export function centered(size: { width: number; height: number }, workArea: Rect): Rect {
  const { width, height } = clampSize(size.width, size.height, workArea);
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + (workArea.height - height) / 2),
    width,
    height,
  };
}

/** Moves `rect` (already no larger than `workArea`) the least distance that puts it fully inside. */
function shiftInside(rect: Rect, workArea: Rect): Rect {
  const x = Math.min(Math.max(rect.x, workArea.x), workArea.x + workArea.width - rect.width);
  const y = Math.min(Math.max(rect.y, workArea.y), workArea.y + workArea.height - rect.height);
  return { ...rect, x, y };
}

function isValidRect(rect: Rect): boolean {
  return (
    [rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) && rect.width > 0 && rect.height > 0
  );
}

/**
 * Where the window opens: the saved bounds on the display showing most of them (resized to fit and
 * pulled fully inside it), or centred on the primary display when nothing was saved, the saved
 * bounds are nonsense, or too little of them would be visible.
 */
export function restoreWindow(
  saved: SavedWindowState | undefined,
  workAreas: readonly Rect[],
  primary: Rect,
): RestoredWindow {
  if (!saved || !isValidRect(saved.bounds))
    return { bounds: centered(DEFAULT_SIZE, primary), maximized: false };
  // The window will be at least its minimum size: judge visibility on that.
  const wanted = {
    ...saved.bounds,
    width: Math.max(saved.bounds.width, MIN_SIZE.width),
    height: Math.max(saved.bounds.height, MIN_SIZE.height),
  };
  let best: { workArea: Rect; visible: Rect } | undefined;
  for (const workArea of workAreas) {
    const visible = intersection(wanted, workArea);
    if (visible && area(visible) > area(best?.visible)) best = { workArea, visible };
  }
  const enough = best && best.visible.width >= MIN_VISIBLE.width && best.visible.height >= MIN_VISIBLE.height;
  if (!best || !enough) return { bounds: centered(wanted, primary), maximized: saved.maximized };
  const size = clampSize(wanted.width, wanted.height, best.workArea);
  return { bounds: shiftInside({ ...wanted, ...size }, best.workArea), maximized: saved.maximized };
}

/** What to store when the window moves, resizes or closes. Full screen is stored as maximised. */
export function captureWindow(state: {
  normalBounds: Rect;
  maximized: boolean;
  fullScreen: boolean;
}): SavedWindowState {
  return { bounds: { ...state.normalBounds }, maximized: state.maximized || state.fullScreen };
}
