package dev.classbase.data.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The admission gate in front of a replica's pool: places, waiting, passing on, giving up. */
class ReplicaGateTests {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void admitsAsManyAsThePoolHoldsAndCountsThem() {
        ReplicaGate gate = new ReplicaGate(2, LONG);
        assertThat(gate.enter()).isTrue();
        assertThat(gate.enter()).isTrue();
        assertThat(gate.inUse()).isEqualTo(2);
        gate.leave();
        assertThat(gate.inUse()).isEqualTo(1);
    }

    @Test
    void aWaiterGetsThePlaceOfTheOneThatLeaves() throws Exception {
        ReplicaGate gate = new ReplicaGate(1, LONG);
        assertThat(gate.enter()).isTrue();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Boolean> waiter = pool.submit(gate::enter);
            awaitWaiters(gate, 1);
            gate.leave();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(gate.inUse()).isEqualTo(1);
        }
    }

    @Test
    void everyWaiterGetsInWhenPlacesFreeUpTogether() throws Exception {
        int size = 3;
        ReplicaGate gate = new ReplicaGate(size, LONG);
        for (int i = 0; i < size; i++) {
            assertThat(gate.enter()).isTrue();
        }
        AtomicInteger admitted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> waiters = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                waiters.add(pool.submit(() -> {
                    boolean in = gate.enter();
                    admitted.incrementAndGet();
                    return in;
                }));
            }
            awaitWaiters(gate, size);
            for (int i = 0; i < size; i++) {
                gate.leave(); // released back to back: each waiter must still be woken
            }
            for (Future<Boolean> waiter : waiters) {
                assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(admitted).hasValue(size);
        assertThat(gate.inUse()).isEqualTo(size);
    }

    @Test
    void aWaiterGivesUpAtItsDeadlineWhenNobodyLeaves() {
        ReplicaGate gate = new ReplicaGate(1, Duration.ofMillis(300));
        assertThat(gate.enter()).isTrue();
        assertThat(gate.enter()).as("nobody left within the timeout").isFalse();
        assertThat(gate.inUse()).isEqualTo(1);
        gate.leave();
        assertThat(gate.enter()).isTrue();
    }

    @Test
    void manyThreadsNeverHoldMoreThanThePlaces() throws Exception {
        int size = 2;
        ReplicaGate gate = new ReplicaGate(size, LONG);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        assertThat(gate.enter()).isTrue();
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        gate.leave();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(most.get()).isBetween(1, size);
        assertThat(gate.inUse()).isZero();
    }

    private static void awaitWaiters(ReplicaGate gate, int count) throws InterruptedException {
        assertThat(Await.until(Duration.ofSeconds(10), () -> gate.waiting() == count ? Boolean.TRUE : null))
                .as("%d waiting in the gate", count)
                .isNotNull();
    }
}
