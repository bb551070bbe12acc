// A Stryker ignorer for the text of error and log messages in functions/core.
//
// Mutating the prose of "maxEnis must be a positive integer" into "" tells us nothing
// about a decision, and asserting every message verbatim would make the tests brittle.
// So a string or template literal is left unmutated (reported as Ignored, outside the
// score) when it is message text:
// - an argument of `new SomethingError(...)` or of a log call such as `deps.log?.('...')`
//   or `logger.warn('...')` (any literal there is message text), or
// - prose (a template literal, or a string with a space in it) that flows into the
//   argument of `ignored(...)` or `throwFailures(...)` or a `message` / `reason` / `detail` / `note` /
//   `description` / `ignored` property, through `+`, `${}`, `?:`, `||`, `??`, arrays
//   and `.join()` / `.filter()`.
// - the `name` of an Error subclass (`override readonly name = 'AlertPolicyError'`), which
//   only prefixes the error's message line: nothing branches on it.
// Codes such as 'ip-on-detached-eni' or 'malformed' have no space and stay mutated:
// they are decisions callers branch on.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const MESSAGE_KEYS = new Set(['message', 'reason', 'detail', 'note', 'description', 'ignored']);
const MESSAGE_CALLS = new Set(['ignored', 'throwFailures']);
const TEXT_METHODS = new Set(['join', 'filter', 'replace', 'slice', 'trim']);
const LOG_METHODS = new Set(['log', 'debug', 'info', 'warn', 'error']);

function isProse(node) {
  if (node.type === 'TemplateLiteral') return true;
  return node.type === 'StringLiteral' && /\s/.test(node.value);
}

function isErrorConstructor(node) {
  return (
    node.type === 'NewExpression' &&
    node.callee.type === 'Identifier' &&
    /Error$/.test(node.callee.name)
  );
}

function isErrorName(path) {
  const property = path.parentPath;
  if (!property?.isClassProperty() || property.node.value !== path.node) return false;
  if (property.node.key.type !== 'Identifier' || property.node.key.name !== 'name') return false;
  const klass = property.parentPath?.parentPath?.node;
  return klass?.superClass?.type === 'Identifier' && /Error$/.test(klass.superClass.name);
}

/** Walks from a literal up through text-building expressions to the sink it feeds. */
function sinkOf(path) {
  let current = path;
  while (current.parentPath) {
    const parent = current.parentPath;
    const node = parent.node;
    if (isErrorConstructor(node))
      return node.arguments.includes(current.node) ? 'error' : undefined;
    if (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
      if (node.callee.type === 'Identifier' && MESSAGE_CALLS.has(node.callee.name)) return 'log';
      const method =
        (node.callee.type === 'MemberExpression' ||
          node.callee.type === 'OptionalMemberExpression') &&
        node.callee.property.type === 'Identifier'
          ? node.callee.property.name
          : undefined;
      if (method !== undefined && LOG_METHODS.has(method)) {
        return node.arguments.includes(current.node) ? 'error' : undefined;
      }
      if (method === undefined || !TEXT_METHODS.has(method)) return undefined;
    } else if (node.type === 'ObjectProperty') {
      const key = node.key.type === 'Identifier' ? node.key.name : node.key.value;
      return node.value === current.node && MESSAGE_KEYS.has(key) ? 'log' : undefined;
    } else if (
      ![
        'TemplateLiteral',
        'BinaryExpression',
        'ConditionalExpression',
        'LogicalExpression',
        'ArrayExpression',
        'MemberExpression',
        'TSAsExpression',
      ].includes(node.type)
    ) {
      return undefined;
    }
    current = parent;
  }
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-text', {
    shouldIgnore(path) {
      if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
      if (isErrorName(path)) return 'name of an error class';
      // Inside a template literal the outer literal decides; do not re-judge its parts.
      const sink = sinkOf(path);
      if (sink === 'error') return 'text of an error or log message';
      if (sink === 'log' && isProse(path.node)) return 'text of a log or skip message';
      return undefined;
    },
  }),
];
