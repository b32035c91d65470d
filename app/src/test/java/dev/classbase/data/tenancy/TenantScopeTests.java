package dev.classbase.data.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TenantScopeTests {

    @Test
    void closingAScopeGivesBackTheBindingBeforeIt() {
        assertThat(TenantScope.bound()).isEmpty();
        try (TenantScope outer = TenantScope.bind(7)) {
            assertThat(TenantScope.bound()).hasValue(7);
            try (TenantScope inner = TenantScope.bind(9)) {
                assertThat(TenantScope.bound()).hasValue(9);
            }
            assertThat(TenantScope.bound()).hasValue(7);
        }
        assertThat(TenantScope.bound()).isEmpty();
    }

    @Test
    void aBindingBelongsToItsThread() throws InterruptedException {
        AtomicReference<OptionalLong> seen = new AtomicReference<>();
        try (TenantScope bound = TenantScope.bind(7)) {
            Thread other = Thread.ofVirtual().start(() -> seen.set(TenantScope.bound()));
            other.join();
        }
        assertThat(seen.get()).isEmpty();
    }
}
