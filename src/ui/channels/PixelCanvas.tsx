/**
 * One small image drawn at its own resolution with ImageData and enlarged by CSS without
 * smoothing. Memoised on the values' contents: the worker sends new arrays on every slider move,
 * and only the maps that really changed are repainted.
 */
import { memo, useEffect, useRef } from 'react';
import { digitRgba, filterRgba, mapRgba, sameValues } from './channel-pixels';

export type PixelPaint = 'map' | 'pruned' | 'filter' | 'digit';

export interface PixelCanvasProps {
  readonly values: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly paint: PixelPaint;
  /** The value drawn at full intensity ('map' and 'pruned'). */
  readonly scale?: number;
  readonly className?: string;
}

function rgbaOf({ values, paint, scale = 1 }: PixelCanvasProps): Uint8ClampedArray<ArrayBuffer> {
  switch (paint) {
    case 'map':
    case 'pruned':
      return mapRgba(values, scale, paint === 'pruned');
    case 'filter':
      return filterRgba(values);
    case 'digit':
      return digitRgba(values);
  }
}

function PixelCanvasView(props: PixelCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { width, height, className } = props;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!context || props.values.length !== width * height) return;
    context.putImageData(new ImageData(rgbaOf(props), width, height), 0, 0);
    // Repainted only when the memo comparison below lets a render through.
  });

  return <canvas ref={canvasRef} className={className} width={width} height={height} aria-hidden="true" style={{ aspectRatio: `${width} / ${height}` }} />;
}

function samePicture(previous: PixelCanvasProps, next: PixelCanvasProps): boolean {
  return (
    previous.width === next.width &&
    previous.height === next.height &&
    previous.paint === next.paint &&
    previous.scale === next.scale &&
    previous.className === next.className &&
    sameValues(previous.values, next.values)
  );
}

export const PixelCanvas = memo(PixelCanvasView, samePicture);
