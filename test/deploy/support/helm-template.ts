/**
 * Renders a Helm chart without helm, for the chart's tests on machines that have no helm binary. It implements
 * exactly the Go-template subset deploy/helm/farmhand uses, with Helm's semantics for it, and throws on anything
 * else (an unknown function, action, keyword or syntax), so a chart change that needs real helm fails the tests
 * instead of rendering wrongly.
 *
 * Supported: text with `{{- ` / ` -}}` trimming and comments; `define`, `include`, `if` / `else if` / `else`,
 * `with` / `else`, `range [$k, $v :=]` / `else`, `end`, `$x := pipeline`; pipelines over literals (strings,
 * numbers, true/false/nil), fields of `.`, `$` and variables, and parenthesized pipelines; and the functions in
 * FUNCTIONS below. Objects: .Values, .Release.Name/Namespace/Service/IsInstall/IsUpgrade, .Chart.Name/Version/AppVersion.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';

export class TemplateError extends Error {
  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'TemplateError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lexing: the template text is split into text and actions; trim markers consume the neighbouring whitespace.

type Piece = { kind: 'text'; text: string } | { kind: 'action'; source: string; where: string };

function splitTemplate(source: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    const close = source.indexOf('}}', open + 2);
    const line = source.slice(0, open).split('\n').length;
    const where = `${file}:${line}`;
    if (close === -1) throw new TemplateError('unclosed action', where);
    let inner = source.slice(open + 2, close);
    if (/^-[ \t\r\n]/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    } else if (inner.startsWith('-')) {
      throw new TemplateError('"{{-" must be followed by a space', where);
    }
    if (/[ \t\r\n]-$/.test(inner)) {
      trimNext = true;
      inner = inner.slice(0, -1);
    }
    pieces.push({ kind: 'text', text });
    const trimmed = inner.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) throw new TemplateError('a comment must close with "*/}}"', where);
    } else {
      pieces.push({ kind: 'action', source: trimmed, where });
    }
    position = close + 2;
  }
  return pieces.filter((piece) => piece.kind === 'action' || piece.text !== '');
}

type Token =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'field'; path: string[] }
  | { type: 'variable'; name: string; path: string[] }
  | { type: 'identifier'; name: string }
  | { type: 'pipe' | 'open' | 'close' | 'declare' | 'comma' };

