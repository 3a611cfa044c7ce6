import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ModelManifestError, loadModelDirectory, parseModelManifest } from './model-manifest';
import { parseExecutionProviders, InferenceConfigError } from './inference-session';

const valid = {
  schemaVersion: 1,
  name: 'obico',
  file: 'model.onnx',
  input: { name: 'input', shape: [1, 3, 416, 416], resize: 'resize' },
  decoder: { type: 'yolo-obico' },
};

describe('model manifest', () => {
  it('fills Obico defaults for the yolo-obico decoder and 0..1 scaling', () => {
    const manifest = parseModelManifest(valid);
    expect(manifest.decoder).toEqual({
      type: 'yolo-obico',
      boxesOutput: 'boxes',
      confsOutput: 'confs',
      classNames: ['failure'],
      confidenceThreshold: 0.08,
      nmsThreshold: 0.45,
    });
    expect(manifest.input.normalization).toEqual({ scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(manifest.input.kernel).toBe('linear');
  });

  it('names every offending field', () => {
    const broken = {
      ...valid,
      input: { ...valid.input, shape: [1, 4, 416, 416], resize: 'crop' },
      decoder: { type: 'yolo-obico', nmsThreshold: 2 },
    };
    expect(() => parseModelManifest(broken, 'models/x/manifest.json')).toThrow(ModelManifestError);
    try {
      parseModelManifest(broken, 'models/x/manifest.json');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^models\/x\/manifest.json is invalid: /);
      expect(message).toContain('input.shape.1');
      expect(message).toContain('input.resize');
      expect(message).toContain('decoder.nmsThreshold');
    }
  });

  it('refuses a model file outside the model directory', () => {
    expect(() => parseModelManifest({ ...valid, file: '../../etc/passwd.onnx' })).toThrow(/plain file name/);
    expect(() => parseModelManifest({ ...valid, file: '/tmp/model.onnx' })).toThrow(/plain file name/);
  });

  it('loads a directory and reports a missing model file or broken JSON clearly', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'farmhand-manifest-'));
    try {
      await writeFile(path.join(directory, 'manifest.json'), JSON.stringify(valid));
      await expect(loadModelDirectory(directory)).rejects.toThrow(/model file .*model.onnx named by .* is missing/);
      await writeFile(path.join(directory, 'model.onnx'), 'x');
      await expect(loadModelDirectory(directory)).resolves.toMatchObject({
        modelPath: path.join(directory, 'model.onnx'),
      });
      await writeFile(path.join(directory, 'manifest.json'), '{ nope');
      await expect(loadModelDirectory(directory)).rejects.toThrow(/is not JSON/);
      await expect(loadModelDirectory(path.join(directory, 'absent'))).rejects.toThrow(/cannot read/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('parseExecutionProviders', () => {
  it('reads INFERENCE_PROVIDERS, defaulting to the CPU', () => {
    expect(parseExecutionProviders('webgpu, CPU')).toEqual(['webgpu', 'cpu']);
    expect(parseExecutionProviders('cuda,cuda,cpu')).toEqual(['cuda', 'cpu']);
    expect(parseExecutionProviders(undefined)).toEqual(['cpu']);
    expect(parseExecutionProviders(' ')).toEqual(['cpu']);
    expect(() => parseExecutionProviders('gpu')).toThrow(InferenceConfigError);
  });
});
