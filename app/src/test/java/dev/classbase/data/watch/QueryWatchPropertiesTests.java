package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class QueryWatchPropertiesTests {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(QueryWatchProperties.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void release() {
        log.detachAppender(logs);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        QueryWatchProperties p = bind(Map.of());
        assertThat(p).isEqualTo(QueryWatchProperties.defaults());
        assertThat(p.enabled()).isTrue();
        assertThat(p.headerEnabled()).isTrue();
        assertThat(p.nPlusOneThreshold()).isEqualTo(5);
        assertThat(p.slowWarn()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.slowCritical()).isEqualTo(Duration.ofSeconds(5));
        assertThat(logs.list).isEmpty();
    }

    @Test
    void bindsKebabCaseSettings() {
        QueryWatchProperties p = bind(Map.of(
                "classbase.query-watch.header-enabled", "false",
                "classbase.query-watch.n-plus-one-threshold", "12",
                "classbase.query-watch.slow-warn", "200ms",
                "classbase.query-watch.slow-critical", "2s"));
        assertThat(p.headerEnabled()).isFalse();
        assertThat(p.nPlusOneThreshold()).isEqualTo(12);
        assertThat(p.slowWarn()).isEqualTo(Duration.ofMillis(200));
        assertThat(p.slowCritical()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesAreClampedWithAWarningNamingTheSetting() {
        QueryWatchProperties p = new QueryWatchProperties(true, true, 0, Duration.ofMillis(-1), Duration.ofMillis(100));
        assertThat(p.nPlusOneThreshold()).isEqualTo(1);
        assertThat(p.slowWarn()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.slowCritical()).isEqualTo(Duration.ofMillis(500));
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "classbase.query-watch.n-plus-one-threshold was 0, using 1",
                        "classbase.query-watch.slow-warn was PT-0.001S, using PT0.5S",
                        "classbase.query-watch.slow-critical was PT0.1S, below slow-warn PT0.5S; using PT0.5S");
    }

    @Test
    void aMissingCriticalTierFallsBackToTheDefault() {
        QueryWatchProperties p = new QueryWatchProperties(true, true, 5, Duration.ofMillis(300), null);
        assertThat(p.slowCritical()).isEqualTo(Duration.ofSeconds(5));
    }

    private static QueryWatchProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("classbase.query-watch", QueryWatchProperties.class);
    }
}
