import { useState } from 'react';

interface Props {
  canExport: boolean;
  canExportSweep: boolean;
  /** ONNX and safetensors cover Dense networks only; a convolutional one exports in tfjs format. */
  networkFormats?: boolean;
  onExportModel(): void;
  onExportNetwork(format: 'onnx' | 'safetensors'): void;
  onExportReport(): void;
  onExportSweep(): void;
}

export function ExportPanel({ canExport, canExportSweep, networkFormats = true, onExportModel, onExportNetwork, onExportReport, onExportSweep }: Props) {
  const formatsTitle = networkFormats ? undefined : 'ONNX and safetensors export cover Dense networks only; download this convolutional network as a tfjs model';
  const [copied, setCopied] = useState(false);
  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      window.prompt('Copy this link', window.location.href);
    }
  };
  return (
    <section className="card" aria-labelledby="export-heading">
      <h2 id="export-heading">Export and share</h2>
      <div className="actions wrap">
        <button data-testid="export-button" onClick={onExportModel} disabled={!canExport}>
          Download pruned model
        </button>
        <button data-testid="export-onnx-button" onClick={() => onExportNetwork('onnx')} disabled={!canExport || !networkFormats} title={formatsTitle}>
          ONNX
        </button>
        <button data-testid="export-safetensors-button" onClick={() => onExportNetwork('safetensors')} disabled={!canExport || !networkFormats} title={formatsTitle}>
          safetensors
        </button>
        <button data-testid="export-report" onClick={onExportReport} disabled={!canExport}>
          Run report (JSON)
        </button>
        <button data-testid="export-sweep" onClick={onExportSweep} disabled={!canExportSweep}>
          Accuracy sweep (CSV)
        </button>
        <button data-testid="copy-link" onClick={copyLink}>
          {copied ? 'Link copied' : 'Copy link'}
        </button>
      </div>
      {networkFormats ? (
        <p className="hint">
          The model is a standard TensorFlow.js LayersModel: load it with tf.loadLayersModel. ONNX runs in ONNX Runtime (input
          &lsquo;input&rsquo;, 784 pixels in [0, 1]); safetensors loads into a PyTorch nn.Sequential of Linear and ReLU layers.
        </p>
      ) : (
        <p className="hint" data-testid="export-formats-note">
          The model is a standard TensorFlow.js LayersModel (Conv2D, pooling, Flatten, Dense, input 28×28×1): load it with tf.loadLayersModel. ONNX and
          safetensors export cover Dense networks only, so they are off for this convolutional network.
        </p>
      )}
    </section>
  );
}
