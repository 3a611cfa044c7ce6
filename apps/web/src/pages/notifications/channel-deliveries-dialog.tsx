import { DeliveryLogDialog } from '../../components/delivery-log-dialog';
import type { NotificationChannelView } from '../../lib/api/views';
import { useChannelDeliveries } from './channels.queries';

/** The last 50 deliveries to one channel: event, outcome, tries, the platform's answer. */
export function ChannelDeliveriesDialog({
  channel,
  onClose,
}: {
  channel: NotificationChannelView;
  onClose: () => void;
}) {
  return (
    <DeliveryLogDialog
      title={`Deliveries to ${channel.name}`}
      deliveries={useChannelDeliveries(channel.id)}
      answerLabel="Answer"
      onClose={onClose}
    />
  );
}
