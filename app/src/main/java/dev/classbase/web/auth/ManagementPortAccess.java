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
        private static final String ALREADY_FILTERED = ManagementPortFilter.class.getName() + ALREADY_FILTERED_SUFFIX;

        private final Environment environment;
        /*
         * Each server's port is fixed once it has started, so each is asked of the Environment
         * until it is known and then kept. A lookup walks the property sources in order, and Boot
         * re-lists the names of a mutable one (the system properties) on each walk to see whether
         * its cache still holds: asked twice on every request, that was 12 % of the server's CPU
         * samples (JFR) under the catalog benchmark's load.
         */
        private volatile Integer serverPort;
        private volatile Integer managementPort;

        ManagementPortFilter(Environment environment) {
            this.environment = environment;
        }

        /** A constant: OncePerRequestFilter would build this name from the filter's name on every request. */
        @Override
        protected String getAlreadyFilteredAttributeName() {
            return ALREADY_FILTERED;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            int local = request.getLocalPort();
            Integer server = serverPort;
            if (server == null) {
                server = environment.getProperty("local.server.port", Integer.class);
                serverPort = server;
            }
            if (server != null && local == server) {
                chain.doFilter(request, response); // the application's port: nobody is trusted for it
                return;
            }
            // with no port of its own, Boot makes local.management.port an alias of local.server.port:
            // then there is no management port, and nobody is trusted for reaching it
            Integer port = managementPort;
            if (port == null) {
                port = environment.getProperty("local.management.port", Integer.class);
                managementPort = port;
            }
            if (port == null || port.equals(server) || local != port) {
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
