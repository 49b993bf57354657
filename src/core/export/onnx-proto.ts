/**
 * onnx-proto is CommonJS (`module.exports = { onnx }`): Node's ESM loader exposes it only as the
 * default export, bundlers as both. This picks whichever is there.
 */
import * as onnxModule from 'onnx-proto';

type OnnxModule = typeof onnxModule;

export const onnx = ((onnxModule as unknown as { default?: OnnxModule }).default ?? onnxModule).onnx;
