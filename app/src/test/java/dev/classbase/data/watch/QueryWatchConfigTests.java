package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;

class QueryWatchConfigTests {

    @Test
    void bindsTheSettingsAndRegistersAnEarlyFilterInAWebApplication() {
        new WebApplicationContextRunner()
                .withUserConfiguration(QueryWatchConfig.class)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("classbase.query-watch.n-plus-one-threshold=9")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(QueryWatch.class).properties().nPlusOneThreshold())
                            .isEqualTo(9);
                    FilterRegistrationBean<?> filter = context.getBean(FilterRegistrationBean.class);
                    assertThat(filter.getFilter()).isInstanceOf(QueryWatchFilter.class);
                    assertThat(filter.getOrder()).isLessThan(Ordered.HIGHEST_PRECEDENCE + 100);
                });
    }

    @Test
    void withoutAWebServerThereIsNoFilter() {
        new ApplicationContextRunner()
                .withUserConfiguration(QueryWatchConfig.class)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(QueryWatch.class);
                    assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
                });
    }
}
