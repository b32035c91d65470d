package dev.classbase.platform.auth;

import dev.classbase.data.DataTier;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.platform.errors.ApiException;
import dev.classbase.platform.errors.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every {@code /api/v1/**} request but sign-in by its bearer token, binds the
 * caller's tenant to the data tier for the whole request (row-level security), and keeps
 * {@code /api/v1/admin/**} for admins. Runs after the consistency and query-watch filters, so the
 * token lookup is counted as one statement of the request.
 */
final class AuthenticationFilter extends OncePerRequestFilter {
    static final String API = "/api/v1/";
    static final String SIGN_IN = "/api/v1/sessions";
    static final String ADMIN = "/api/v1/admin/";
    static final String ACTUATOR = "/actuator";
    /**
     * Open for probes and scrapers, which carry no token: liveness/readiness and Prometheus. Every
     * other actuator endpoint (metrics, info) is for admins, like the console.
     */
    static final java.util.List<String> OPEN_ACTUATOR = java.util.List.of("/actuator/health", "/actuator/prometheus");

    private static final String ALREADY_FILTERED = AuthenticationFilter.class.getName() + ALREADY_FILTERED_SUFFIX;

    private final Authenticator authenticator;
    private final ProblemResponses problems;

    AuthenticationFilter(Authenticator authenticator, ProblemResponses problems) {
        this.authenticator = authenticator;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        if (adminActuator(path)) {
            return false;
        }
        if (!path.startsWith(API)) {
            return true; // OpenAPI document, Swagger UI, health and Prometheus, the console page
        }
        return "POST".equals(request.getMethod()) && (path.equals(SIGN_IN) || path.equals(SIGN_IN + "/"));
    }

    /** A constant: OncePerRequestFilter would build this name from the filter's name on every request. */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return ALREADY_FILTERED;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> token = Bearer.token(request);
        if (token.isEmpty()) {
            unauthorized(request, response, "Sign in and send the token as 'Authorization: Bearer <token>'.", null);
            return;
        }
        Optional<Caller> caller;
        try {
            caller = authenticator.authenticate(token.get());
        } catch (RuntimeException e) {
            problems.writeFailure(request, response, e);
            return;
        }
        if (caller.isEmpty()) {
            unauthorized(request, response, "The token is unknown or has expired; sign in again.", "invalid_token");
            return;
        }
        String path = path(request);
        if ((path.startsWith(ADMIN) || adminActuator(path)) && !caller.get().isAdmin()) {
            problems.write(request, response, ApiException.forbidden("this needs the role admin"), new HttpHeaders());
            return;
        }
        request.setAttribute(CallerArgumentResolver.ATTRIBUTE, caller.get());
        try (TenantScope ignored = DataTier.bindTenant(caller.get().tenantId())) {
            chain.doFilter(request, response);
        }
    }

    private void unauthorized(HttpServletRequest request, HttpServletResponse response, String why, String error)
            throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.set(
                HttpHeaders.WWW_AUTHENTICATE,
                error == null ? "Bearer realm=\"classbase\"" : "Bearer realm=\"classbase\", error=\"" + error + "\"");
        problems.write(request, response, ApiException.unauthorized(why), headers);
    }

    private static boolean adminActuator(String path) {
        if (!(path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/"))) {
            return false;
        }
        for (String open : OPEN_ACTUATOR) {
            if (path.equals(open) || path.startsWith(open + "/")) {
                return false;
            }
        }
        return true;
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
