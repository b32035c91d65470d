package dev.classbase.web.auth;

import dev.classbase.data.DataTier;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.web.ApiException;
import dev.classbase.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every {@code /api/v1/**} request but sign-in by its bearer token and binds the
 * caller's tenant to the data tier for the whole request (row-level security). The database
 * console ({@code /api/v1/admin/**}) and the actuator's endpoints but health are for operators;
 * operators, who belong to no tenant, get no tenant endpoint (403) and bind no tenant. Runs after
 * the consistency and query-watch filters, so the token lookup is counted as one statement of the
 * request.
 *
 * <p>{@code /actuator/health} stays open for probes, which carry no token, and then says only
 * UP or DOWN; an operator's token makes it show components and details: the request gets the
 * operator as its principal and role, which is what the actuator's {@code when-authorized}
 * consults when Spring Security is absent ({@code request.isUserInRole},
 * management.endpoint.health.roles).
 */
final class AuthenticationFilter extends OncePerRequestFilter {
    static final String API = "/api/v1/";
    static final String SIGN_IN = "/api/v1/sessions";
    static final String ADMIN = "/api/v1/admin/";
    static final String ACTUATOR = "/actuator";
    static final String HEALTH = "/actuator/health";

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
        if (actuator(path)) {
            return false;
        }
        if (!path.startsWith(API)) {
            return true; // OpenAPI document, Swagger UI, the console page's files
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
        String path = path(request);
        Optional<String> token = Bearer.token(request);
        if (token.isEmpty()) {
            if (health(path)) {
                chain.doFilter(request, response); // status only
                return;
            }
            unauthorized(request, response, "Sign in and send the token as 'Authorization: Bearer <token>'.", null);
            return;
        }
        Optional<Caller> found;
        try {
            found = authenticator.authenticate(token.get());
        } catch (RuntimeException e) {
            problems.writeFailure(request, response, e);
            return;
        }
        if (found.isEmpty()) {
            unauthorized(request, response, "The token is unknown or has expired; sign in again.", "invalid_token");
            return;
        }
        Caller caller = found.get();
        if (caller.isOperator()) {
            operator(request, response, chain, path, caller);
            return;
        }
        if (health(path)) {
            chain.doFilter(request, response); // a tenant's user sees the status only, as a probe does
            return;
        }
        if (path.startsWith(ADMIN) || actuator(path)) {
            forbidden(
                    request,
                    response,
                    "this needs the role operator (platform staff); a tenant's accounts have "
                            + "no access to the database console or the server's metrics");
            return;
        }
        request.setAttribute(CallerArgumentResolver.ATTRIBUTE, caller);
        try (TenantScope ignored = DataTier.bindTenant(caller.tenantId())) {
            chain.doFilter(request, response);
        }
    }

    /** The console, the actuator and signing out; no tenant is bound, so no tenant row is visible. */
    private void operator(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, String path, Caller caller)
            throws IOException, ServletException {
        if (path.startsWith(API) && !path.startsWith(ADMIN) && !path.startsWith(SIGN_IN + "/")) {
            forbidden(
                    request,
                    response,
                    "an operator belongs to no tenant; sign in with an account of the tenant "
                            + "to use its endpoints");
            return;
        }
        request.setAttribute(CallerArgumentResolver.ATTRIBUTE, caller);
        chain.doFilter(new OperatorRequest(request, caller), response);
    }

    private void forbidden(HttpServletRequest request, HttpServletResponse response, String why) throws IOException {
        problems.write(request, response, ApiException.forbidden(why), new HttpHeaders());
    }

    private void unauthorized(HttpServletRequest request, HttpServletResponse response, String why, String error)
            throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.set(
                HttpHeaders.WWW_AUTHENTICATE,
                error == null ? "Bearer realm=\"classbase\"" : "Bearer realm=\"classbase\", error=\"" + error + "\"");
        problems.write(request, response, ApiException.unauthorized(why), headers);
    }

    private static boolean actuator(String path) {
        return path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/");
    }

    private static boolean health(String path) {
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }

    /** The operator as the request's principal in the role OPERATOR, for the actuator's when-authorized. */
    private static final class OperatorRequest extends HttpServletRequestWrapper {
        private final Principal principal;

        OperatorRequest(HttpServletRequest request, Caller caller) {
            super(request);
            this.principal = caller::email;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return Role.OPERATOR.name().equals(role);
        }
    }

    /**
     * The path as the container decoded and normalized it (servlet path and path info: percent-decoded,
     * {@code ;parameters} removed, dot segments resolved), which is what Spring MVC maps; the raw URI
     * would let {@code /api/v1/%61dmin/...} or {@code /api/v1/admin;x/...} reach a console route
     * without matching {@link #ADMIN}.
     */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (!path.isEmpty()) {
            return path;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
