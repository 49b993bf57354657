/**
 * The page's first commits used to spend most of their time finding fonts: on Linux every face
 * (family, weight, style) and every size of it costs Chromium's renderer a synchronous call to
 * the browser process, and a face's first use also ships its file over. Traced on the 2-core
 * build machine, font lookups were 13 of the 16 ms of the app's first commit; with the worker
 * and the kernel's helpers busy beside it, such a commit took 50-80 ms of style and layout in
 * about one cold start in three. Here each face the theme uses is looked up in a main-thread
 * task of its own, at the theme's sizes, while the app's chunks download and evaluate, so the
 * commits find them cached. Elsewhere the lookups are cheap and this costs a few milliseconds.
 */

/** The theme's type scale (theme.css): the sizes each face is warmed up at. */
const SIZE_PROPERTIES = ['--font-size-xs', '--font-size-s', '--font-size-base', '--font-size-l', '--font-size-xl', '--font-size-huge', '--chart-font-size'];

/** The faces the page shows at start: its text at the weights its CSS uses, and the monospace face. */
export const WARM_UP_FACES: readonly { readonly family: string; readonly weight: number }[] = [
  { family: 'var(--font-family)', weight: 400 },
  { family: 'var(--font-family)', weight: 600 },
  { family: 'var(--font-family)', weight: 700 },
  { family: 'var(--font-mono)', weight: 400 },
];

/** The part of the DOM this needs (a parameter so that tests can watch it). */
export interface WarmUpDocument {
  readonly body: { append(node: WarmUpElement): void } | null;
  readonly documentElement: unknown;
  createElement(tag: 'div' | 'span'): WarmUpElement;
}

export interface WarmUpElement {
  textContent: string | null;
  readonly style: { cssText: string };
  setAttribute(name: string, value: string): void;
  append(node: WarmUpElement): void;
  getBoundingClientRect(): unknown;
  remove(): void;
}

type ComputedStyleOf = (element: unknown) => { getPropertyValue(name: string): string };

/**
 * Looks up each face of WARM_UP_FACES in a task of its own (the first one task from now): a
 * hidden element with a few characters at each size of the theme's type scale is laid out, then
 * removed. Does nothing without a document.
 */
export function warmUpFonts(
  doc: WarmUpDocument | undefined = typeof document === 'undefined' ? undefined : (document as unknown as WarmUpDocument),
  computedStyle: ComputedStyleOf = (element) => getComputedStyle(element as Element),
): void {
  if (!doc) return;
  let sizes: string[] | undefined;
  let next = 0;
  const warmUpOne = () => {
    const face = WARM_UP_FACES[next++];
    if (!face || !doc.body) return;
    try {
      if (!sizes) {
        const root = computedStyle(doc.documentElement);
        sizes = [...new Set(SIZE_PROPERTIES.map((name) => root.getPropertyValue(name).trim()).filter(Boolean))];
      }
      const box = doc.createElement('div');
      box.setAttribute('aria-hidden', 'true');
      box.style.cssText = 'position:absolute;left:-10000px;top:0;visibility:hidden;pointer-events:none';
      for (const size of sizes) {
        const span = doc.createElement('span');
        span.textContent = 'Ag 0%';
        span.style.cssText = `font-family:${face.family};font-weight:${face.weight};font-size:${size}`;
        box.append(span);
      }
      doc.body.append(box);
      box.getBoundingClientRect();
      box.remove();
    } catch {
      // Only a warm-up: the page finds its fonts itself.
    }
    setTimeout(warmUpOne);
  };
  setTimeout(warmUpOne);
}
