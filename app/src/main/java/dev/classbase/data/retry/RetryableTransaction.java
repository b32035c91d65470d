package dev.classbase.data.retry;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @Transactional} method whose whole transaction may be run again after a transient
 * failure: serialization failure (40001), deadlock (40P01), lost connection (08xxx), server shutdown
 * (57P01 to 57P03). Only the outermost transaction retries. A failure while committing is retried
 * only when the server confirms the transaction did not commit ({@code pg_xact_status}), so a retry
 * never writes twice.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RetryableTransaction {
    /** Attempts in all, the first included. */
    int maxAttempts() default 4;
}
