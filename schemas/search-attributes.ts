import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes (registered at dev-server start; `docs/scale-out.md` for a real cluster). */
export const QuarryStatus = defineSearchAttributeKey('QuarryStatus', SearchAttributeType.KEYWORD);
export const QuarryModality = defineSearchAttributeKey('QuarryModality', SearchAttributeType.KEYWORD);
export const QuarryProject = defineSearchAttributeKey('QuarryProject', SearchAttributeType.KEYWORD);
export const QuarryTenant = defineSearchAttributeKey('QuarryTenant', SearchAttributeType.KEYWORD);
export const quarrySearchAttributes = [QuarryStatus, QuarryModality, QuarryProject, QuarryTenant];
