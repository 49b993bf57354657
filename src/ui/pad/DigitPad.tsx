/**
 * Draw a digit (mouse, pen or touch) in thick white strokes on black, as in MNIST. While drawing
 * (at most every 100 ms) and at each stroke's end the canvas is reduced to a 28x28 MNIST-style
 * input and handed to onInput. "Test image" asks the parent for an MNIST test image, which is shown
 * on the canvas when it arrives through `image`.
 */
import { memo, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Prediction } from '../../client/worker-client';
import { MNIST_SIDE, preprocessMnist, rgbaToGray } from './mnist-preprocess';
import { PredictionBars } from './PredictionBars';
import { propsEqual } from '../charts/props-equal';
import './pad.css';

export interface DigitPadProps {
  readonly prediction: Prediction | null;
  readonly onInput: (pixels: Float32Array) => void;
  readonly onPickTestImage: () => void;
  readonly pickedLabel: number | null;
  /** A picked test image (784 values in [0, 1]) to show on the canvas. */
  readonly image: Float32Array | null;
}

/** Drawing resolution: 10 canvas pixels per MNIST pixel. */
const SIZE = MNIST_SIDE * 10;
const STROKE = 22;
const THROTTLE_MS = 100;

/** Paints the pad black (MNIST's background). */
function blank(canvas: HTMLCanvasElement | null): void {
  const ctx = canvas?.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, SIZE, SIZE);
}

function DigitPadView({ prediction, onInput, onPickTestImage, pickedLabel, image }: DigitPadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ pointer: number; x: number; y: number } | null>(null);
  const lastEmit = useRef(0);
  const [showing, setShowing] = useState<'blank' | 'drawing' | 'image'>('blank');

  const context = () => canvasRef.current?.getContext('2d', { willReadFrequently: true }) ?? null;

  const clearCanvas = () => blank(canvasRef.current);

  useEffect(() => {
    blank(canvasRef.current);
  }, []);

  // Show a picked test image, scaled up without smoothing (each MNIST pixel stays a square).
  useEffect(() => {
    if (!image) return;
    const ctx = context();
    if (!ctx || typeof document === 'undefined') return;
    const small = document.createElement('canvas');
    small.width = MNIST_SIDE;
    small.height = MNIST_SIDE;
    const smallContext = small.getContext('2d');
    if (!smallContext) return;
    const pixels = smallContext.createImageData(MNIST_SIDE, MNIST_SIDE);
    for (let i = 0; i < MNIST_SIDE * MNIST_SIDE; i++) {
      const v = Math.round(Math.max(0, Math.min(1, image[i] ?? 0)) * 255);
      pixels.data.set([v, v, v, 255], i * 4);
    }
    smallContext.putImageData(pixels, 0, 0);
    blank(canvasRef.current);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, SIZE, SIZE);
    // The canvas is the external system here; its caption follows what was just drawn on it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setShowing('image');
  }, [image]);

  const emit = () => {
    const ctx = context();
    if (!ctx) return;
    lastEmit.current = performance.now();
    const { data } = ctx.getImageData(0, 0, SIZE, SIZE);
    onInput(preprocessMnist(rgbaToGray(data, SIZE, SIZE), SIZE, SIZE));
  };

  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / Math.max(1, rect.width)) * SIZE,
      y: ((event.clientY - rect.top) / Math.max(1, rect.height)) * SIZE,
    };
  };

  const segment = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = context();
    if (!ctx) return;
    ctx.strokeStyle = '#ffffff';
    ctx.fillStyle = '#ffffff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (drawing.current || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    // A picked test image is replaced by the new drawing.
    if (showing === 'image') clearCanvas();
    setShowing('drawing');
    const p = point(event);
    drawing.current = { pointer: event.pointerId, ...p };
    segment(p, p);
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const current = drawing.current;
    if (!current || current.pointer !== event.pointerId) return;
    const native = event.nativeEvent;
    const events = typeof native.getCoalescedEvents === 'function' ? native.getCoalescedEvents() : [];
    let from = { x: current.x, y: current.y };
    const rect = event.currentTarget.getBoundingClientRect();
    for (const e of events.length > 0 ? events : [native]) {
      const to = { x: ((e.clientX - rect.left) / Math.max(1, rect.width)) * SIZE, y: ((e.clientY - rect.top) / Math.max(1, rect.height)) * SIZE };
      segment(from, to);
      from = to;
    }
    drawing.current = { ...current, ...from };
    if (performance.now() - lastEmit.current >= THROTTLE_MS) emit();
  };

  const onPointerEnd = (event: PointerEvent<HTMLCanvasElement>) => {
    const current = drawing.current;
    if (!current || current.pointer !== event.pointerId) return;
    drawing.current = null;
    emit();
  };

  const onClear = () => {
    drawing.current = null;
    clearCanvas();
    setShowing('blank');
  };

  const status =
    showing === 'image'
      ? pickedLabel === null
        ? 'MNIST test image'
        : `MNIST test image, labelled ${pickedLabel}`
      : showing === 'drawing'
        ? 'Your drawing'
        : 'Draw a digit 0-9 with your mouse, pen or finger';

  return (
    <div className="pad" data-testid="digit-pad">
      <div className="pad__drawing">
        <canvas
          ref={canvasRef}
          className="pad__canvas"
          width={SIZE}
          height={SIZE}
          role="img"
          aria-label={`Drawing pad. ${status}.`}
          data-testid="pad-canvas"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerEnd}
          onPointerCancel={onPointerEnd}
          onLostPointerCapture={onPointerEnd}
        />
        <p className="pad__status" data-testid="pad-status">
          {status}
        </p>
        <div className="pad__buttons">
          <button type="button" className="button" onClick={onClear} data-testid="pad-clear">
            Clear
          </button>
          <button type="button" className="button" onClick={onPickTestImage} data-testid="pad-test-image">
            Test image
          </button>
        </div>
      </div>
      <PredictionBars prediction={showing === 'blank' ? null : prediction} />
    </div>
  );
}

export const DigitPad = memo(DigitPadView, propsEqual);
