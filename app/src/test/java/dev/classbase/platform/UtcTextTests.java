package dev.classbase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The digit-by-digit text is the formatters' text, for any instant and offset. */
public class UtcTextTests {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");
    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'");

    @Test
    void writesWhatTheFormattersWrite() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            OffsetDateTime t = randomTime(random);
            OffsetDateTime utc = t.withOffsetSameInstant(ZoneOffset.UTC);
            if (utc.getYear() < 0 || utc.getYear() > 9999) {
                assertThat(UtcText.format(t, 6)).as(t.toString()).isNull();
                continue;
            }
            assertThat(UtcText.format(t, 6)).as(t.toString()).isEqualTo(MICROS.format(utc));
            assertThat(UtcText.format(t, 9)).as(t.toString()).isEqualTo(NANOS.format(utc));
        }
        OffsetDateTime edge = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC);
        assertThat(UtcText.format(edge, 6)).isEqualTo("9999-12-31T23:59:59.999999Z");
        assertThat(UtcText.format(edge.withOffsetSameInstant(ZoneOffset.ofHours(-1)), 9))
                .isEqualTo("9999-12-31T23:59:59.999999999Z");
        assertThat(UtcText.format(edge.plusNanos(1), 9)).isNull(); // year 10000
    }

    /**
     * Any instant from about year -1 to 10002 (so some fall outside 0 to 9999 at UTC), to the
     * nanosecond, at any offset from -18:00 to +18:00 to the second.
     */
    public static OffsetDateTime randomTime(Random random) {
        Instant instant = Instant.ofEpochSecond(
                random.nextLong(-62_200_000_000L, 253_500_000_000L), random.nextInt(1_000_000_000));
        return instant.atOffset(ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600 + 1)));
    }
}
