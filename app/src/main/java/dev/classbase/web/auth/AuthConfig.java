package dev.classbase.web.auth;

import dev.classbase.web.ProblemResponses;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The authentication filter and the {@code Caller} parameter of controller methods. */
@Configuration(proxyBeanMethods = false)
class AuthConfig implements WebMvcConfigurer {
    /** After the consistency and query-watch filters (HIGHEST_PRECEDENCE + 10). */
    static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    @Bean
    FilterRegistrationBean<AuthenticationFilter> authenticationFilter(
            Authenticator authenticator, ProblemResponses problems) {
        FilterRegistrationBean<AuthenticationFilter> registration =
                new FilterRegistrationBean<>(new AuthenticationFilter(authenticator, problems));
        registration.setOrder(FILTER_ORDER);
        // the API, and the actuator: its endpoints but health are for operators
        registration.addUrlPatterns("/api/*", "/actuator", "/actuator/*");
        return registration;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }
}
