import type { Knex } from 'knex';
import * as initial from './20261129_001_initial.ts';
import * as pipeline from './20261129_002_pipeline.ts';
import * as reviewQueue from './20261129_003_review_queue.ts';
import * as stockpile from './20261129_004_stockpile.ts';
import * as countsIndex from './20261129_005_counts_index.ts';
import * as reportColumns from './20261129_006_report_columns.ts';
import * as hardening from './20261130_007_hardening.ts';
import * as scale from './20261130_008_scale.ts';
import * as versions from './20261130_009_versions.ts';
import * as registryAlerts from './20261201_010_registry_alerts.ts';
import * as eventsWebhooks from './20261201_011_events_webhooks.ts';
import * as intelligence from './20261201_012_intelligence.ts';
import * as eventMessageCodes from './20261201_013_event_message_codes.ts';
import * as commitOrderAndRepair from './20261205_014_commit_order_and_repair.ts';
import * as databaseCode from './20261205_015_database_code.ts';
import * as indicatorRules from './20261205_016_indicator_rules.ts';
import * as publishEventsByIds from './20261206_017_publish_events_by_ids.ts';
import * as alertMessageCodes from './20261206_018_alert_message_codes.ts';
import * as auditLogByMonth from './20261206_019_audit_log_by_month.ts';
import * as traceEventsByMonth from './20261206_020_trace_events_by_month.ts';
import * as eventSnapshots from './20261206_021_event_snapshots.ts';
import * as filteredListIndexes from './20261206_022_filtered_list_indexes.ts';
import * as alertsByWeapon from './20261206_023_alerts_by_weapon.ts';
import * as stageEvents from './20261206_024_stage_events.ts';
import * as attachments from './20261207_025_attachments.ts';
import * as stocktakes from './20261207_026_stocktakes.ts';
import * as countryReport from './20261207_027_country_report.ts';

export const migrations: Record<string, Knex.Migration> = {
  '20261129_001_initial': initial,
  '20261129_002_pipeline': pipeline,
  '20261129_003_review_queue': reviewQueue,
  '20261129_004_stockpile': stockpile,
  '20261129_005_counts_index': countsIndex,
  '20261129_006_report_columns': reportColumns,
  '20261130_007_hardening': hardening,
  '20261130_008_scale': scale,
  '20261130_009_versions': versions,
  '20261201_010_registry_alerts': registryAlerts,
  '20261201_011_events_webhooks': eventsWebhooks,
  '20261201_012_intelligence': intelligence,
  '20261201_013_event_message_codes': eventMessageCodes,
  '20261205_014_commit_order_and_repair': commitOrderAndRepair,
  '20261205_015_database_code': databaseCode,
  '20261205_016_indicator_rules': indicatorRules,
  '20261206_017_publish_events_by_ids': publishEventsByIds,
  '20261206_018_alert_message_codes': alertMessageCodes,
  '20261206_019_audit_log_by_month': auditLogByMonth,
  '20261206_020_trace_events_by_month': traceEventsByMonth,
  '20261206_021_event_snapshots': eventSnapshots,
  '20261206_022_filtered_list_indexes': filteredListIndexes,
  '20261206_023_alerts_by_weapon': alertsByWeapon,
  '20261206_024_stage_events': stageEvents,
  '20261207_025_attachments': attachments,
  '20261207_026_stocktakes': stocktakes,
  '20261207_027_country_report': countryReport,
};
