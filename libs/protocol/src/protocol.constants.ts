/** Bumped on any change that an older peer could misread; both sides refuse versions they do not list. */
export const PROTOCOL_VERSION = 2;
/** 1: one printer per socket (the credential in the handshake); 2 adds multiplexed gateway sockets (`multiplex.schema`). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** A single-printer agent uses nothing of protocol 2 and says 1, so it also works against servers before gateways. */
export const SINGLE_PRINTER_PROTOCOL_VERSION = 1;

/** socket.io namespace the agents connect to. */
export const AGENT_NAMESPACE = '/agent';

/** Events an agent emits. `protocol_error` avoids `error`, which Node's EventEmitter throws on when unhandled. */
export const AGENT_EVENTS = {
  hello: 'hello',
  status: 'status',
  event: 'event',
  commandResult: 'command_result',
  protocolError: 'protocol_error',
  /** One live camera JPEG (binary), sent only while the server holds a `camera_stream` lease open. */
  cameraFrame: 'camera_frame',
} as const;
export type AgentEventName = (typeof AGENT_EVENTS)[keyof typeof AGENT_EVENTS];

/** Events the server emits to an agent. */
export const SERVER_EVENTS = {
  welcome: 'welcome',
  command: 'command',
  protocolError: 'protocol_error',
  /** The instance is shutting down: reconnect (to another instance) soon, spread over the given window. */
  closing: 'server_closing',
  /** The printer's detection settings changed: applies at once, without a reconnect. */
  settings: 'settings',
  /** Stream the camera at `fps` until `leaseMs` passes without a renewal (fps 0: stop now). */
  cameraStream: 'camera_stream',
} as const;
export type ServerEventName = (typeof SERVER_EVENTS)[keyof typeof SERVER_EVENTS];

/** Largest serialized message either side accepts (also the server's socket.io `maxHttpBufferSize`). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_TEXT_LENGTH = 1_000;
export const MAX_ERROR_MESSAGE_LENGTH = 500;
export const MAX_FILE_NAME_LENGTH = 200;
export const MAX_PATH_LENGTH = 1_024;
export const MAX_URL_LENGTH = 4_096;
export const MAX_CAPABILITIES = 32;
export const MAX_GCODE_LINES = 100;
export const MAX_GCODE_LINE_LENGTH = 200;
/** Hard ceiling for a dispatched file; the agent may configure a lower one. */
export const MAX_DISPATCH_BYTES = 1024 * 1024 * 1024;
/** Protocol-wide sanity bounds; the agent enforces its own (lower) configured limits on top. */
export const MAX_TOOL_TEMPERATURE = 500;
export const MAX_BED_TEMPERATURE = 200;
export const MAX_JOG_DISTANCE_MM = 1_000;

/** HTTP paths the agent calls on the server. */
export const AGENT_HTTP_PATHS = {
  redeem: '/api/enrollment/redeem',
  pairings: '/api/enrollment/pairings',
  pairingPoll: '/api/enrollment/pairings/poll',
  frames: '/api/agent/frames',
} as const;
/** Largest webcam JPEG an agent uploads to `AGENT_HTTP_PATHS.frames`. */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;
/** Request header carrying the capture time (Unix epoch ms) of an uploaded frame. */
export const FRAME_CAPTURED_AT_HEADER = 'x-farmhand-captured-at';

/** Live camera: the most frames per second a server may ask for, and the largest live frame an agent sends. */
export const MAX_LIVE_FPS = 15;
export const MAX_LIVE_FRAME_BYTES = 192 * 1024;
/** A `camera_stream` lease lasts at most this long; the server renews it while someone watches. */
export const MAX_CAMERA_LEASE_MS = 30_000;
