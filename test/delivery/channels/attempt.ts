import { lastValueFrom, toArray } from 'rxjs';
import type { Channel, DeliveryBatch, DeliveryFailure } from '../../../src/delivery/channel.js';

/** One delivery attempt of `batch`, as the delivery path makes it: `delivered`, or the channel's classification of the failure. */
export async function attempt(channel: Channel, batch: DeliveryBatch): Promise<DeliveryFailure | 'delivered'> {
  try {
    await lastValueFrom(channel.send(batch).pipe(toArray()));
    return 'delivered';
  } catch (error) {
    return channel.classify(error);
  }
}
