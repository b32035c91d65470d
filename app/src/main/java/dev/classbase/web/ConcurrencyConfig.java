package dev.classbase.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.pool.Pools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The concurrency limit, first of the filters: a shed request costs no other filter's work. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConcurrencyProperties.class)
class ConcurrencyConfig {
    private static final Logger log = LoggerFactory.getLogger(ConcurrencyConfig.class);

    @Bean
    FilterRegistrationBean<ConcurrencyLimitFilter> concurrencyLimitFilter(
            ConcurrencyProperties properties, Pools pools, ProblemResponses problems, MeterRegistry registry) {
        int limit = properties.limit();
        if (limit == 0) {
            int connections = pools.primary().getMaximumPoolSize()
                    + pools.replicas().values().stream()
                            .mapToInt(HikariDataSource::getMaximumPoolSize)
                            .sum();
            limit = ConcurrencyLimitFilter.PER_CONNECTION * connections;
        }
        ConcurrencyLimitFilter filter = new ConcurrencyLimitFilter(limit, properties, problems);
        log.info(
                "serving at most {} requests at once (classbase.web.concurrency.limit), {} of them writes"
                        + " (write-share); past it 503",
                limit,
                filter.writeLimit());
        Gauge.builder("classbase.http.concurrency.in.progress", filter, ConcurrencyLimitFilter::inProgress)
                .description("requests in progress under the concurrency limit")
                .register(registry);
        Gauge.builder("classbase.http.concurrency.limit", filter, ConcurrencyLimitFilter::limit)
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "classbase.http.concurrency.shed", filter, ConcurrencyLimitFilter::shed)
                .description("requests answered 503 past the concurrency limit")
                .register(registry);
        FilterRegistrationBean<ConcurrencyLimitFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
