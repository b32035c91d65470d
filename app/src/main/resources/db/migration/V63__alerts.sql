-- Alert state (ops/alerts). The evaluator (one runner per cluster, by advisory lock) writes here, so
-- every server instance answers GET .../alerts the same, and a restart neither forgets a firing
-- alert nor notifies it again: notified_at and resolve_notified_at remember what was sent (the
-- 5-minute cooldown, classbase.alerts.cooldown, reads notified_at). Resolved rows are history, deleted in batches
-- after classbase.alerts.retention (30 days). No tenant_id: alerts are about the database, not a school.
create table alerts (
    id                  bigint generated always as identity primary key,
    rule                text             not null,
    severity            text             not null check (severity in ('warning', 'critical')),
    state               text             not null check (state in ('firing', 'resolved')),
    value               double precision not null,
    threshold           double precision not null,
    unit                text             not null,
    summary             text             not null,
    source              text             not null,
    since               timestamptz      not null,
    evaluated_at        timestamptz      not null,
    resolved_at         timestamptz,
    notified_at         timestamptz,
    notified_severity   text,
    resolve_notified_at timestamptz,
    delivery            text,
    check ((state = 'resolved') = (resolved_at is not null))
);
-- at most one firing alert per rule: a second evaluator that slipped past the lock fails, not doubles
create unique index alerts_one_firing_per_rule on alerts (rule) where state = 'firing';
-- GET's recent history and the retention's batches
create index alerts_resolved_at on alerts (resolved_at) where state = 'resolved';

-- Each instance's HTTP requests and 5xx answers over the error-rate window, replaced at every
-- evaluation: the error rate is the sum over the instances that published lately, so it is the
-- cluster's, whichever instance holds the runner lock. Rows of instances gone for a day are deleted.
create table alert_instance_requests (
    instance       text        primary key,
    requests       bigint      not null,
    errors         bigint      not null,
    window_seconds bigint      not null,
    updated_at     timestamptz not null
);

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    -- V4's default privileges grant this already when the same role migrates; say it anyway
    grant select, insert, update, delete on alerts, alert_instance_requests to classbase_app;
    execute format('grant usage, select on sequence %s to classbase_app', pg_get_serial_sequence('alerts', 'id'));
end
$$;
