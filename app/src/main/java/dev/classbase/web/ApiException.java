package dev.classbase.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error the caller can act on, rendered as RFC 9457 problem+json with the status, a title, a
 * detail and, for bad input, the field that is wrong.
 */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.title = title;
        this.properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", what + " was not found", null);
    }

    public static ApiException badRequest(String field, String message) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("field", field);
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", field + ": " + message, props);
    }

    public static ApiException forbidden(String why) {
        return new ApiException(HttpStatus.FORBIDDEN, "Forbidden", why, null);
    }

    public static ApiException unauthorized(String why) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "Unauthorized", why, null);
    }

    public static ApiException conflict(String why) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", why, null);
    }

    /** Well-formed, but it contradicts what the server already holds (RFC 9110 section 15.5.21). */
    public static ApiException unprocessable(String field, String why) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("field", field);
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Unprocessable request", why, props);
    }

    /**
     * Too many attempts (RFC 6585 section 4): the advice sends {@code retryAfter} (seconds, at least
     * 1) as the {@code Retry-After} header too.
     */
    public static ApiException tooManyRequests(String why, long retryAfterSeconds) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("retryAfter", Math.max(1, retryAfterSeconds));
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", why, props);
    }

    public static ApiException tooLarge(String field, long limit) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("field", field);
        props.put("limit", limit);
        return new ApiException(
                HttpStatus.CONTENT_TOO_LARGE, "Too large", field + " is over the limit of " + limit, props);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
