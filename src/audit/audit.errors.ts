/** Why /audit/verify reports the chain broken: the stable `reason` of a failed chain report. */
export const ChainBreaks = {
  /** an entry no longer matches its hash: changed after it was written */
  HASH_MISMATCH: 'HASH_MISMATCH',
  /** an entry without the audit key's MAC: written or rewritten by someone without the key */
  BAD_MAC: 'BAD_MAC',
  /** an entry that is not part of the chain, slipped in between two that are */
  INSERTED: 'INSERTED',
  /** an entry links to one that is not there: deleted or rewritten */
  PREDECESSOR_MISSING: 'PREDECESSOR_MISSING',
  /** the chain ends before the anchor the caller holds */
  TRUNCATED: 'TRUNCATED',
  /** the entry at the anchor's sequence number does not have the anchor's hash */
  ANCHOR_MISMATCH: 'ANCHOR_MISMATCH',
} as const;
