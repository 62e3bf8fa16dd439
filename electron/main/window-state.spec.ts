import { describe, expect, it } from 'vitest';
import { captureWindow, DEFAULT_SIZE, MIN_SIZE, restoreWindow, type Rect } from './window-state.js';

const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 };
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('restoring the window', () => {
  it('centres the default size on the primary display the first time', () => {
    expect(restoreWindow(undefined, [laptop], laptop)).toEqual({
      bounds: { x: 120, y: 63, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height },
      maximized: false,
    });
  });

  it('restores saved bounds that are fully visible, on whichever display they are', () => {
    const bounds = { x: 1600, y: 100, width: 1400, height: 900 };
    expect(restoreWindow({ bounds, maximized: false }, [laptop, external], laptop)).toEqual({
      bounds,
      maximized: false,
    });
  });

  it('keeps the maximised flag (the normal bounds are what the window returns to)', () => {
    const bounds = { x: 100, y: 100, width: 1000, height: 700 };
    expect(restoreWindow({ bounds, maximized: true }, [laptop], laptop)).toEqual({ bounds, maximized: true });
  });

  it('re-centres on the primary display when the display it was on is gone', () => {
    const onUnplugged = { x: 2000, y: 200, width: 1000, height: 700 };
    expect(restoreWindow({ bounds: onUnplugged, maximized: false }, [laptop], laptop)).toEqual({
      bounds: { x: 220, y: 113, width: 1000, height: 700 },
      maximized: false,
    });
  });

  it('re-centres when only a sliver would be visible', () => {
    const sliver = { x: 1400, y: 100, width: 1000, height: 700 }; // 40 px on the laptop
    expect(restoreWindow({ bounds: sliver, maximized: false }, [laptop], laptop).bounds.x).toBe(220);
  });

  it('pulls a partly off-screen window fully onto the display showing most of it', () => {
    const hanging = { x: -300, y: 500, width: 1000, height: 700 };
    expect(restoreWindow({ bounds: hanging, maximized: false }, [laptop], laptop).bounds).toEqual({
      x: 0,
      y: 200,
      width: 1000,
      height: 700,
    });
  });

  it('shrinks a window larger than its display to fit, but not below the minimum size', () => {
    const huge = { x: 0, y: 25, width: 3000, height: 2000 };
    expect(restoreWindow({ bounds: huge, maximized: false }, [laptop], laptop).bounds).toEqual(laptop);
    const tiny = { x: 10, y: 30, width: 100, height: 50 };
    expect(restoreWindow({ bounds: tiny, maximized: false }, [laptop], laptop).bounds).toEqual({
      x: 10,
      y: 30,
      ...MIN_SIZE,
    });
  });

  it('ignores nonsense bounds', () => {
    const nonsense = { x: Number.NaN, y: 0, width: -5, height: 10 };
    expect(restoreWindow({ bounds: nonsense, maximized: true }, [laptop], laptop)).toEqual(
      restoreWindow(undefined, [laptop], laptop),
    );
  });

  it('never makes the window larger than a small display', () => {
    const small: Rect = { x: 0, y: 0, width: 640, height: 400 };
    expect(restoreWindow(undefined, [small], small).bounds).toEqual(small);
  });
});

describe('capturing the window state', () => {
  it('stores the normal bounds and treats full screen as maximised', () => {
    const normalBounds = { x: 1, y: 2, width: 800, height: 600 };
    expect(captureWindow({ normalBounds, maximized: false, fullScreen: false })).toEqual({
      bounds: normalBounds,
      maximized: false,
    });
    expect(captureWindow({ normalBounds, maximized: false, fullScreen: true })).toEqual({
      bounds: normalBounds,
      maximized: true,
    });
  });
});
