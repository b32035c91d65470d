package dev.classbase.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report as RFC 9457 problem+json, for what Tomcat answers itself before any filter
 * or controller runs: a path with {@code %00} or an encoded slash, a header with NUL, headers over
 * {@code max-http-request-header-size}. Replaces the host's {@link ErrorReportValve} (its HTML page);
 * the status stays Tomcat's, the detail is fixed text (no server name, no echo of the bad input).
 */
final class ProblemReportValve extends ErrorReportValve {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as ErrorReportValve: only errors, nothing written yet, and each error reported once
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", known != null ? known.getReasonPhrase() : "Error");
        body.put("status", status);
        body.put("detail", detail(status));
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(body));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response cannot take a body: nothing left to tell
        }
    }

    private static String detail(int status) {
        return switch (status) {
            case 400 ->
                "The request is malformed: its request line, path or headers could not be read"
                        + " (a NUL or an encoded slash in the path, a control character in a header).";
            case 431 -> "The request's headers are too large.";
            case 404 -> "No route for this path.";
            case 505 -> "The HTTP version is not supported.";
            default -> status >= 500 ? "Something went wrong on our side." : "The request could not be processed.";
        };
    }
}
