/** The provider name in status events, metrics and the breaker. */
export const PROVIDER = 'whatsapp-cloud';
