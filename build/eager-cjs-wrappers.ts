import type { Plugin } from 'vite';

/**
 * Rolldown wraps each CommonJS module (React DOM, the scheduler, react-is, ...) in an arrow
 * function that runs on the first `require`: `__commonJSMin(((exports, module) => { ... }))`.
 * Chromium compiles the chunk on a background thread while it downloads, but V8 only preparses
 * that arrow there and parses it again, in full, on the main thread when it is first called: for
 * React DOM that is 200 kB of source and 15-35 ms of the start-up task that renders the page (seen
 * in traces and in V8's function events on the 2-core build machine). A parenthesized `function`
 * expression is V8's cue (the PIFE heuristic) that the function will run at once, so it is
 * compiled with the rest of the chunk, off the main thread. The explicit compile hints comment
 * (`//# allFunctionsCalledOnLoad`) would say the same but Chromium ignores it in module scripts.
 *
 * Rolldown moves top-level `this` into a parameter, so the arrow and the function behave alike.
 */
const WRAPPER = /(__commonJS(?:Min)?(?:\$\d+)?)\(\(\(([\w$, ]*)\) => \{/g;

/** The chunk's code with each CommonJS module wrapper as a parenthesized function expression. */
export function eagerCommonJsWrappers(code: string): string {
  return code.replace(WRAPPER, (_, wrap: string, params: string) => `${wrap}((function(${params}) {`);
}

/** Applied before minification (renderChunk sees Rolldown's unminified output). */
export function eagerCjsWrappersPlugin(): Plugin {
  return {
    name: 'eager-cjs-wrappers',
    apply: 'build',
    renderChunk(code) {
      const rewritten = eagerCommonJsWrappers(code);
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}
