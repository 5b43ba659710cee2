/** Runs several commands on one aggregate in order, each seeing the state left by the previous ones. */
export const decideAll = <C, E, S>(
  decider: { evolve: (s: S, e: E) => S; decide: (c: C, s: S) => E[] },
  state: S,
  commands: readonly C[],
): { events: E[]; state: S } => {
  const events: E[] = [];
  let current = state;
  for (const command of commands) {
    const decided = decider.decide(command, current);
    events.push(...decided);
    current = decided.reduce(decider.evolve, current);
  }
  return { events, state: current };
};
