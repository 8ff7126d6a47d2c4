import { defineSignal } from '@temporalio/workflow';

/** An asset tells its job it got a concurrency slot and started: the job leaves `Created`. */
export const assetStartedSignal = defineSignal<[{ assetIndex: number }]>('assetStarted');
