package dev.classbase.web.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The actuator on a port of its own ({@code management.server.port}, with {@code
 * management.server.address=127.0.0.1}): whoever reaches that port is trusted as an operator, so
 * health shows its details and metrics and Prometheus answer without a token. The deployable
 * choice for a scraper on the same host or network namespace; the application's port keeps
 * refusing them without an operator's token.
 *
 * <p>Registered in the management server's own context (listed in
 * META-INF/spring/...ManagementContextConfiguration.imports); the application's authentication
 * filter does not run there. The filter acts only on a request that arrived on a management port
 * other than the application's, so it is inert wherever else it is registered (component scanning
 * also registers it in the application's context).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementPortAccess {
    static final String PRINCIPAL = "management-port";

    @Bean
    FilterRegistrationBean<ManagementPortFilter> managementPortPrincipal(Environment environment) {
        FilterRegistrationBean<ManagementPortFilter> registration =
                new FilterRegistrationBean<>(new ManagementPortFilter(environment));
        registration.addUrlPatterns("/*");
        return registration;
    }

    static final class ManagementPortFilter extends OncePerRequestFilter {
        private final Environment environment;

        ManagementPortFilter(Environment environment) {
            this.environment = environment;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            // with no port of its own, Boot makes local.management.port an alias of local.server.port:
            // then there is no management port, and nobody is trusted for reaching it
            Integer port = environment.getProperty("local.management.port", Integer.class);
            Integer server = environment.getProperty("local.server.port", Integer.class);
            if (port == null || port.equals(server) || request.getLocalPort() != port) {
                chain.doFilter(request, response);
                return;
            }
            chain.doFilter(
                    new HttpServletRequestWrapper(request) {
                        @Override
                        public Principal getUserPrincipal() {
                            return () -> PRINCIPAL;
                        }

                        @Override
                        public boolean isUserInRole(String role) {
                            return Role.OPERATOR.name().equals(role);
                        }
                    },
                    response);
        }
    }
}
