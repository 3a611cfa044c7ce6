/** Bambu printer families: what differs between them for a LAN client. */
export const BAMBU_MODELS = ['A1', 'A1M', 'P1P', 'P1S', 'P2S', 'X1', 'X1C', 'X1E', 'H2D', 'H2S'] as const;
export type BambuModel = (typeof BAMBU_MODELS)[number];

export function isBambuModel(value: string): value is BambuModel {
  return (BAMBU_MODELS as readonly string[]).includes(value);
}

/** A1/P1 send partial reports and must not be asked for `pushall` often; X1/H2 send full ones. */
export function sendsPartialReports(model: BambuModel): boolean {
  return model.startsWith('A1') || model.startsWith('P1');
}

/** A1/P1: JPEG stream on port 6000. X1/H2/P2S: RTSPS on port 322 (needs ffmpeg on the gateway). */
export function cameraKind(model: BambuModel): 'jpeg-6000' | 'rtsps' {
  return model.startsWith('A1') || model.startsWith('P1') ? 'jpeg-6000' : 'rtsps';
}
