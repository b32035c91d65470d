package dev.classbase.ops.alerts;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.pool.Pools;
import dev.classbase.data.replicas.ReplicaMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The evaluator's wiring. It reads and writes through a pool of its own, two connections to the
 * primary (one holds the runner lock during an evaluation, one records webhook deliveries), so a
 * full request pool, when alerts matter most, never blinds it. The pool lives inside the
 * evaluator's resources, not as a DataSource bean that would join the health indicators.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AlertProperties.class)
class AlertsConfig {

    /** The evaluator's pool and notifier, closed with the application. */
    record Resources(HikariDataSource pool, WebhookNotifier notifier) implements AutoCloseable {
        @Override
        public void close() {
            notifier.close();
            pool.close();
        }
    }

    @Bean(destroyMethod = "close")
    Resources alertResources(DatabaseProperties database, AlertProperties properties) {
        // two connections of its own: a full request pool cannot stop the evaluator
        HikariDataSource pool = Pools.sidePool(database.primary(), "alerts-primary", "classbase-alerts", 2);
        return new Resources(pool, new WebhookNotifier(properties, AlertEvaluator.deliveryLog(pool)));
    }

    @Bean
    AlertEvaluator alertEvaluator(
            Resources resources, AlertProperties properties, ReplicaMonitor replicas, MeterRegistry registry) {
        Clock clock = Clock.systemUTC();
        ErrorRate errorRate = new ErrorRate(registry, resources.pool(), instanceName(), clock, properties);
        Signals signals = new Signals(resources.pool(), properties, replicas::statuses, errorRate, registry);
        return new AlertEvaluator(resources.pool(), signals, properties, resources.notifier(), clock);
    }

    /** This instance in alert_instance_requests: host and pid, and a suffix so a restart is a new one. */
    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
