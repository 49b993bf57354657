import { describe, expect, it } from 'vitest';
import { readUrlState } from '../../client/url-state';
import { LESSON_STEPS, lessonSearch, lessonStepFromSearch, withLessonStep } from './lesson-steps';

describe('the lesson table', () => {
  it('has 8 to 12 steps, each with a title and two to four sentences', () => {
    expect(LESSON_STEPS.length).toBeGreaterThanOrEqual(8);
    expect(LESSON_STEPS.length).toBeLessThanOrEqual(12);
    for (const step of LESSON_STEPS) {
      expect(step.title.length).toBeGreaterThan(3);
      const sentences = step.text.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, step.title).toBeGreaterThanOrEqual(2);
      expect(sentences, step.title).toBeLessThanOrEqual(4);
    }
  });

  it('tells the paper\'s story in order: sparsity first, the dense network and its repair later, time last', () => {
    const titles = LESSON_STEPS.map((step) => step.title);
    expect(titles[0]).toMatch(/silent/i);
    expect(LESSON_STEPS.at(-1)!.method).toBe('gfs');
    const dense = LESSON_STEPS.findIndex((step) => step.model === 'mlp-1024' && step.method === 'random');
    const refit = LESSON_STEPS.findIndex((step) => step.refit);
    const finetune = LESSON_STEPS.findIndex((step) => step.finetune > 0);
    expect(dense).toBeGreaterThan(0);
    expect(refit).toBeGreaterThan(dense);
    expect(finetune).toBeGreaterThan(dense);
    expect(LESSON_STEPS.some((step) => step.compare)).toBe(true);
    expect(LESSON_STEPS.some((step) => step.iteration !== undefined)).toBe(true);
  });

  it("each step's link carries its settings and number, readable by the app's URL state", () => {
    LESSON_STEPS.forEach((step, index) => {
      const search = lessonSearch(index);
      expect(lessonStepFromSearch(search)).toBe(index + 1);
      const state = readUrlState(search);
      expect(state).toMatchObject({ model: step.model, method: step.method, keep: step.keep, refit: step.refit, finetune: step.finetune });
    });
  });
});

describe('lesson step in the URL', () => {
  it('reads only valid step numbers', () => {
    expect(lessonStepFromSearch('?lesson=3', 10)).toBe(3);
    expect(lessonStepFromSearch('?lesson=0', 10)).toBeNull();
    expect(lessonStepFromSearch('?lesson=11', 10)).toBeNull();
    expect(lessonStepFromSearch('?lesson=2.5', 10)).toBeNull();
    expect(lessonStepFromSearch('?lesson=x', 10)).toBeNull();
    expect(lessonStepFromSearch('', 10)).toBeNull();
  });

  it('sets and removes the step, keeping other parameters', () => {
    expect(withLessonStep('?keep=10&backend=wasm', 4)).toBe('?keep=10&backend=wasm&lesson=4');
    expect(withLessonStep('?keep=10&lesson=4', null)).toBe('?keep=10');
    expect(withLessonStep('?lesson=4', null)).toBe('');
  });
});
