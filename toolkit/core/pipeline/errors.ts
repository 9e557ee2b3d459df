/**
 * Raised by `compileTopology` for an invalid definition. `problems` lists every problem found, each naming the
 * element at fault and what was expected, so one run shows them all.
 */
export class DefinitionError extends Error {
  /** One line per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid pipeline definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DefinitionError';
    this.problems = problems;
  }
}
