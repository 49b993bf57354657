/**
 * The guided lesson's panel: the step's title and text, "k / n", Previous / Next, a link to the
 * step (to share or put on a slide) and Close. Fixed to the bottom of the window so the page it
 * drives stays visible above it; the arrow keys also move (see use-lesson.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { METHOD_LABELS } from '../../client/worker-client';
import { lessonSearch } from './lesson-steps';
import type { LessonControl } from './use-lesson';
import './lesson.css';

export function LessonButton({ lesson }: { lesson: LessonControl }) {
  return (
    <button type="button" data-testid="lesson-button" aria-expanded={lesson.open} onClick={() => (lesson.open ? lesson.close() : lesson.start())}>
      {lesson.open ? 'Close lesson' : 'Guided lesson'}
    </button>
  );
}

export function LessonPanel({ lesson }: { lesson: LessonControl }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // On small screens the text can fold away, leaving the page and the step buttons.
  const [collapsed, setCollapsed] = useState(false);
  const { open, index, step, count } = lesson;
  // A step's heading takes the focus, so a screen reader reads the new step.
  useEffect(() => {
    if (open) headingRef.current?.focus({ preventScroll: true });
  }, [open, index]);
  if (!open) return null;
  const settings = [
    step.model,
    METHOD_LABELS[step.method],
    `${step.keep}% kept`,
    ...(step.refit ? ['refit'] : []),
    ...(step.finetune > 0 ? [`fine-tuned ${step.finetune} epoch`] : []),
  ].join(' · ');
  return (
    <section className={collapsed ? 'lesson lesson--collapsed' : 'lesson'} data-testid="lesson-panel" aria-label="Guided lesson">
      <div className="lesson__head">
        <span className="lesson__count" data-testid="lesson-step" aria-label={`Step ${index + 1} of ${count}`}>
          {index + 1} / {count}
        </span>
        <h2 className="lesson__title" ref={headingRef} tabIndex={-1} data-testid="lesson-title">
          {step.title}
        </h2>
        <span className="lesson__settings muted">{settings}</span>
        <button type="button" className="lesson__toggle" aria-expanded={!collapsed} onClick={() => setCollapsed(!collapsed)}>
          {collapsed ? 'Show text' : 'Hide text'}
        </button>
      </div>
      <p className="lesson__text" data-testid="lesson-text" aria-live="polite">
        {step.text}
      </p>
      <div className="lesson__nav">
        <button type="button" data-testid="lesson-prev" onClick={() => lesson.go(index - 1)} disabled={index === 0}>
          ← Previous
        </button>
        <button type="button" className="button--primary" data-testid="lesson-next" onClick={() => lesson.go(index + 1)} disabled={index === count - 1}>
          Next →
        </button>
        <button type="button" className="lesson__close" data-testid="lesson-close" onClick={lesson.close}>
          Close
        </button>
        <a className="lesson__link" href={`${window.location.pathname}${lessonSearch(index)}${lesson.presentation ? '&present=1' : ''}`} data-testid="lesson-link">
          Link to this step
        </a>
      </div>
    </section>
  );
}
