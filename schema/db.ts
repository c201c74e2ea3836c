import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types for Kysely. Column names are snake_case as in SQL. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint comes back from pg as a string; we keep it a string and convert at the edges. */
type BigInt = ColumnType<string, number | string | bigint, number | string | bigint>;
type NullableBigInt = ColumnType<string | null, number | string | bigint | null | undefined, number | string | bigint | null>;

export const ROLES = ['handler', 'unit_head', 'overseer', 'auditor', 'complainant', 'admin', 'station'] as const;
export type Role = (typeof ROLES)[number];

export interface UnitsTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: Generated<'agency' | 'supervisor'>;
  parent_id: string | null;
  created_at: Generated<Date>;
  /** Days a closed (结案/移送) case's evidence is kept after closing; null: permanently. */
  case_retention_days: Generated<number | null>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  password_hash: string | null;
  role: Role;
  unit_id: string | null;
  officer_no: string | null;
  display_name: string | null;
  created_at: Generated<Date>;
  disabled_at: NullableTimestamp;
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
}

export interface UserOverseesTable {
  user_id: string;
  unit_id: string;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  role: Role;
  user_id: string | null;
  station_id: string | null;
  created_at: Generated<Date>;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  scopes: Generated<string[]>;
}

export interface RecordersTable {
  id: Generated<string>;
  serial: string;
  vid_pid: string | null;
  officer_no: string | null;
  created_at: Generated<Date>;
  last_docked_at: NullableTimestamp;
}

export interface StationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  unit_id: string | null;
  created_at: Generated<Date>;
  last_seen_at: NullableTimestamp;
}

export interface BaysTable {
  id: Generated<string>;
  station_id: string;
  number: number;
}

export interface OffloadSessionsTable {
  id: Generated<string>;
  station_id: string;
  bay_id: string;
  recorder_id: string;
  officer_no: string | null;
  recorder_clock: NullableTimestamp;
  station_clock: NullableTimestamp;
  clock_skew_ms: NullableBigInt;
  opened_at: Generated<Date>;
  closed_at: NullableTimestamp;
  opened_by: string | null;
}

/** What the dock told us about a file, kept verbatim with the upload and copied onto the evidence. */
export interface FileMetadata {
  officerNo: string | null;
  deviceSerial: string | null;
  recordedAt: string | null;
  stationTime: string | null;
  important: boolean;
}

export type UploadState = 'receiving' | 'verified' | 'rejected';

export interface UploadsTable {
  id: Generated<string>;
  session_id: string;
  recorder_id: string;
  original_path: string;
  original_path_bytes: Buffer;
  size: BigInt;
  metadata: ColumnType<FileMetadata, string, string>;
  state: Generated<UploadState>;
  rejection: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  evidence_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  declared_sha256: string | null;
  declared_sm3: string | null;
  /** The original is in the object store under originals/<upload id>; the staged copy is gone. */
  stored_at: Date | null;
  taken_over_at: Date | null;
  /** The request working on the upload (any replica) and until when its hold lasts unless renewed. */
  held_by: string | null;
  held_until: Date | null;
  /** The server's hashes of the complete staged file, taken as its last byte arrived. */
  staged_sha256: string | null;
  staged_sm3: string | null;
}

export interface EvidenceTable {
  id: Generated<string>;
  recorder_id: string;
  session_id: string;
  upload_id: string;
  size: BigInt;
  sha256: string;
  sm3: string;
  original_path: string;
  original_path_bytes: Buffer;
  original_name: string;
  officer_no: string | null;
  device_serial: string;
  unit_id: string | null;
  recorded_at: NullableTimestamp;
  station_time: NullableTimestamp;
  received_at: Generated<Date>;
  clock_skew_ms: NullableBigInt;
  important: boolean;
  storage_key: string;
  state: Generated<string>;
  playback_state: Generated<PlaybackState>;
  playback_reason: string | null;
  playback_progress: Generated<number>;
  /** Retention category (retention_categories.code); disposal_id/disposed_at once it is a tombstone. */
  category: Generated<string>;
  disposal_id: Generated<string | null>;
  disposed_at: NullableTimestamp;
  /** Length of the recording, from the transcoder's probe; null until probed. */
  duration_ms: NullableBigInt;
  /** Frames per second of the playable derivative. */
  media_frame_rate: Generated<number | null>;
  /** How many cases it is linked to (kept by a trigger on case_evidence). */
  case_links: ColumnType<number, never, never>;
  /** RFC 6381 codecs of the stream-copied passthrough; null: none (yet). */
  playback_codecs: Generated<string | null>;
}

