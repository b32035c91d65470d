package dev.classbase.data.cache;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CacheProperties.class)
class CacheConfig {

    @Bean(destroyMethod = "close")
    Caches caches(CacheProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new Caches(properties, Clock.systemUTC(), meters.getIfAvailable());
    }
}
