export { randomMlp } from '../../src/core/model/random-mlp';
