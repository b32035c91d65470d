package dev.classbase.web;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Malformed input answers 4xx problem+json wherever it is caught: Tomcat's own error report, the
 * query string's bytes, repeated single-valued parameters, NUL in JSON strings.
 */
@Configuration(proxyBeanMethods = false)
class ErrorsConfig implements WebMvcConfigurer {
    /** After the consistency and query-watch filters (so the 400 is counted), before authentication. */
    static final int QUERY_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 15;

    @Bean
    FilterRegistrationBean<MalformedRequestFilter> malformedRequestFilter(ProblemResponses problems) {
        FilterRegistrationBean<MalformedRequestFilter> registration =
                new FilterRegistrationBean<>(new MalformedRequestFilter(problems));
        registration.setOrder(QUERY_FILTER_ORDER);
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new SingleValueInterceptor());
    }

    @Bean
    JsonMapperBuilderCustomizer nulFreeStrings() {
        return builder -> builder.addModule(NulFreeStrings.module());
    }

    /**
     * Runs after Spring Boot's own customizer, which puts a plain {@link ErrorReportValve} (no report,
     * no server info) on the host when stack traces are never shown: that one is replaced.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemReportValve());
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }
}
