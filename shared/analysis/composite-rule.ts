/**
 * Composite alarm rules (PutCompositeAlarm AlarmRule): ALARM("name"), OK("name"),
 * INSUFFICIENT_DATA("name"), TRUE, FALSE, AND, OR, NOT and parentheses. The rule is true → ALARM,
 * otherwise OK.
 */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

type RuleNode =
  | { kind: 'state'; state: AlarmState; alarm: string }
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; arg: RuleNode }
  | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode };

const RULE_TOKEN =
  /\s*(?:(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)|(TRUE|FALSE|AND|OR|NOT)\b|([()]))/y;

/**
 * Parses an AlarmRule.
 * @throws Error when the rule is not one CloudWatch would accept.
 * @example parseAlarmRule('ALARM("a") AND NOT OK("b")')
 */
export function parseAlarmRule(rule: string): RuleNode {
  const tokens: { state?: AlarmState; alarm?: string; word?: string }[] = [];
  RULE_TOKEN.lastIndex = 0;
  while (RULE_TOKEN.lastIndex < rule.length && !/^\s*$/.test(rule.slice(RULE_TOKEN.lastIndex))) {
    const m = RULE_TOKEN.exec(rule);
    if (!m) throw new Error(`cannot read alarm rule ${rule}`);
    if (m[1]) tokens.push({ state: m[1] as AlarmState, alarm: (m[2] as string).replace(/\\(.)/g, '$1') });
    else tokens.push({ word: (m[3] ?? m[4]) as string });
  }
  let pos = 0;
  const unary = (): RuleNode => {
    const t = tokens[pos++];
    if (!t) throw new Error(`alarm rule ends early: ${rule}`);
    if (t.state) return { kind: 'state', state: t.state, alarm: t.alarm as string };
    if (t.word === 'TRUE' || t.word === 'FALSE') return { kind: 'const', value: t.word === 'TRUE' };
    if (t.word === 'NOT') return { kind: 'not', arg: unary() };
    if (t.word === '(') {
      const inner = or();
      if (tokens[pos++]?.word !== ')') throw new Error(`missing ) in alarm rule ${rule}`);
      return inner;
    }
    throw new Error(`unexpected ${t.word} in alarm rule ${rule}`);
  };
  const and = (): RuleNode => {
    let left = unary();
    while (tokens[pos]?.word === 'AND') {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): RuleNode => {
    let left = and();
    while (tokens[pos]?.word === 'OR') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (pos !== tokens.length) throw new Error(`unexpected text in alarm rule ${rule}`);
  return tree;
}

/** The alarm names a rule reads. */
export function ruleAlarms(node: RuleNode): string[] {
  switch (node.kind) {
    case 'state':
      return [node.alarm];
    case 'const':
      return [];
    case 'not':
      return ruleAlarms(node.arg);
    default:
      return [...ruleAlarms(node.left), ...ruleAlarms(node.right)];
  }
}

/** Whether the rule holds for the children's current states (by alarm name). */
export function evaluateAlarmRule(node: RuleNode, stateOf: (alarmName: string) => AlarmState): boolean {
  switch (node.kind) {
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'const':
      return node.value;
    case 'not':
      return !evaluateAlarmRule(node.arg, stateOf);
    case 'and':
      return evaluateAlarmRule(node.left, stateOf) && evaluateAlarmRule(node.right, stateOf);
    case 'or':
      return evaluateAlarmRule(node.left, stateOf) || evaluateAlarmRule(node.right, stateOf);
  }
}

export type AlarmRule = RuleNode;
