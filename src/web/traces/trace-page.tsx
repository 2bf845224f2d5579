import { useLiveEvents } from '../events/live-events.tsx';
import { RegistryMatches } from '../registry/registry-matches.tsx';
import { OpenAlertsBand } from '../alerts/open-alerts.tsx';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AttachmentsPanel, type ChosenFile } from '../attachments/attachments-panel.tsx';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { stagesFor } from '../../traces/rules.ts';
import { FINAL_STATUSES, type Stage, type Trace, type TraceEvent, type TraceStatus } from '../../traces/schemas.ts';
import { request } from '../api/client.ts';
import type { en } from '../../i18n/en.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { useMe } from '../session/session.tsx';
import { TraceStatusBadge, UrgentBadge } from '../ui/badges.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading, Notice } from '../ui/notice.tsx';
import { weaponLabel } from '../weapons/weapon-label.ts';
import { CaseLink } from '../cases/case-link.tsx';
import { TraceResultPanel } from './trace-result.tsx';
import { TraceIndicators } from './trace-indicators.tsx';
import { seesIntelligence } from '../../shared/actor.ts';
import { eventMessage } from './event-message.ts';
import { canEdit, useTraceActions } from './trace-actions.tsx';

/**
 * With the live stream open, status changes and stages arrive by themselves: no polling. Without it, poll every second
 * while the worker has the trace, every 10 s while a person has it; a final trace never changes.
 */
function pollInterval(status: TraceStatus | undefined, live: boolean) {
  if (live || !status || FINAL_STATUSES.includes(status)) return false;
  return status === 'queued' || status === 'in_progress' ? 1_000 : 10_000;
}

const TRACE_PHOTO_KINDS = ['marking', 'serial', 'overall', 'document'] as const;

