/** The slice of a pino logger the model code uses, so a pino instance can be passed as is. */
export interface InferenceLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export const silentLogger: InferenceLogger = {
  info: () => undefined,
  warn: () => undefined,
};
