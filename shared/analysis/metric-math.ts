/**
 * CloudWatch metric math over aligned periods, for the alarm simulator and the dashboard preview.
 * A series is one value per period (undefined = no datapoint). Semantics, from "Using metric math":
 * arithmetic between two series runs over the union of their datapoints with a missing side counted
 * as 0; a series with a scalar keeps the series' gaps; division by zero drops the point; FILL fills
 * gaps; IF(c, a[, b]) picks per datapoint (without b, false drops the point).
 * Anything else is refused with an error rather than approximated.
 */

export type Series = (number | undefined)[];
export type MathValue = Series | number;

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'unary'; op: '-' | 'NOT'; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'call'; fn: string; args: Node[] };

/** A metric-math expression CloudWatch would accept but this evaluator does not support. */
export class UnsupportedMathError extends Error {
  override readonly name = 'UnsupportedMathError';
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|&&|\|\||[-+*/^(),<>]))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(expression);
    if (!m) throw new UnsupportedMathError(`cannot read "${expression.slice(start)}" in ${expression}`);
    tokens.push((m[1] ?? m[2] ?? m[3]) as string);
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  '||': 1,
  AND: 2,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '^': 7,
};

/**
 * Parses a metric-math expression into a tree.
 * @throws UnsupportedMathError on syntax this evaluator cannot read.
 * @example parseMath('IF(inv >= 20, 100 * FILL(e, 0) / inv, 0)')
 */
export function parseMath(expression: string): Node {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (t: string) => {
    if (next() !== t) throw new UnsupportedMathError(`expected "${t}" in ${expression}`);
  };
  const primary = (): Node => {
    const t = next();
    if (t === undefined) throw new UnsupportedMathError(`unexpected end of ${expression}`);
    if (t === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    if (t === '-') return { kind: 'unary', op: '-', arg: primary() };
    if (t === 'NOT') return { kind: 'unary', op: 'NOT', arg: primary() };
    if (/^\d/.test(t)) return { kind: 'num', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== '(') return { kind: 'id', name: t };
      next();
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(binary(0));
        while (peek() === ',') {
          next();
          args.push(binary(0));
        }
      }
      expect(')');
      return { kind: 'call', fn: t.toUpperCase(), args };
    }
    throw new UnsupportedMathError(`unexpected "${t}" in ${expression}`);
  };
  const binary = (minPrecedence: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const precedence = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || precedence === undefined || precedence < minPrecedence) return left;
      next();
      // '^' is right-associative; the rest associate to the left.
      const right = binary(op === '^' ? precedence : precedence + 1);
      left = { kind: 'binary', op, left, right };
    }
  };
  const tree = binary(0);
  if (pos !== tokens.length) throw new UnsupportedMathError(`unexpected "${peek()}" in ${expression}`);
  return tree;
}

/** The ids an expression reads (its inputs). */
export function mathInputs(node: Node): string[] {
  switch (node.kind) {
    case 'num':
      return [];
    case 'id':
      return [node.name];
    case 'unary':
      return mathInputs(node.arg);
    case 'binary':
      return [...mathInputs(node.left), ...mathInputs(node.right)];
    case 'call':
      return node.args.flatMap(mathInputs);
  }
}

function applyOp(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
    case '^':
      return a ** b;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case 'AND':
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case 'OR':
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    default:
      throw new UnsupportedMathError(`operator ${op}`);
  }
}

function combine(op: string, left: MathValue, right: MathValue, length: number): MathValue {
  if (typeof left === 'number' && typeof right === 'number') return applyOp(op, left, right) ?? Number.NaN;
  const out: Series = [];
  for (let i = 0; i < length; i++) {
    const a = typeof left === 'number' ? left : left[i];
    const b = typeof right === 'number' ? right : right[i];
    // A series and a scalar: the series' datapoints only.
    // Two series: the union of their datapoints, a missing side counting as 0.
    if (
      typeof left === 'number'
        ? b === undefined
        : typeof right === 'number'
          ? a === undefined
          : a === undefined && b === undefined
    )
      out.push(undefined);
    else out.push(applyOp(op, a ?? 0, b ?? 0));
  }
  return out;
}

const at = (v: MathValue, i: number): number | undefined => (typeof v === 'number' ? v : v[i]);

function call(fn: string, args: MathValue[], length: number): MathValue {
  switch (fn) {
    case 'FILL':
      return fill(args);
    case 'IF':
      return ifThenElse(args, length);
    case 'ABS':
    case 'CEIL':
    case 'FLOOR':
      return rounding(fn, args);
    default:
      throw new UnsupportedMathError(`function ${fn} is not simulated`);
  }
}

/** FILL(series, value): each missing datapoint takes the value (a scalar, or the other series' point). */
function fill([x, y]: MathValue[]): MathValue {
  if (x === undefined || y === undefined || typeof x === 'number')
    throw new UnsupportedMathError('FILL(series, value)');
  return x.map((v, i) => v ?? at(y, i));
}

/** IF(condition, a[, b]): a where the condition is non-zero, else b (missing without b). */
function ifThenElse([x, y, z]: MathValue[], length: number): MathValue {
  if (x === undefined || y === undefined) throw new UnsupportedMathError('IF(condition, a[, b])');
  const out: Series = [];
  for (let i = 0; i < length; i++) {
    const c = at(x, i);
    if (c === undefined) out.push(undefined);
    else out.push(c !== 0 ? at(y, i) : z === undefined ? undefined : at(z, i));
  }
  return out;
}

/** ABS, CEIL or FLOOR of a scalar or of each datapoint. */
function rounding(fn: 'ABS' | 'CEIL' | 'FLOOR', [x]: MathValue[]): MathValue {
  if (x === undefined) throw new UnsupportedMathError(`${fn}(series)`);
  const f = fn === 'ABS' ? Math.abs : fn === 'CEIL' ? Math.ceil : Math.floor;
  return typeof x === 'number' ? f(x) : x.map((v) => (v === undefined ? undefined : f(v)));
}

/**
 * Evaluates a parsed expression over `length` aligned periods.
 * @param inputs the other queries' series by id
 * @throws UnsupportedMathError for an unknown id or function.
 */
export function evaluateMath(node: Node, inputs: ReadonlyMap<string, Series>, length: number): MathValue {
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'id': {
      const series = inputs.get(node.name);
      if (!series) throw new UnsupportedMathError(`unknown id ${node.name}`);
      return series;
    }
    case 'unary': {
      const v = evaluateMath(node.arg, inputs, length);
      return node.op === '-' ? combine('*', -1, v, length) : combine('==', v, 0, length);
    }
    case 'binary':
      return combine(
        node.op,
        evaluateMath(node.left, inputs, length),
        evaluateMath(node.right, inputs, length),
        length,
      );
    case 'call':
      return call(
        node.fn,
        node.args.map((a) => evaluateMath(a, inputs, length)),
        length,
      );
  }
}

/** A value as a series of `length` periods (a scalar result holds in every period). */
export function asSeries(value: MathValue, length: number): Series {
  return typeof value === 'number' ? Array.from({ length }, () => value) : value;
}

export type MathNode = Node;