export const PLAYBACK_STATES = ['queued', 'processing', 'ready', 'unplayable', 'failed'] as const;
export type PlaybackState = (typeof PLAYBACK_STATES)[number];

export interface DerivativesTable {
  id: Generated<string>;
  evidence_id: string;
  kind: string;
  name: string;
  storage_key: string;
  size: BigInt;
  sha256: string;
  mime_type: string;
  source_sha256: string;
  created_at: Generated<Date>;
}

export interface ChainRow {
  seq: BigInt;
  prev_hash: string;
  hash: string;
}

export interface CustodyEventsTable extends ChainRow {
  evidence_id: string;
  action: string;
  actor: string;
  at: Timestamp;
  details: ColumnType<Record<string, unknown>, string, never>;
}

/** Per handler, the recordings linked to cases they handle (kept by triggers; migration 0029). */
export interface HandlerEvidenceTable {
  user_id: string;
  evidence_id: string;
  received_at: Timestamp;
  links: number;
}

export interface ChainHeadsTable {
  chain: string;
  seq: BigInt;
  hash: string;
}

export interface OutboxTable {
  id: Generated<string>;
  kind: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  dispatched_at: NullableTimestamp;
}

/** One event for the enforcement platform (core/events.ts); `seq` is commit order. */
export interface PlatformEventsTable {
  seq: ColumnType<string, never, never>;
  id: Generated<string>;
  type: string;
  occurred_at: Generated<Date>;
  case_id: string | null;
  evidence_id: string | null;
  unit_id: string | null;
  data: ColumnType<Record<string, unknown>, string, string>;
}

/** A receiver of platform events (api/webhook-delivery.ts), acting with its creator's sight. */
export interface WebhooksTable {
  id: Generated<string>;
  url: string;
  events: string[];
  secret: string;
  created_by_token: string | null;
  created_by_user: string | null;
  created_by_name: string;
  created_at: Generated<Date>;
  last_seq: BigInt;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event_seq: BigInt;
  order_key: string;
  state: Generated<DeliveryState>;
  attempts: Generated<number>;
  created_at: Timestamp;
  next_attempt_at: Timestamp;
  first_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_status: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
}

export interface UserSessionsTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  revoked_at: NullableTimestamp;
  client: string | null;
}

