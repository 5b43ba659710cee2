/** Postgres unique_violation on a given constraint (or any, when none is named). */
export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    constraint?: string;
  };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
};
