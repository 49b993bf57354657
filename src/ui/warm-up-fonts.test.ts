import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WARM_UP_FACES, warmUpFonts, type WarmUpDocument, type WarmUpElement } from './warm-up-fonts';

/** A stand-in element: records its children, style and whether it was laid out and removed. */
class FakeElement implements WarmUpElement {
  textContent: string | null = null;
  readonly style = { cssText: '' };
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  laidOut = false;
  removed = false;
  constructor(readonly tag: string) {}
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  append(node: WarmUpElement) {
    this.children.push(node as FakeElement);
  }
  getBoundingClientRect() {
    this.laidOut = true;
    return {};
  }
  remove() {
    this.removed = true;
  }
}

const THEME: Record<string, string> = {
  '--font-size-xs': ' 12px',
  '--font-size-s': '13px',
  '--font-size-base': '15px',
  '--font-size-l': '18px',
  '--font-size-xl': '22px',
  '--font-size-huge': '40px',
  '--chart-font-size': '12px',
};

function fakeDocument() {
  const appended: FakeElement[] = [];
  const doc: WarmUpDocument = {
    body: { append: (node) => appended.push(node as FakeElement) },
    documentElement: 'root',
    createElement: (tag) => new FakeElement(tag),
  };
  const computedStyle = (element: unknown) => {
    expect(element).toBe('root');
    return { getPropertyValue: (name: string) => THEME[name] ?? '' };
  };
  return { doc, computedStyle, appended };
}

describe('the font warm-up', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lays out each face in a task of its own, at every size of the type scale, hidden, and removes it', () => {
    const { doc, computedStyle, appended } = fakeDocument();
    warmUpFonts(doc, computedStyle);
    expect(appended).toHaveLength(0);
    for (let task = 1; task <= WARM_UP_FACES.length; task++) {
      vi.advanceTimersToNextTimer();
      expect(appended).toHaveLength(task);
    }
    vi.runAllTimers();
    expect(appended).toHaveLength(WARM_UP_FACES.length);
    appended.forEach((box, index) => {
      const face = WARM_UP_FACES[index];
      expect(box.laidOut && box.removed).toBe(true);
      expect(box.attributes.get('aria-hidden')).toBe('true');
      expect(box.style.cssText).toContain('visibility:hidden');
      // 12px appears twice in the scale and is laid out once.
      expect(box.children.map((span) => /font-size:([^;]+)/.exec(span.style.cssText)?.[1])).toEqual(['12px', '13px', '15px', '18px', '22px', '40px']);
      for (const span of box.children) {
        expect(span.textContent).not.toBe('');
        expect(span.style.cssText).toContain(`font-family:${face.family};font-weight:${face.weight};`);
      }
    });
  });

  it('covers the text face at the weights the CSS uses and the monospace face', () => {
    expect(WARM_UP_FACES.filter((face) => face.family === 'var(--font-family)').map((face) => face.weight)).toEqual([400, 600, 700]);
    expect(WARM_UP_FACES.some((face) => face.family === 'var(--font-mono)')).toBe(true);
  });

  it('does nothing without a document, and stops without a body', () => {
    expect(() => warmUpFonts(undefined)).not.toThrow();
    expect(vi.getTimerCount()).toBe(0);
    const { computedStyle } = fakeDocument();
    const created: string[] = [];
    warmUpFonts({ body: null, documentElement: 'root', createElement: (tag) => (created.push(tag), new FakeElement(tag)) }, computedStyle);
    vi.runAllTimers();
    expect(created).toEqual([]);
  });
});
