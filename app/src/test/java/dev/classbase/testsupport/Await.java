package dev.classbase.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a condition holds: tests wait on conditions, never on a fixed sleep. */
public final class Await {
    private Await() {}

    public static <T> T until(Duration timeout, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (value == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }
}
