package dev.classbase.data.consistency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the caller's consistency token (header {@value #HEADER} or cookie {@value #COOKIE}) into
 * the request's {@link ReadContext}, and answers with the WAL position of the request's last write
 * (same header and cookie) and where its reads went ({@value #READ_SOURCE}). Headers are added at
 * the moment the response commits, so streamed bodies get them too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
final class ConsistencyFilter extends OncePerRequestFilter {
    static final String HEADER = "Classbase-Consistency";
    static final String COOKIE = "classbase_consistency";
    static final String READ_SOURCE = "Classbase-Read-Source";
    private static final String ALREADY_FILTERED = ConsistencyFilter.class.getName() + ALREADY_FILTERED_SUFFIX;

    /** A constant: OncePerRequestFilter would build this name from the filter's name on every request. */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return ALREADY_FILTERED;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getHeader(HEADER);
        if (token == null && request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (COOKIE.equals(cookie.getName())) {
                    token = cookie.getValue();
                }
            }
        }
        ReadContext context = ReadContext.begin(token);
        Wrapper wrapper = new Wrapper(response, context);
        try {
            chain.doFilter(request, wrapper);
        } finally {
            wrapper.beforeCommit();
            ReadContext.end();
        }
    }

    private static final class Wrapper extends HttpServletResponseWrapper {
        private final ReadContext context;
        private boolean done;

        Wrapper(HttpServletResponse response, ReadContext context) {
            super(response);
            this.context = context;
        }

        void beforeCommit() {
            if (done || isCommitted()) {
                return;
            }
            done = true;
            Lsn written = context.lastWriteLsn();
            if (written != null) {
                setHeader(HEADER, written.toString());
                Cookie cookie = new Cookie(COOKIE, written.toString());
                cookie.setPath("/");
                cookie.setHttpOnly(true);
                cookie.setAttribute("SameSite", "Lax");
                addCookie(cookie);
            }
            if (!context.readTargets().isEmpty()) {
                setHeader(READ_SOURCE, String.join(", ", context.readTargets()));
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            beforeCommit();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            beforeCommit();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            beforeCommit();
            super.flushBuffer();
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            beforeCommit();
            super.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            beforeCommit();
            super.sendError(sc);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            beforeCommit();
            super.sendRedirect(location);
        }
    }
}
