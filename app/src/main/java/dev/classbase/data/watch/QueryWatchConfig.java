package dev.classbase.data.watch;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The query watch and, in the web server, its per-request filter. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QueryWatchProperties.class)
class QueryWatchConfig {

    @Bean
    QueryWatch queryWatch(QueryWatchProperties properties, MeterRegistry registry) {
        return new QueryWatch(properties, registry);
    }

    /** Early, before security and the rest, so statements they run count for the request too. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    FilterRegistrationBean<QueryWatchFilter> queryWatchFilter(QueryWatchProperties properties) {
        FilterRegistrationBean<QueryWatchFilter> registration =
                new FilterRegistrationBean<>(new QueryWatchFilter(properties));
        registration.setName("queryWatchFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
