package dev.classbase.data.retry;

import dev.classbase.data.pool.Pools;
import dev.classbase.data.replicas.ReplicaMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * Transactions and the advice around them: retry/failover runs outside the transaction, the commit
 * capture inside it.
 */
@Configuration(proxyBeanMethods = false)
@EnableTransactionManagement(proxyTargetClass = true, order = RetryConfig.TRANSACTION_ORDER)
class RetryConfig {
    /** Retry/failover runs outside the transaction; the commit capture inside it. */
    static final int TRANSACTION_ORDER = 100;

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor transactionRetryAdvisor(
            ObjectProvider<Pools> pools,
            ObjectProvider<ReplicaMonitor> monitor,
            ObjectProvider<MeterRegistry> registry) {
        // providers: advisors are created before the beans they use
        return advisor(
                new TransactionRetryInterceptor(pools::getObject, monitor::getObject, registry::getObject),
                TRANSACTION_ORDER - 50);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor commitCaptureAdvisor(ObjectProvider<DataSource> dataSource) {
        return advisor(new TransactionRetryInterceptor.CommitCapture(dataSource::getObject), TRANSACTION_ORDER + 50);
    }

    private static Advisor advisor(Advice advice, int order) {
        ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(Transactional.class, true))
                .union(AnnotationMatchingPointcut.forMethodAnnotation(Transactional.class))
                .union(new AnnotationMatchingPointcut(RetryableTransaction.class, true))
                .union(AnnotationMatchingPointcut.forMethodAnnotation(RetryableTransaction.class));
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut, advice);
        advisor.setOrder(order);
        return advisor;
    }
}
