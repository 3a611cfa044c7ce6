import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/**
 * The typed map of in-process domain events (`domain.pastTense`). Domains add their events by augmenting this
 * interface in their `<domain>.events.ts`; listeners use @OnEvent with the same names.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  emit<K extends keyof DomainEventMap & string>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }
}
