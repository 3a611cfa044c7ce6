import { DeliveryLogDialog } from '../../components/delivery-log-dialog';
import type { WebhookView } from '../../lib/api/views';
import { useDeliveries } from './webhooks.queries';

/** The last 50 deliveries to one webhook: event, outcome, tries, the receiver's answer. */
export function DeliveriesDialog({ webhook, onClose }: { webhook: WebhookView; onClose: () => void }) {
  return (
    <DeliveryLogDialog
      title={`Deliveries to ${webhook.url}`}
      deliveries={useDeliveries(webhook.id)}
      answerLabel="Response"
      onClose={onClose}
    />
  );
}
