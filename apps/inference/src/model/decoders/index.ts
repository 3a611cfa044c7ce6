import type { ModelDecoderConfig } from '../model-manifest';
import type { OutputDecoder } from './output-decoder';
import { ProbabilityDecoder } from './probability.decoder';
import { YoloObicoDecoder } from './yolo-obico.decoder';

export function createOutputDecoder(config: ModelDecoderConfig): OutputDecoder {
  switch (config.type) {
    case 'yolo-obico':
      return new YoloObicoDecoder(config);
    case 'probability':
      return new ProbabilityDecoder(config);
  }
}

export { ModelOutputError } from './output-decoder';
export type { DecodedFrame, Detection, OutputDecoder, OutputTensor } from './output-decoder';
export { ProbabilityDecoder } from './probability.decoder';
export { YoloObicoDecoder, nonMaximumSuppression } from './yolo-obico.decoder';
