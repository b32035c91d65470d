package dev.classbase.data.consistency;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/**
 * When the primary's WAL reached each position, as seen by the replica monitor's polls: a replica
 * that has replayed up to {@code R} is behind by the time since the primary first had WAL past
 * {@code R}, and not behind at all when it has replayed everything the primary had.
 *
 * <p>The usual formula, {@code now() - pg_last_xact_replay_timestamp()}, reads an idle primary as
 * lag: after a quiet minute the first new commit makes a caught-up replica look a minute behind
 * until it replays, and a lag gate then drops it from rotation for nothing. This measure is exact to
 * one poll interval (250 ms by default) and needs nothing from the replica but its replay position.
 */
public final class WalTimeline {
    private record Sample(long nanos, long lsn) {}

    private final Deque<Sample> samples = new ArrayDeque<>();
    private final long keepNanos;

    /** Keeps what it needs to tell lags up to {@code horizon}; older lag reads as at least that. */
    public WalTimeline(Duration horizon) {
        this.keepNanos = horizon.toNanos();
    }

    public synchronized void primaryAt(Lsn lsn, long nanos) {
        Sample last = samples.peekLast();
        if (last == null || lsn.value() > last.lsn()) {
            samples.addLast(new Sample(nanos, lsn.value()));
        }
        // keep the newest sample older than the horizon: it dates every position before the window
        while (samples.size() > 1) {
            Sample first = samples.pollFirst();
            Sample second = samples.peekFirst();
            if (nanos - second.nanos() < keepNanos) {
                samples.addFirst(first);
                break;
            }
        }
    }

    /** Seconds since the primary first had WAL past {@code replay}; 0 if it had none; empty before any sample. */
    public synchronized OptionalDouble secondsBehind(Lsn replay, long nanos) {
        if (samples.isEmpty() || replay == null) {
            return OptionalDouble.empty();
        }
        for (Sample s : samples) {
            if (s.lsn() > replay.value()) {
                return OptionalDouble.of(Math.max(0, nanos - s.nanos()) / 1e9);
            }
        }
        return OptionalDouble.of(0);
    }
}