function tokenize(source: string, where: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const fieldPath = (text: string) => (text === '' ? [] : text.split('.').slice(1));
  while (index < source.length) {
    const rest = source.slice(index);
    let match: RegExpMatchArray | null;
    if ((match = rest.match(/^\s+/))) {
      index += match[0].length;
    } else if ((match = rest.match(/^"((?:[^"\\]|\\.)*)"/))) {
      let value: string;
      try {
        value = JSON.parse(`"${match[1]}"`) as string;
      } catch {
        throw new TemplateError(`unsupported string literal ${match[0].slice(0, 20)}`, where);
      }
      tokens.push({ type: 'string', value });
      index += match[0].length;
    } else if ((match = rest.match(/^`([^`]*)`/))) {
      tokens.push({ type: 'string', value: match[1] });
      index += match[0].length;
    } else if ((match = rest.match(/^-?\d+(\.\d+)?(?![\w.])/))) {
      tokens.push({ type: 'number', value: Number(match[0]) });
      index += match[0].length;
    } else if ((match = rest.match(/^\$([A-Za-z_]\w*)?((?:\.[A-Za-z_]\w*)*)/))) {
      tokens.push({ type: 'variable', name: `$${match[1] ?? ''}`, path: fieldPath(match[2]) });
      index += match[0].length;
    } else if ((match = rest.match(/^((?:\.[A-Za-z_]\w*)+|\.)(?![\w.])/))) {
      tokens.push({ type: 'field', path: match[0] === '.' ? [] : fieldPath(match[0]) });
      index += match[0].length;
    } else if ((match = rest.match(/^[A-Za-z_]\w*(?![\w.])/))) {
      const word = match[0];
      if (word === 'true' || word === 'false') tokens.push({ type: 'bool', value: word === 'true' });
      else if (word === 'nil') tokens.push({ type: 'nil' });
      else tokens.push({ type: 'identifier', name: word });
      index += word.length;
    } else if (rest.startsWith(':=')) {
      tokens.push({ type: 'declare' });
      index += 2;
    } else if ('|(),'.includes(rest[0])) {
      const kinds = { '|': 'pipe', '(': 'open', ')': 'close', ',': 'comma' } as const;
      tokens.push({ type: kinds[rest[0] as keyof typeof kinds] });
      index += 1;
    } else {
      throw new TemplateError(`unsupported syntax at "${rest.slice(0, 20)}"`, where);
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing: actions into a tree.

type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'pipeline'; pipeline: Pipeline };
type Command = Operand[];
interface Pipeline {
  declare?: string[];
  commands: Command[];
  where: string;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipeline: Pipeline }
  | { kind: 'if'; branches: { condition: Pipeline; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipeline: Pipeline; body: Node[]; otherwise: Node[] };

function parsePipeline(tokens: Token[], where: string): Pipeline {
  let position = 0;
  let declare: string[] | undefined;
  const declaration = tokens.findIndex((token) => token.type === 'declare');
  if (declaration !== -1) {
    const names = tokens.slice(0, declaration);
    declare = [];
    names.forEach((token, index) => {
      if (index % 2 === 1) {
        if (token.type !== 'comma') throw new TemplateError('expected "," between declared variables', where);
      } else if (token.type !== 'variable' || token.path.length || token.name === '$') {
        throw new TemplateError('only plain $variables can be declared', where);
      } else declare!.push(token.name);
    });
    if (declare.length < 1 || declare.length > 2 || names.length % 2 === 0) {
      throw new TemplateError('declare one or two variables', where);
    }
    position = declaration + 1;
  }
  const parseUntil = (closing: 'close' | 'end'): Command[] => {
    const commands: Command[] = [[]];
    while (position < tokens.length) {
      const token = tokens[position++];
      const command = commands[commands.length - 1];
      switch (token.type) {
        case 'pipe':
          if (!command.length) throw new TemplateError('empty command before "|"', where);
          commands.push([]);
          break;
        case 'open': {
          const inner = parseUntil('close');
          command.push({ kind: 'pipeline', pipeline: { commands: inner, where } });
          break;
        }
        case 'close':
          if (closing !== 'close') throw new TemplateError('unexpected ")"', where);
          if (!command.length) throw new TemplateError('empty parentheses', where);
          return commands;
        case 'string':
        case 'number':
        case 'bool':
          command.push({ kind: 'literal', value: token.value });
          break;
        case 'nil':
          command.push({ kind: 'literal', value: null });
          break;
        case 'field':
          command.push({ kind: 'field', path: token.path });
          break;
        case 'variable':
          command.push({ kind: 'variable', name: token.name, path: token.path });
          break;
        case 'identifier':
          if (!(token.name in FUNCTIONS)) throw new TemplateError(`function "${token.name}" is not supported`, where);
          command.push({ kind: 'function', name: token.name });
          break;
        default:
          throw new TemplateError(`unexpected "${token.type}"`, where);
      }
    }
    if (closing === 'close') throw new TemplateError('unclosed "("', where);
    if (!commands[commands.length - 1].length) throw new TemplateError('empty pipeline', where);
    return commands;
  };
  const commands = parseUntil('end');
  commands.forEach((command, index) => {
    if (command.length > 1 && command[0].kind !== 'function') {
      throw new TemplateError('arguments given to something that is not a function', where);
    }
    if (index > 0 && command[0].kind !== 'function') throw new TemplateError('only functions can follow "|"', where);
  });
  return { declare, commands, where };
}

const KEYWORDS = new Set(['if', 'else', 'end', 'with', 'range', 'define', 'template', 'block', 'break', 'continue']);

interface ParsedFile {
  nodes: Node[];
  defines: Map<string, Node[]>;
}

function parseTemplate(source: string, file: string): ParsedFile {
  const pieces = splitTemplate(source, file);
  const defines = new Map<string, Node[]>();
  let index = 0;

  /** Parses nodes until `end` or `else` (returned so the caller knows which closed the block). */
  const parseBlock = (depth: number): { nodes: Node[]; closedBy: 'end' | 'else' | 'eof'; elseRest?: Token[] } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++];
      if (piece.kind === 'text') {
        nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const tokens = tokenize(piece.source, piece.where);
      const head = tokens[0];
      const keyword = head?.type === 'identifier' && KEYWORDS.has(head.name) ? head.name : null;
      if (!tokens.length) throw new TemplateError('empty action', piece.where);
      if (keyword === null) {
        nodes.push({ kind: 'output', pipeline: parsePipeline(tokens, piece.where) });
        continue;
      }
      const rest = tokens.slice(1);
      switch (keyword) {
        case 'end':
          if (rest.length) throw new TemplateError('"end" takes nothing', piece.where);
          if (depth === 0) throw new TemplateError('"end" without a block', piece.where);
          return { nodes, closedBy: 'end' };
        case 'else':
          if (depth === 0) throw new TemplateError('"else" without a block', piece.where);
          return { nodes, closedBy: 'else', elseRest: rest };
        case 'if':
          nodes.push(parseIf(rest, piece.where, depth));
          break;
        case 'with':
        case 'range': {
          const pipeline = parsePipeline(rest, piece.where);
          if (keyword === 'with' && pipeline.declare)
            throw new TemplateError('"with" declarations unsupported', piece.where);
          const body = parseBlock(depth + 1);
          let otherwise: Node[] = [];
          if (body.closedBy === 'else') {
            if (body.elseRest?.length) throw new TemplateError(`"else ..." inside "${keyword}"`, piece.where);
            const tail = parseBlock(depth + 1);
            if (tail.closedBy !== 'end') throw new TemplateError(`unclosed "${keyword}"`, piece.where);
            otherwise = tail.nodes;
          } else if (body.closedBy !== 'end') throw new TemplateError(`unclosed "${keyword}"`, piece.where);
          nodes.push({ kind: keyword, pipeline, body: body.nodes, otherwise });
          break;
        }
        case 'define': {
          if (depth !== 0) throw new TemplateError('"define" must be at the top level', piece.where);
          if (rest.length !== 1 || rest[0].type !== 'string') {
            throw new TemplateError('"define" takes one string name', piece.where);
          }
          const body = parseBlock(depth + 1);
          if (body.closedBy !== 'end') throw new TemplateError('unclosed "define"', piece.where);
          if (defines.has(rest[0].value)) throw new TemplateError(`"${rest[0].value}" defined twice`, piece.where);
          defines.set(rest[0].value, body.nodes);
          break;
        }
        default:
          throw new TemplateError(`"${keyword}" is not supported (use include)`, piece.where);
      }
    }
    if (depth > 0) throw new TemplateError('unclosed block at end of file', file);
    return { nodes, closedBy: 'eof' };
  };

  const parseIf = (conditionTokens: Token[], where: string, depth: number): Node => {
    const branches: { condition: Pipeline; body: Node[] }[] = [];
    let condition = conditionTokens;
    for (;;) {
      const pipeline = parsePipeline(condition, where);
      if (pipeline.declare) throw new TemplateError('"if" declarations unsupported', where);
      const body = parseBlock(depth + 1);
      branches.push({ condition: pipeline, body: body.nodes });
      if (body.closedBy === 'end') return { kind: 'if', branches, otherwise: [] };
      if (body.closedBy !== 'else') throw new TemplateError('unclosed "if"', where);
      const elseRest = body.elseRest ?? [];
      if (!elseRest.length) {
        const tail = parseBlock(depth + 1);
        if (tail.closedBy !== 'end') throw new TemplateError('"else" must be the last branch of "if"', where);
        return { kind: 'if', branches, otherwise: tail.nodes };
      }
      const [head, ...tail] = elseRest;
      if (head.type !== 'identifier' || head.name !== 'if')
        throw new TemplateError('only "else if" is supported', where);
      condition = tail;
    }
  };

  const { nodes } = parseBlock(0);
  return { nodes, defines };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation, with Go's and Helm's semantics for what the chart uses.

type Scope = Map<string, unknown>;

interface Context {
  defines: Map<string, Node[]>;
  includeDepth: number;
}

function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, path: string[], where: string, name: string): unknown {
  let current = value;
  for (const [index, key] of path.entries()) {
    if (current === null || current === undefined) {
      // Helm: "nil pointer evaluating interface {}.key"
      throw new TemplateError(`nil pointer evaluating ${[name, ...path.slice(0, index)].join('.')}.${key}`, where);
    }
    if (!isPlainObject(current)) throw new TemplateError(`cannot read .${key} of a ${typeof current}`, where);
    current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
  }
  return current;
}

function toText(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Go would print map[...] or [a b]: always a chart bug.
  throw new TemplateError(`cannot print a ${Array.isArray(value) ? 'list' : 'map'} (use toYaml)`, where);
}

function indentLines(spaces: number, text: string): string {
  const pad = ' '.repeat(spaces);
  return pad + text.replace(/\n/g, `\n${pad}`);
}

function expectString(value: unknown, functionName: string, where: string): string {
  if (typeof value !== 'string')
    throw new TemplateError(`${functionName} expects a string, got ${typeof value}`, where);
  return value;
}

function expectInteger(value: unknown, functionName: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TemplateError(`${functionName} expects an integer`, where);
  }
  return value;
}

/**
 * Helm and Kubernetes read YAML with go-yaml's 1.1 rules (`on`, `yes`, `off` are booleans): so does this renderer,
 * to read rendered manifests as the API server would and to quote such strings in toYaml as helm does (which also
 * sorts map keys).
 */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0, sortMapEntries: true } as const;

type TemplateFunction = (args: unknown[], where: string, context: Context) => unknown;

function arity(name: string, args: unknown[], count: number, where: string): void {
  if (args.length !== count) throw new TemplateError(`${name} takes ${count} arguments, got ${args.length}`, where);
}

const FUNCTIONS: Record<string, TemplateFunction> = {
  include: (args, where, context) => {
    arity('include', args, 2, where);
    const name = expectString(args[0], 'include', where);
    const body = context.defines.get(name);
    if (!body) throw new TemplateError(`no template "${name}"`, where);
    if (context.includeDepth > 50) throw new TemplateError('include nested too deep', where);
    const inner: Context = { ...context, includeDepth: context.includeDepth + 1 };
    return renderNodes(body, args[1], new Map([['$', args[1]]]), inner);
  },
  required: (args, where) => {
    arity('required', args, 2, where);
    if (args[1] === null || args[1] === undefined || args[1] === '') {
      throw new TemplateError(expectString(args[0], 'required', where), where);
    }
    return args[1];
  },
  default: (args, where) => {
    arity('default', args, 2, where);
    return isTruthy(args[1]) ? args[1] : args[0];
  },
  quote: (args, where) =>
    args
      .filter((value) => value !== null && value !== undefined)
      .map((value) => JSON.stringify(toText(value, where)))
      .join(' '),
  toYaml: (args, where) => {
    arity('toYaml', args, 1, where);
    if (args[0] === null || args[0] === undefined) return 'null';
    return stringify(args[0], YAML_OPTIONS).replace(/\n$/, '');
  },
  indent: (args, where) => {
    arity('indent', args, 2, where);
    return indentLines(expectInteger(args[0], 'indent', where), expectString(args[1], 'indent', where));
  },
  nindent: (args, where) => {
    arity('nindent', args, 2, where);
    return `\n${indentLines(expectInteger(args[0], 'nindent', where), expectString(args[1], 'nindent', where))}`;
  },
  trunc: (args, where) => {
    arity('trunc', args, 2, where);
    const length = expectInteger(args[0], 'trunc', where);
    const text = expectString(args[1], 'trunc', where);
    return length >= 0 ? text.slice(0, length) : text.slice(length);
  },
  trimSuffix: (args, where) => {
    arity('trimSuffix', args, 2, where);
    const suffix = expectString(args[0], 'trimSuffix', where);
    const text = expectString(args[1], 'trimSuffix', where);
    return suffix && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
  },
  printf: (args, where) => {
    const format = expectString(args[0], 'printf', where);
    const values = args.slice(1);
    const text = format.replace(/%(.)/g, (_all, verb: string) => {
      if (verb === '%') return '%';
      if (!values.length) throw new TemplateError('printf: too few arguments', where);
      const value = values.shift();
      if (verb === 's' || verb === 'v') return toText(value, where);
      if (verb === 'd') return String(expectInteger(value, 'printf %d', where));
      throw new TemplateError(`printf verb %${verb} is not supported`, where);
    });
    if (values.length) throw new TemplateError('printf: too many arguments', where);
    return text;
  },
  contains: (args, where) => {
    arity('contains', args, 2, where);
    return expectString(args[1], 'contains', where).includes(expectString(args[0], 'contains', where));
  },
  b64enc: (args, where) => {
    arity('b64enc', args, 1, where);
    return Buffer.from(toText(args[0], where)).toString('base64');
  },
  sha256sum: (args, where) => {
    arity('sha256sum', args, 1, where);
    return createHash('sha256')
      .update(expectString(args[0], 'sha256sum', where))
      .digest('hex');
  },
  eq: (args, where) => {
    if (args.length < 2) throw new TemplateError('eq takes at least 2 arguments', where);
    for (const value of args) {
      if (value !== null && value !== undefined && typeof value === 'object') {
        throw new TemplateError('eq compares scalars only', where);
      }
    }
    return args.slice(1).some((value) => value === args[0]);
  },
  ne: (args, where) => {
    arity('ne', args, 2, where);
    return !FUNCTIONS.eq(args, where, { defines: new Map(), includeDepth: 0 });
  },
  not: (args, where) => {
    arity('not', args, 1, where);
    return !isTruthy(args[0]);
  },
  and: (args, where) => {
    if (args.length < 2) throw new TemplateError('and takes at least 2 arguments', where);
    return args.find((value) => !isTruthy(value)) ?? args[args.length - 1];
  },
  or: (args, where) => {
    if (args.length < 2) throw new TemplateError('or takes at least 2 arguments', where);
    return args.find((value) => isTruthy(value)) ?? args[args.length - 1];
  },
};

function evaluateOperand(operand: Operand, dot: unknown, scope: Scope, context: Context, where: string): unknown {
  switch (operand.kind) {
    case 'literal':
      return operand.value;
    case 'field':
      return walk(dot, operand.path, where, '');
    case 'variable': {
      if (!scope.has(operand.name)) throw new TemplateError(`undefined variable "${operand.name}"`, where);
      return walk(scope.get(operand.name), operand.path, where, operand.name);
    }
    case 'pipeline':
      return evaluatePipeline(operand.pipeline, dot, scope, context);
    case 'function':
      return FUNCTIONS[operand.name]([], where, context);
  }
}

function evaluatePipeline(pipeline: Pipeline, dot: unknown, scope: Scope, context: Context): unknown {
  let piped: { value: unknown } | null = null;
  for (const command of pipeline.commands) {
    const [head, ...rest] = command;
    if (head.kind === 'function') {
      const args = rest.map((operand) => evaluateOperand(operand, dot, scope, context, pipeline.where));
      if (piped) args.push(piped.value);
      piped = { value: FUNCTIONS[head.name](args, pipeline.where, context) };
    } else {
      piped = { value: evaluateOperand(head, dot, scope, context, pipeline.where) };
    }
  }
  return piped?.value;
}

function renderNodes(nodes: Node[], dot: unknown, scope: Scope, context: Context): string {
  let output = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        output += node.text;
        break;
      case 'output': {
        const value = evaluatePipeline(node.pipeline, dot, scope, context);
        if (node.pipeline.declare) {
          if (node.pipeline.declare.length !== 1) throw new TemplateError('declare one variable', node.pipeline.where);
          scope.set(node.pipeline.declare[0], value);
        } else output += toText(value, node.pipeline.where);
        break;
      }
      case 'if': {
        const branch = node.branches.find(({ condition }) =>
          isTruthy(evaluatePipeline(condition, dot, scope, context)),
        );
        output += renderNodes(branch ? branch.body : node.otherwise, dot, new Map(scope), context);
        break;
      }
      case 'with': {
        const value = evaluatePipeline(node.pipeline, dot, scope, context);
        output += isTruthy(value)
          ? renderNodes(node.body, value, new Map(scope), context)
          : renderNodes(node.otherwise, dot, new Map(scope), context);
        break;
      }
      case 'range': {
        const value = evaluatePipeline(node.pipeline, dot, scope, context);
        let entries: [unknown, unknown][];
        if (Array.isArray(value)) entries = value.map((item, index) => [index, item]);
        else if (isPlainObject(value))
          entries = Object.keys(value)
            .sort()
            .map((key) => [key, value[key]]);
        else if (value === null || value === undefined) entries = [];
        else throw new TemplateError(`cannot range over a ${typeof value}`, node.pipeline.where);
        if (!entries.length) {
          output += renderNodes(node.otherwise, dot, new Map(scope), context);
          break;
        }
        for (const [key, item] of entries) {
          const inner = new Map(scope);
          const names = node.pipeline.declare ?? [];
          if (names.length === 1) inner.set(names[0], item);
          if (names.length === 2) {
            inner.set(names[0], key);
            inner.set(names[1], item);
          }
          output += renderNodes(node.body, item, inner, context);
        }
        break;
      }
    }
  }
  return output;
}

// ---------------------------------------------------------------------------------------------------------------
// The chart: values, release, files.

export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
}

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Values files merged over the chart's values.yaml, in order (maps merge, everything else replaces). */
  values?: Record<string, unknown>[];
}

export interface RenderedChart {
  /** Every rendered template by file name (templates/x.yaml), NOTES.txt included; partials excluded. */
  files: Map<string, string>;
  /** The YAML documents of the manifests, parsed, empty documents dropped. */
  manifests: Record<string, unknown>[];
  values: Record<string, unknown>;
}

/** Helm's coalescing of values: a map merges key by key, any other value (lists included) replaces. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

export function loadYamlFile(path: string): Record<string, unknown> {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (!isPlainObject(parsed)) throw new TemplateError(`${path} is not a YAML map`);
  return parsed;
}

export function renderChart(chartDirectory: string, options: RenderOptions = {}): RenderedChart {
  const chart = loadYamlFile(join(chartDirectory, 'Chart.yaml')) as unknown as ChartMetadata;
  const values = [loadYamlFile(join(chartDirectory, 'values.yaml')), ...(options.values ?? [])].reduce(mergeValues);
  const templatesDirectory = join(chartDirectory, 'templates');
  const names = readdirSync(templatesDirectory, { withFileTypes: true }).map((entry) => {
    if (!entry.isFile()) throw new TemplateError(`templates/${entry.name}: sub-directories are not supported`);
    return entry.name;
  });
  const parsed = new Map<string, ParsedFile>();
  const defines = new Map<string, Node[]>();
  for (const name of names.sort()) {
    if (!/\.(yaml|tpl|txt)$/.test(name)) throw new TemplateError(`templates/${name}: unexpected file type`);
    const file = parseTemplate(readFileSync(join(templatesDirectory, name), 'utf8'), `templates/${name}`);
    for (const [defineName, body] of file.defines) {
      if (defines.has(defineName)) throw new TemplateError(`"${defineName}" defined in two files`);
      defines.set(defineName, body);
    }
    parsed.set(name, file);
  }
  const releaseName = options.releaseName ?? 'farmhand';
  const root = {
    Values: values,
    Release: {
      Name: releaseName,
      Namespace: options.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
    },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion ?? '' },
  };
  const context: Context = { defines, includeDepth: 0 };
  const files = new Map<string, string>();
  const manifests: Record<string, unknown>[] = [];
  for (const [name, file] of parsed) {
    // Partials only define templates, like helm, whatever text they hold outside the defines.
    if (name.startsWith('_')) continue;
    const text = renderNodes(file.nodes, root, new Map([['$', root]]), context);
    files.set(`templates/${name}`, text);
    if (!name.endsWith('.yaml')) continue;
    for (const document of text.split(/^---\s*$/m)) {
      if (!document.trim()) continue;
      let manifest: unknown;
      try {
        manifest = parseYaml(document, { ...YAML_OPTIONS, uniqueKeys: true, strict: true });
      } catch (error) {
        throw new TemplateError(`rendered YAML does not parse: ${(error as Error).message}\n${document}`, name);
      }
      if (manifest === null) continue;
      if (!isPlainObject(manifest)) throw new TemplateError('a manifest is not a map', name);
      manifests.push(manifest);
    }
  }
  return { files, manifests, values };
}

/** Renders one template text against `root` (its `.` and `$`), with named templates from `partials`: for tests. */
export function renderTemplate(source: string, root: unknown, partials: string[] = []): string {
  const defines = new Map<string, Node[]>();
  partials.forEach((partial, index) => {
    for (const [name, body] of parseTemplate(partial, `partial${index}`).defines) defines.set(name, body);
  });
  const file = parseTemplate(source, 'template');
  for (const [name, body] of file.defines) defines.set(name, body);
  return renderNodes(file.nodes, root, new Map([['$', root]]), { defines, includeDepth: 0 });
}
