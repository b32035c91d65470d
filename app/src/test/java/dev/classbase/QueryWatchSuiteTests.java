package dev.classbase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class of the run (junit-platform.properties orders classes by
 * {@code @Order}): every server the suite started, on every route it served, flagged no N+1.
 * Tests of the watch itself make their N+1s on watches of their own, not on a server's.
 */
@Order(Integer.MAX_VALUE)
class QueryWatchSuiteTests {
    @Test
    void noServerOfTheSuiteFlaggedAnNPlusOne() {
        assertThat(TestApp.nPlusOnesSoFar())
                .as("N+1 patterns flagged by the query watch, by route, over the whole run")
                .isEmpty();
    }
}
