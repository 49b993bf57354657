/**
 * What an exported file says about itself: who wrote it, what to build to load it, and how it was
 * pruned. ONNX `metadata_props` and the safetensors `__metadata__` both hold string to string
 * maps, so lists and numbers are written as JSON text.
 */
import { name as packageName, version as packageVersion } from '../../../package.json';
import type { PruneReport } from '../report';
import { outputKind, torchModuleText, type TorchModule } from './torch-sequential';

export const PRODUCER = { name: packageName, version: packageVersion } as const;

export function exportMetadata(report: PruneReport, modules: readonly TorchModule[]): Record<string, string> {
  return {
    producer: `${PRODUCER.name} ${PRODUCER.version}`,
    architecture: report.architecture.pruned.join('-'),
    torch_module: torchModuleText(modules),
    output: outputKind(modules),
    source_model: report.model,
    source_architecture: report.architecture.dense.join('-'),
    method: report.method,
    keep: JSON.stringify(report.keep),
    iterations: String(report.iterations),
    samples: String(report.samples),
    seed: String(report.seed),
    refit: String(report.refit),
    finetune_epochs: String(report.finetuneEpochs),
    ...(report.finetuneLearningRate !== undefined && report.finetuneEpochs > 0 && { finetune_learning_rate: String(report.finetuneLearningRate) }),
    kept: JSON.stringify(report.layers.map((layer) => layer.kept)),
    test_accuracy: JSON.stringify(report.accuracy),
    created_at: report.createdAt,
  };
}
