package dev.classbase.data.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WalTimelineTests {
    private static final long SECOND = 1_000_000_000L;

    private final WalTimeline timeline = new WalTimeline(Duration.ofSeconds(14));

    @Test
    void aCaughtUpReplicaIsNotBehindAfterTheprimaryWasIdle() {
        timeline.primaryAt(lsn(100), 0);
        // a quiet minute: the primary's position does not move
        for (long t = 1; t <= 60; t++) {
            timeline.primaryAt(lsn(100), t * SECOND);
        }
        assertThat(timeline.secondsBehind(lsn(100), 60 * SECOND).getAsDouble()).isZero();
        // a commit at 60 s; the replica has not replayed it yet a quarter second later
        timeline.primaryAt(lsn(200), 60 * SECOND);
        assertThat(timeline.secondsBehind(lsn(100), 60 * SECOND + SECOND / 4).getAsDouble())
                .isCloseTo(0.25, within(1e-9));
    }

    @Test
    void aReplicaStuckBehindFallsFurtherBehindWithTime() {
        for (long t = 0; t <= 10; t++) {
            timeline.primaryAt(lsn(100 + t * 10), t * SECOND);
        }
        // replayed up to 130, which the primary passed when it reached 140 at 4 s
        assertThat(timeline.secondsBehind(lsn(130), 10 * SECOND).getAsDouble()).isCloseTo(6, within(1e-9));
        assertThat(timeline.secondsBehind(lsn(200), 10 * SECOND).getAsDouble()).isZero();
    }

    @Test
    void lagBeyondTheHorizonReadsAsAtLeastTheHorizon() {
        for (long t = 0; t <= 100; t++) {
            timeline.primaryAt(lsn(100 + t), t * SECOND);
        }
        assertThat(timeline.secondsBehind(lsn(50), 100 * SECOND).getAsDouble()).isGreaterThanOrEqualTo(14);
    }

    @Test
    void nothingKnownBeforeTheFirstPoll() {
        assertThat(timeline.secondsBehind(lsn(1), 0)).isEmpty();
    }

    private static Lsn lsn(long value) {
        return new Lsn(value);
    }
}
