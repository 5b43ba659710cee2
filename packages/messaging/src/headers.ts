/** Headers we put on every published message, so tools and traces can follow a message without parsing it. */
export const EqHeaders = {
  Type: 'Eq-Type',
  Version: 'Eq-Version',
  CorrelationId: 'Eq-Correlation-Id',
  CausationId: 'Eq-Causation-Id',
  /** `<stream>:<sequence>` of the dead letter a message was redriven from. */
  RedriveOf: 'Eq-Redrive-Of',
} as const;
