// The public face of jobs/: what other domains may use. Anything else in this folder is its own business.

export { enqueueDeliveries, enqueueDelivery, enqueueDeliveryAt, enqueueFallback, enqueueSignoffExpiry, enqueueTick, enqueueWithdrawal } from './boss.ts';
export type { DeliverData, FallbackData, WithdrawData } from './boss.ts';
