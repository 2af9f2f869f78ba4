/**
 * The stack's own definitions contradict each other (e.g. a composite alarm names an alarm that
 * does not exist): a mistake in deploy/ or shared/monitoring/, not in the parameters, which
 * StackParameterError reports.
 */
export class StackDefinitionError extends Error {
  override readonly name = 'StackDefinitionError';
}
