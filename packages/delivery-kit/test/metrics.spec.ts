import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createDeliveryMetrics, createDeliveryReportsCounter, reportCircuitState } from '../src/metrics.ts';

const capture = () => {
  const lines: Array<{ level: number; msg: string; provider?: string; circuit?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
};

const gaugeValue = async (registry: Registry, provider: string) =>
  (await registry.getSingleMetric('eq_provider_circuit_state')!.get()).values.find(
    (v) => v.labels.provider === provider,
  )?.value;

describe('delivery metrics', () => {
  it('registers the shared series once per registry, labelled per channel and provider', async () => {
    const registry = new Registry();
    const metrics = createDeliveryMetrics(registry);
    createDeliveryReportsCounter(registry);
    metrics.sent.inc({ channel: 'sms', provider: 'twilio' });
    metrics.failed.inc({ channel: 'sms', provider: 'none', retriable: 'false' });
    const text = await registry.metrics();
    expect(text).toContain('eq_notifications_sent_total{channel="sms",provider="twilio"} 1');
    expect(text).toContain(
      'eq_notifications_failed_total{channel="sms",provider="none",retriable="false"} 1',
    );
    expect(text).toContain('# TYPE eq_notification_delivery_reports_total counter');
    // A second set on the same registry would double-register: prom-client refuses it.
    expect(() => createDeliveryMetrics(registry)).toThrow(/already been registered/);
  });

  it('follows a breaker in eq_provider_circuit_state and warns when it opens', async () => {
    const registry = new Registry();
    const { circuitState } = createDeliveryMetrics(registry);
    const { logger, lines } = capture();
    const onStateChange = reportCircuitState(circuitState, logger, {
      provider: 'vonage',
      label: 'SMS provider vonage',
      whenOpen: 'skipped for now',
    });
    expect(await gaugeValue(registry, 'vonage')).toBe(0);
    onStateChange('open');
    expect(await gaugeValue(registry, 'vonage')).toBe(2);
    onStateChange('half-open');
    expect(await gaugeValue(registry, 'vonage')).toBe(1);
    expect(lines.map((l) => [l.level, l.msg, l.circuit])).toEqual([
      [40, 'SMS provider vonage circuit opened: skipped for now', 'open'],
      [30, 'SMS provider vonage circuit half-open', 'half-open'],
    ]);
  });
});