export const CASE_STATES = ['立案', '办理中', '结案', '移送'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** The stages of administrative enforcement, in their order; 移送 (transfer) leaves the order (docs/case-stages.md). */
export const CASE_STAGES = ['立案', '调查取证', '审查', '告知', '决定', '送达', '执行', '结案', '移送'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/** The coarse `state` of each stage, kept for clients of the older API (the `state` column is generated from it). */
export const STATE_OF_STAGE: Readonly<Record<CaseStage, CaseState>> = {
  立案: '立案', 调查取证: '办理中', 审查: '办理中', 告知: '办理中', 决定: '办理中', 送达: '办理中', 执行: '办理中', 结案: '结案', 移送: '移送',
};

export interface CasesTable {
  id: Generated<string>;
  number: string;
  title: string;
  description: string | null;
  unit_id: string;
  /** Generated from `stage` (STATE_OF_STAGE). */
  state: ColumnType<CaseState, never, never>;
  stage: Generated<CaseStage>;
  /** Every stage the case has been in: the stages whose footage the recording rule asks for. */
  stages_reached: Generated<CaseStage[]>;
  /** The stages with footage linked at them (kept by a trigger on case_evidence). */
  footage_stages: ColumnType<CaseStage[], never, never>;
  /** Who a case in 移送 went to (the police, another authority). */
  transfer_to: string | null;
  reporter_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CaseHandlersTable {
  case_id: string;
  user_id: string;
}

export interface CaseEvidenceTable {
  case_id: string;
  evidence_id: string;
  linked_by: string | null;
  linked_at: Generated<Date>;
  /** The case's stage when the footage was linked. */
  stage: CaseStage;
}

/** The stages a unit's cases must have footage of; no row: DEFAULT_RECORDING_RULE. */
export interface UnitRecordingRulesTable {
  unit_id: string;
  required_stages: CaseStage[];
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface BookmarksTable {
  id: Generated<string>;
  evidence_id: string;
  offset_ms: BigInt;
  label: string;
  author_id: string | null;
  author_name: string;
  created_at: Generated<Date>;
  updated_at: NullableTimestamp;
  /** Deleted by its author: out of every list; the audit trail keeps what it said. */
  deleted_at: NullableTimestamp;
}

export interface ViewSessionsTable {
  viewer: string;
  object: string;
  started_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface AuditEventsTable extends ChainRow {
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  role: string | null;
  unit_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  object_unit_id: string | null;
  client: string | null;
  outcome: string;
  details: ColumnType<Record<string, unknown>, string, never>;
}

export interface TimestampBatchesTable {
  id: Generated<string>;
  /** Hex of the RFC 9162 Merkle tree root over the batch's file digests. */
  root: string;
  tree_size: number;
  state: Generated<'pending' | 'stamped'>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
  stamped_at: NullableTimestamp;
  /** The DER TimeStampResp (.tsr) for the root. */
  token: Buffer | null;
  gen_time: NullableTimestamp;
  authority: string | null;
  policy: string | null;
  serial: string | null;
  chain_pem: string | null;
}

export interface TimestampLeavesTable {
  evidence_id: string;
  queued_at: Generated<Date>;
  batch_id: string | null;
  leaf_index: number | null;
  /** Hex sibling hashes, leaf to root (RFC 9162 PATH). */
  audit_path: string[] | null;
}

export type ExportStatus = 'building' | 'ready' | 'failed';

export interface CaseExportsTable {
  id: string;
  case_id: string;
  requested_by: string;
  exporter_name: string;
  exporter_role: string;
  reason: string;
  receiver: string | null;
  status: Generated<ExportStatus>;
  bytes_done: ColumnType<string, number | string | undefined, number | string>;
  bytes_total: ColumnType<string, number | string | undefined, number | string>;
  storage_key: string | null;
  size: NullableBigInt;
  sha256: string | null;
  manifest_sha256: string | null;
  key_fingerprint: string;
  error: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export type FixityState = 'ok' | 'altered' | 'missing';

export interface FixityObjectsTable {
  storage_key: string;
  evidence_id: string;
  kind: 'original' | 'derivative';
  sha256: string;
  state: FixityState;
  checked_at: Timestamp;
  detail: string | null;
}

export interface FixityRunsTable {
  id: Generated<string>;
  trigger: 'scheduled' | 'manual';
  requested_by: string;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  objects_checked: ColumnType<string, number | string | undefined, number | string>;
  bytes_checked: ColumnType<string, number | string | undefined, number | string>;
  failures: Generated<number>;
  error: string | null;
}

/** The checkpoint writer's last verdict on each chain (a refusal to sign stays visible here). */
export interface TrailStatusTable {
  chain: string;
  checked_at: Timestamp;
  ok: boolean;
  broken_at: NullableBigInt;
  reason: string | null;
  checkpoint_key: string | null;
}

export interface RetentionCategoriesTable {
  code: string;
  name: string;
  /** null: permanent. */
  days: number | null;
  description: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RetentionHoldsTable {
  id: Generated<string>;
  evidence_id: string | null;
  case_id: string | null;
  unit_id: string | null;
  reason: string;
  created_by: string;
  created_by_name: string;
  created_at: Generated<Date>;
  released_at: NullableTimestamp;
  released_by_name: string | null;
  release_reason: string | null;
}

export interface RetentionCategoryChangesTable {
  id: Generated<string>;
  category_code: string;
  previous_days: number | null;
  days: number | null;
  reason: string;
  status: Generated<'pending' | 'applied' | 'cancelled'>;
  requested_by: string;
  requested_by_name: string;
  requested_at: Generated<Date>;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_at: NullableTimestamp;
}

export type DisposalStatus = 'pending' | 'approved' | 'running' | 'done' | 'cancelled';

export interface RetentionDisposalsTable {
  id: Generated<string>;
  as_of: Timestamp;
  reason: string;
  status: Generated<DisposalStatus>;
  requested_by: string;
  requested_by_name: string;
  requested_at: Timestamp;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_at: NullableTimestamp;
  runs_after: NullableTimestamp;
  cancelled_by_name: string | null;
  cancelled_at: NullableTimestamp;
  cancel_reason: string | null;
  finished_at: NullableTimestamp;
}

export type DisposalItemStatus = 'pending' | 'disposed' | 'skipped' | 'failed';

export interface RetentionDisposalItemsTable {
  disposal_id: string;
  evidence_id: string;
  category: string;
  recorded_at: Timestamp;
  size: BigInt;
  status: Generated<DisposalItemStatus>;
  detail: string | null;
  objects: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

/** A master key of the encryption at rest, by fingerprint, with a check value sealed under it. */
export interface MasterKeysTable {
  id: string;
  check_value: Buffer;
  created_at: Generated<Date>;
}

/** An object's data key wrapped by one master key (two wrappings while a rotation runs). */
export interface DataKeysTable {
  key_id: string;
  master_key_id: string;
  wrapped_key: Buffer;
  created_at: Generated<Date>;
}

/** An item of a review rubric: scored pass/fail on each sampled recording. */
export interface RubricItem {
  key: string;
  label: string;
  description?: string;
}

/** A sample review's rubric; an edit raises `version`, reviews keep the items they were drawn with. */
export interface ReviewRubricsTable {
  id: Generated<string>;
  name: string;
  version: Generated<number>;
  items: ColumnType<RubricItem[], string, string>;
  is_default: Generated<boolean>;
  created_by_name: string;
  created_at: Generated<Date>;
  updated_by_name: string;
  updated_at: Generated<Date>;
}

/** A sample review (抽查): a reproducible draw (seed) from a unit's recordings of a period. */
export interface ReviewsTable {
  id: Generated<string>;
  unit_id: string;
  period_from: Timestamp;
  period_to: Timestamp;
  size: number;
  seed: string;
  population: number;
  population_digest: string;
  rubric_id: string;
  rubric_version: number;
  rubric_name: string;
  rubric_items: ColumnType<RubricItem[], string, string>;
  created_by: string | null;
  created_by_name: string;
  created_at: Generated<Date>;
}

export interface ReviewSamplesTable {
  review_id: string;
  evidence_id: string;
  position: number;
  officer_no: string | null;
}

export interface ReviewScoresTable {
  review_id: string;
  evidence_id: string;
  item_key: string;
  pass: boolean;
  note: Generated<string>;
  bookmark_id: string | null;
  scored_by: string | null;
  scored_by_name: string;
  scored_at: Timestamp;
}

/** The stored status of a supervision reminder; 逾期 is computed (api/reminder-rules.ts). */
export type ReminderStatus = '待回复' | '已回复' | '已办结' | '已退回';

export interface SupervisionRemindersTable {
  id: Generated<string>;
  unit_id: string;
  case_id: string | null;
  evidence_id: string | null;
  text: string;
  due_at: Timestamp;
  status: Generated<ReminderStatus>;
  issued_by: string | null;
  issued_by_name: string;
  issued_by_role: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: NullableTimestamp;
}

export interface ReminderStepsTable {
  seq: ColumnType<string, never, never>;
  reminder_id: string;
  kind: 'issued' | 'responded' | 'returned' | 'closed';
  text: string;
  links: Generated<string[]>;
  due_at: NullableTimestamp;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  at: Timestamp;
}

export interface Database {
  units: UnitsTable;
  users: UsersTable;
  user_oversees: UserOverseesTable;
  api_tokens: ApiTokensTable;
  recorders: RecordersTable;
  stations: StationsTable;
  bays: BaysTable;
  offload_sessions: OffloadSessionsTable;
  uploads: UploadsTable;
  evidence: EvidenceTable;
  custody_events: CustodyEventsTable;
  chain_heads: ChainHeadsTable;
  handler_evidence: HandlerEvidenceTable;
  outbox: OutboxTable;
  platform_events: PlatformEventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  derivatives: DerivativesTable;
  user_sessions: UserSessionsTable;
  cases: CasesTable;
  case_handlers: CaseHandlersTable;
  case_evidence: CaseEvidenceTable;
  unit_recording_rules: UnitRecordingRulesTable;
  bookmarks: BookmarksTable;
  view_sessions: ViewSessionsTable;
  audit_events: AuditEventsTable;
  case_exports: CaseExportsTable;
  timestamp_batches: TimestampBatchesTable;
  timestamp_leaves: TimestampLeavesTable;
  fixity_objects: FixityObjectsTable;
  fixity_runs: FixityRunsTable;
  trail_status: TrailStatusTable;
  retention_categories: RetentionCategoriesTable;
  retention_holds: RetentionHoldsTable;
  retention_category_changes: RetentionCategoryChangesTable;
  retention_disposals: RetentionDisposalsTable;
  retention_disposal_items: RetentionDisposalItemsTable;
  master_keys: MasterKeysTable;
  data_keys: DataKeysTable;
  review_rubrics: ReviewRubricsTable;
  reviews: ReviewsTable;
  review_samples: ReviewSamplesTable;
  review_scores: ReviewScoresTable;
  supervision_reminders: SupervisionRemindersTable;
  reminder_steps: ReminderStepsTable;
  stills: StillsTable;
  supervision_settings: SupervisionSettingsTable;
  supervision_daily: SupervisionDailyTable;
  supervision_unit_daily: SupervisionUnitDailyTable;
  renditions: RenditionsTable;
  rendition_segments: RenditionSegmentsTable;
}

/** The H.264 rendition made for viewers, one per recording (0031). */
export interface RenditionsTable {
  evidence_id: string;
  state: Generated<'queued' | 'running' | 'ready' | 'failed'>;
  /** The running (or last) attempt; its lease runs to held_until. */
  attempt: string | null;
  held_until: Date | null;
  target_seconds: number;
  requested_at: Generated<Date>;
  finished_at: Date | null;
  reason: string | null;
}

/** A stored file of a rendition attempt: init.mp4 (duration null) and seg-NNNN.m4s. */
export interface RenditionSegmentsTable {
  evidence_id: string;
  attempt: string;
  seq: number;
  name: string;
  duration_ms: number | null;
  storage_key: string;
  size: BigInt;
  sha256: string;
}

/** A still-frame capture request; the still itself is a derivative (kind 'still'). */
export interface StillsTable {
  id: Generated<string>;
  evidence_id: string;
  at_ms: BigInt;
  requested_by: string | null;
  requested_by_name: string;
  requested_at: Generated<Date>;
  state: Generated<'queued' | 'ready' | 'failed'>;
  reason: string | null;
  derivative_id: string | null;
}

/** The threshold `supervision_daily.late` is counted against (EVIDENCE_ONTIME_HOURS). */
export interface SupervisionSettingsTable {
  id: Generated<boolean>;
  on_time_hours: number;
}

/** Per unit, recorder day (UTC) and officer ('' unknown): kept by triggers on evidence (0018_supervision). */
export interface SupervisionDailyTable {
  unit_id: string;
  day: ColumnType<string, never, never>;
  officer_no: string;
  recordings: BigInt;
  duration_ms: BigInt;
  bytes: BigInt;
  late: BigInt;
  unlinked: BigInt;
}

export type EvidenceRow = Selectable<EvidenceTable>;
export type UploadRow = Selectable<UploadsTable>;
export type DerivativeRow = Selectable<DerivativesTable>;

/** supervision_daily summed over officers, per unit and recorder day (UTC): kept by triggers on it (0030_supervision_unit_daily). */
export interface SupervisionUnitDailyTable {
  unit_id: string;
  day: ColumnType<string, never, never>;
  recordings: BigInt;
  duration_ms: BigInt;
  bytes: BigInt;
  late: BigInt;
  unlinked: BigInt;
}
