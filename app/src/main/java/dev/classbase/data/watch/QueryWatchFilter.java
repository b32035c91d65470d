package dev.classbase.data.watch;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Opens a query scope per HTTP request, names it by the route the handler mapping chose, and sends
 * the statement count as {@code Classbase-Query-Count}.
 */
final class QueryWatchFilter extends OncePerRequestFilter {
    static final String HEADER = "Classbase-Query-Count";
    // the method is a request value: anything unusual is one bucket, not a new comment or metric tag
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final String ALREADY_FILTERED = QueryWatchFilter.class.getName() + ALREADY_FILTERED_SUFFIX;

    private final QueryWatchProperties properties;

    QueryWatchFilter(QueryWatchProperties properties) {
        this.properties = properties;
    }

    /** A constant: OncePerRequestFilter would build this name from the filter's name on every request. */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return ALREADY_FILTERED;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.enabled()) {
            chain.doFilter(request, response);
            return;
        }
        QueryScope scope = QueryWatch.requestScope(() -> route(request));
        CountHeaderResponse counted = properties.headerEnabled() ? new CountHeaderResponse(response, scope) : null;
        try {
            chain.doFilter(request, counted != null ? counted : response);
        } finally {
            scope.close();
            if (counted != null) {
                counted.stamp(); // a response with no body yet: the final count
            }
        }
    }

    /**
     * {@code route:GET /api/v1/courses/{id}} once a handler mapping has matched, else null. Only
     * the pattern is used, never the path: the path holds user values.
     */
    static String route(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null) {
            return null;
        }
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        return "route:" + method + " " + pattern;
    }
}
