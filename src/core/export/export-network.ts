/** The delivered pruned network as ONNX and safetensors bytes, with its pruning settings: for the CLI and the worker. */
import type { Mlp } from '../model/mlp';
import type { PruneReport } from '../report';
import { exportMetadata, PRODUCER } from './export-metadata';
import { toOnnx } from './onnx-model';
import { toSafetensors } from './safetensors';
import { stateDict, torchSequential } from './torch-sequential';

export type ExportFormat = 'onnx' | 'safetensors';

export function exportNetwork(network: Mlp, report: PruneReport, format: ExportFormat): Uint8Array {
  const modules = torchSequential(network);
  const metadata = exportMetadata(report, modules);
  return format === 'onnx' ? toOnnx(modules, PRODUCER, metadata) : toSafetensors(stateDict(modules), metadata);
}
