package dev.classbase.data.consistency;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The transaction manager that learns each write's commit position for read-your-writes. */
@Configuration(proxyBeanMethods = false)
class ConsistencyConfig {
    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new ConsistencyTransactionManager(dataSource);
    }
}
