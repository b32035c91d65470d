package dev.classbase.data.routing;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Admission to one replica's pool: at most the pool's size of read transactions hold (or are
 * being given) one of its connections; the others wait here, so HikariCP never has a waiting
 * borrower.
 *
 * <p>Why not let HikariCP queue them: its wait is a timed poll on a handoff queue plus a wake-up
 * of its connection-adder thread for every borrow that finds no idle connection, and on virtual
 * threads every timed park goes through the scheduler's delay queue. At concurrency 8 on a pool of
 * 5 that cost about a fifth of the request path's CPU (docs/BENCHMARKS.md, "Platform"). Here a
 * waiter parks without a timeout; the one that leaves wakes the next, and a sweeper that runs only
 * while someone waits wakes them all every {@link #SWEEP} so each can give up at its deadline.
 * Not fair: a transaction arriving as a connection comes back takes it without parking, which is
 * what keeps the handoffs (and their thread wake-ups) rare.
 */
final class ReplicaGate {
    /** How late a waiter may notice its deadline. */
    static final Duration SWEEP = Duration.ofMillis(100);

    private final int size;
    private final long timeoutNanos;
    private final AtomicInteger free;
    private final Queue<Thread> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    ReplicaGate(int size, Duration timeout) {
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
        this.free = new AtomicInteger(size);
    }

    /** Takes a place, waiting up to the pool's connection timeout; false when none came in time. */
    boolean enter() {
        if (tryTake()) {
            return true;
        }
        Thread me = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        waiting.add(me);
        startSweeper();
        try {
            while (!tryTake()) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                LockSupport.park(this);
            }
            return true;
        } finally {
            waiting.remove(me);
            if (free.get() > 0) {
                wakeNext(); // two places freed while one waiter woke: pass the other one on
            }
        }
    }

    /** Gives a place back (the connection was closed). */
    void leave() {
        free.incrementAndGet();
        wakeNext();
    }

    /** Places taken now: the replica's load, for choosing the least busy one. */
    int inUse() {
        return size - free.get();
    }

    /** Transactions waiting for a place now. */
    int waiting() {
        return waiting.size();
    }

    private boolean tryTake() {
        for (int n = free.get(); n > 0; n = free.get()) {
            if (free.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    private void wakeNext() {
        Thread next = waiting.peek();
        if (next != null) {
            LockSupport.unpark(next);
        }
    }

    private void startSweeper() {
        if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("replica-gate-sweeper").start(this::sweep);
        }
    }

    private void sweep() {
        try {
            while (!waiting.isEmpty()) {
                Thread.sleep(SWEEP);
                waiting.forEach(LockSupport::unpark);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sweeping.set(false);
            if (!waiting.isEmpty()) {
                startSweeper(); // a waiter came in as this sweeper was leaving
            }
        }
    }
}