export function TracePage() {
  const { id = '' } = useParams();
  // Photographs chosen on the new-trace form: taken once from the navigation, so a reload does not send them again.
  const location = useLocation();
  const navigate = useNavigate();
  const [chosenPhotos] = useState(() => (location.state as { photos?: ChosenFile[] } | null)?.photos);
  useEffect(() => {
    if (chosenPhotos) void navigate(location.pathname, { replace: true, state: null });
  }, [chosenPhotos, navigate, location.pathname]);
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const actionsFor = useTraceActions();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const live = useLiveEvents();
  const trace = useQuery({
    queryKey: ['trace', id],
    queryFn: () => request<Trace>(`/traces/${id}`),
    refetchInterval: (query) => pollInterval(query.state.data?.status, live),
  });
  const events = usePagedList<TraceEvent>(
    ['trace-events', id],
    (cursor) => `/traces/${id}/events?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    pollInterval(trace.data?.status, live) || undefined,
  );
  // The history is refetched as soon as the trace moves, so the last stages and the final event are never missed.
  const change = trace.data && `${trace.data.status}|${trace.data.stage}|${trace.data.updatedAt}`;
  const refetchEvents = events.refetch;
  useEffect(() => {
    if (change) void refetchEvents();
  }, [change, refetchEvents]);

  if (trace.isPending) return <Loading />;
  if (trace.error) return <ErrorNotice error={trace.error} />;
  const item = trace.data;
  const request_ = [...events.items].reverse().find((event) => event.toStatus === 'needs_info' && event.message);

  return (
    <section>
      <div className="page-header">
        <h1>{t('traces.traceHeading', { reference: item.reference })}</h1>
        <div className="badges" data-testid="trace-status">
          <TraceStatusBadge status={item.status} />
          {item.urgent && <UrgentBadge />}
        </div>
      </div>
      <OpenAlertsBand alerts={item.openAlerts} weaponId={item.weaponId} />
      <div className="actions">
        {canEdit(item, me.role) && (
          <Link className="button" to={`/traces/${item.id}/edit`}>
            {t('traceActions.edit')}
          </Link>
        )}
        {actionsFor(item).map((action) => (
          <button
            key={action.key}
            type="button"
            className={action.key === 'cancel' ? 'danger' : undefined}
            onClick={() => setConfirm(action.request)}
          >
            {action.label}
          </button>
        ))}
      </div>
      <RegistryMatches matches={item.registryMatches} />
      {item.status === 'needs_info' && request_ && (
        <Notice tone="warning">
          <strong>{t('traces.infoRequested')}</strong> {eventMessage(t, request_)}
        </Notice>
      )}
      {item.urgent && item.urgentReason && (
        <p>
          <strong>{t('traceForm.urgentReason')}:</strong> {item.urgentReason}
        </p>
      )}
      {item.qualityFlags.length > 0 && (
        <p>
          <strong>{t('traces.qualityFlags')}:</strong>{' '}
          {item.qualityFlags.map((flag) => t(`qualityFlags.${flag}`)).join(', ')}
        </p>
      )}

      <div className="columns">
        <div>
          <h2>{t('traces.details')}</h2>
          <dl className="facts">
            <dt>{t('traces.weapon')}</dt>
            <dd>
              <Link to={`/weapons/${item.weaponId}`}>{weaponLabel(t, item.weapon)}</Link>
            </dd>
            <dt>{t('weapons.type')}</dt>
            <dd>{t(`weaponTypes.${item.weapon.type}`)}</dd>
            <dt>{t('weapons.countryOfManufacture')}</dt>
            <dd>{item.weapon.countryOfManufacture}</dd>
            <dt>{t('weapons.importer')}</dt>
            <dd>{item.weapon.importer ?? '—'}</dd>
            <dt>{t('traces.case')}</dt>
            <dd>
              <CaseLink caseId={item.caseId} />
            </dd>
            <dt>{t('traces.recoveryDate')}</dt>
            <dd>{format.date(item.recovery.date)}</dd>
            <dt>{t('traceForm.circumstance')}</dt>
            <dd>{t(`circumstances.${item.recovery.circumstance}`)}</dd>
            <dt>{t('traces.place')}</dt>
            <dd>
              {[item.recovery.address, item.recovery.municipality, item.recovery.department, item.recovery.country]
                .filter(Boolean)
                .join(', ') || '—'}
            </dd>
            {item.possessor && (
              <>
                <dt>{t('traceForm.possessor')}</dt>
                <dd>
                  {item.possessor.firstName} {item.possessor.lastName}
                  {item.possessor.idNumber ? ` · ${item.possessor.idNumber}` : ''}
                </dd>
              </>
            )}
            <dt>{t('traces.submittedAt')}</dt>
            <dd>{format.dateTime(item.submittedAt)}</dd>
            <dt>{t('traces.attempts')}</dt>
            <dd>{format.number(item.attempts)}</dd>
            {item.notes && (
              <>
                <dt>{t('traceForm.notes')}</dt>
                <dd>{item.notes}</dd>
              </>
            )}
          </dl>
          {/* Next to the typed serial: the marking photographs a second person reads it again from. */}
          <AttachmentsPanel record="trace" id={item.id} kinds={TRACE_PHOTO_KINDS} initialFiles={chosenPhotos} />
        </div>
        <div>
          <h2>{t('traces.stages')}</h2>
          <StageProgress trace={item} events={events.items} />
          <h2>{t('traces.result')}</h2>
          {item.result ? (
            <TraceResultPanel result={item.result} />
          ) : (
            <p data-testid="no-result">{t('traces.noResultYet')}</p>
          )}
          {item.status === 'completed' && seesIntelligence(me) && <TraceIndicators traceId={item.id} />}
        </div>
      </div>

      <h2>{t('traces.timeline')}</h2>
      <ErrorNotice error={events.error} />
      <ol className="timeline" data-testid="timeline">
        {events.items.map((event, index) => (
          <li key={`${event.at}-${index}`}>
            <time dateTime={event.at}>{format.dateTime(event.at)}</time>{' '}
            <strong>{t(`eventTypes.${event.type as EventType}`, { defaultValue: t('eventTypes.other') })}</strong>
            {event.stage && <> · {t(`stages.${event.stage}`)}</>}
            {event.fromStatus !== event.toStatus && (
              <>
                {' '}
                · {event.fromStatus ? `${t(`traceStatus.${event.fromStatus}`)} → ` : ''}
                {t(`traceStatus.${event.toStatus}`)}
              </>
            )}
            {' · '}
            {'system' in event.actor
              ? t('traces.systemActor')
              : `${event.actor.name} (${t(`roles.${event.actor.role}`)})`}
            {event.message && <p className="event-message">{eventMessage(t, event)}</p>}
          </li>
        ))}
      </ol>
      <LoadMore list={events} />
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}

type EventType = keyof typeof en.eventTypes;

/** Each stage of the current run: done, running, waiting, or not reached (the run ended before it). */
function StageProgress({ trace, events }: { trace: Trace; events: TraceEvent[] }) {
  const { t } = useTranslation();
  const stages = stagesFor(trace.weapon);
  const runStart = events.findLastIndex((event) => ['submitted', 'approved', 'retried'].includes(event.type));
  const done = new Set(
    events
      .slice(runStart + 1)
      .filter((event) => event.type === 'stage_completed')
      .map((event) => event.stage as Stage),
  );
  const ended = FINAL_STATUSES.includes(trace.status) || trace.status === 'needs_info' || trace.status === 'failed';
  // The history and the trace are fetched apart: a run that ended is shown as still going until the history holds its
  // end (a stage it finished would otherwise flash "not reached" between the two answers).
  const lagging = ended && events.at(-1)?.toStatus !== trace.status;
  // The tracing center works the stages in order: the first one not done is the one running.
  const running = trace.status === 'in_progress' || lagging ? stages.find((stage) => !done.has(stage)) : undefined;
  const state = (stage: Stage) => {
    if (done.has(stage)) return 'done';
    if (stage === running) return 'running';
    return ended && !lagging ? 'not-reached' : 'waiting';
  };
  return (
    <ol className="stages" data-testid="stages">
      {stages.map((stage) => (
        <li key={stage} className={`stage stage-${state(stage)}`}>
          {t(`stages.${stage}`)}: <span>{t(`stageStates.${state(stage)}`)}</span>
        </li>
      ))}
    </ol>
  );
}
