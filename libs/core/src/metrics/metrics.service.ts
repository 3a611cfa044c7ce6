import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry. Domains create their metrics through `counter`/`gauge`/`histogram` (idempotent by
 * name), so a metric is defined once however many modules ask for it.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'farmhand_' });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    return (
      (this.registry.getSingleMetric(name) as Counter<string>) ??
      new Counter({ name, help, labelNames, registers: [this.registry] })
    );
  }

  gauge(
    name: string,
    help: string,
    labelNames: string[] = [],
    collect?: (this: Gauge<string>) => void | Promise<void>,
  ): Gauge<string> {
    return (
      (this.registry.getSingleMetric(name) as Gauge<string>) ??
      new Gauge({ name, help, labelNames, registers: [this.registry], collect })
    );
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
    return (
      (this.registry.getSingleMetric(name) as Histogram<string>) ??
      new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
