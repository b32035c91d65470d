package dev.classbase.data.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The regions' settings: defaults per region, a bad value stops the start naming its key. */
class RegionPropertiesTests {

    @Test
    void defaultsPerRegion() {
        RegionProperties p = RegionProperties.defaults();
        assertThat(p.regions().get("user").ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.regions().get("catalog").ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.regions().get("analytics").ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(p.regions().get("static").ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(p.regions().values()).allMatch(RegionProperties.Region::enabled);
        assertThat(p.warmUp().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.longestTtl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aRegionKeepsTheDefaultsItDoesNotSet() {
        RegionProperties p =
                new RegionProperties(Map.of("catalog", new RegionProperties.Region(null, 10L, false)), null);
        assertThat(p.regions().get("catalog"))
                .isEqualTo(new RegionProperties.Region(Duration.ofMinutes(30), 10L, false));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> new RegionProperties(
                        Map.of("catalog", new RegionProperties.Region(Duration.ZERO, null, null)), null))
                .hasMessageStartingWith("classbase.cache.regions.catalog.ttl");
        assertThatThrownBy(
                        () -> new RegionProperties(Map.of("user", new RegionProperties.Region(null, 0L, null)), null))
                .hasMessageStartingWith("classbase.cache.regions.user.max-entries");
        assertThatThrownBy(() ->
                        new RegionProperties(Map.of("catalgo", new RegionProperties.Region(null, null, null)), null))
                .hasMessageStartingWith("classbase.cache.regions.catalgo: no such region");
        assertThatThrownBy(() -> new RegionProperties(null, new RegionProperties.WarmUp(Duration.ofSeconds(-1), null)))
                .hasMessageStartingWith("classbase.cache.warm-up.timeout");
    }
}
