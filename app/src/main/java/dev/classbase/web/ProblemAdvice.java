package dev.classbase.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error a controller raises, as RFC 9457 problem+json: {@link ApiException}s as they are,
 * Spring MVC's own (bad JSON, validation, unknown route, wrong method) with the field that is wrong
 * in a {@code field} property, database trouble as 503 with {@code Retry-After}, and anything else as
 * a 500 whose details stay in the log.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ProblemAdvice extends ResponseEntityExceptionHandler {
    private final ProblemResponses responses;

    ProblemAdvice(ProblemResponses responses) {
        this.responses = responses;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
        ProblemDetail problem = ProblemResponses.problem(e);
        problem.setInstance(URI.create(request.getRequestURI()));
        HttpHeaders headers = new HttpHeaders();
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.status() == HttpStatus.TOO_MANY_REQUESTS && e.properties().get("retryAfter") instanceof Long seconds) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        return ProblemResponses.entity(problem, headers);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException e, HttpServletRequest request) {
        List<Map<String, Object>> errors = new ArrayList<>();
        e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .forEach(v -> errors.add(error(lastNode(v.getPropertyPath().toString()), v.getMessage())));
        return badRequest(errors, request.getRequestURI());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        return responses.failure(e, request.getRequestURI());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> errors = new ArrayList<>();
        Object target = e.getBindingResult().getTarget();
        e.getBindingResult().getFieldErrors().stream()
                .sorted(Comparator.comparingInt((FieldError f) -> declarationIndex(target, f.getField()))
                        .thenComparing(FieldError::getField))
                .forEach(f -> errors.add(error(f.getField(), f.getDefaultMessage())));
        for (ObjectError global : e.getBindingResult().getGlobalErrors()) {
            errors.add(error(global.getObjectName(), global.getDefaultMessage()));
        }
        return badRequest(errors, path(request));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = parameterName(result.getMethodParameter());
            result.getResolvableErrors().forEach(error -> errors.add(error(name, error.getDefaultMessage())));
        });
        return badRequest(errors, path(request));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        JacksonException jackson = Failures.find(e, JacksonException.class);
        if (jackson == null) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "The request body is missing or unreadable.",
                    Map.of(),
                    path(request));
        }
        String field = fieldPath(jackson);
        if (field.isEmpty() || jackson instanceof StreamReadException) {
            String where = jackson.getLocation() == null
                    ? ""
                    : " at line " + jackson.getLocation().getLineNr() + ", column "
                            + jackson.getLocation().getColumnNr();
            String detail = field.isEmpty()
                    ? "The request body is not valid JSON" + where + "."
                    : field + ": not valid JSON" + where + ".";
            Map<String, Object> props = field.isEmpty() ? Map.of() : Map.of("field", field);
            return problem(HttpStatus.BAD_REQUEST, "Invalid JSON", detail, props, path(request));
        }
        String message;
        if (jackson.getOriginalMessage() != null && jackson.getOriginalMessage().endsWith(NulFreeStrings.MESSAGE)) {
            message = NulFreeStrings.MESSAGE;
        } else if (jackson instanceof UnrecognizedPropertyException) {
            message = "is not a known field";
        } else if (jackson instanceof InvalidNullException) {
            message = "must not be null";
        } else if (jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            message = "expected " + describe(mismatch.getTargetType());
        } else {
            message = "has an invalid value";
        }
        return badRequest(List.of(error(field, message)), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        String expected = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
        Object value = e.getValue();
        if (value instanceof Object[] values) {
            // several values for one parameter that takes one (the interceptor catches most of these first)
            return badRequest(
                    List.of(error(name, "is given " + values.length + " times; send it once")), path(request));
        }
        return badRequest(List.of(error(name, "expected " + expected + ", got '" + value + "'")), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> accepted = e.getSupportedMediaTypes().stream()
                .map(MediaType::toString)
                .distinct()
                .toList();
        String sent = e.getContentType() == null ? "none" : "'" + e.getContentType() + "'";
        String detail = "Content-Type " + sent + " is not accepted here"
                + (accepted.isEmpty() ? "." : "; send " + String.join(" or ", accepted) + ".");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail);
        problem.setTitle("Unsupported media type");
        problem.setInstance(URI.create(path(request)));
        problem.setProperty("accepted", accepted);
        HttpHeaders answer = new HttpHeaders();
        if (!accepted.isEmpty()) {
            answer.setAccept(e.getSupportedMediaTypes()); // RFC 9110 section 15.5.16
        }
        return ProblemResponses.entity(problem, answer);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
            HttpMediaTypeNotAcceptableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> offered = e.getSupportedMediaTypes().stream()
                .map(MediaType::toString)
                .distinct()
                .toList();
        String detail = "The Accept header asks for nothing this resource can answer"
                + (offered.isEmpty() ? "." : "; it answers " + String.join(" or ", offered) + ".");
        // the problem is problem+json whatever Accept said (RFC 9110 section 15.5.7 allows it)
        return problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable", detail, Map.of(), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return badRequest(List.of(error(e.getParameterName(), "is required")), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleMissingPathVariable(
            MissingPathVariableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return badRequest(List.of(error(e.getVariableName(), "is required")), path(request));
    }

    @Override
    protected ResponseEntity<Object> handleServletRequestBindingException(
            ServletRequestBindingException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e instanceof MissingRequestHeaderException missing) {
            return badRequest(List.of(error(missing.getHeaderName(), "header is required")), path(request));
        }
        return super.handleServletRequestBindingException(e, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(
                HttpStatus.NOT_FOUND,
                "Not found",
                "No route " + e.getHttpMethod() + " " + path(request) + ".",
                Map.of(),
                path(request));
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(
            NoHandlerFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(
                HttpStatus.NOT_FOUND,
                "Not found",
                "No route " + e.getHttpMethod() + " " + path(request) + ".",
                Map.of(),
                path(request));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getInstance() == null) {
                problem.setInstance(URI.create(path(request)));
            }
            // the content type set here, so no Accept header can turn the problem into an empty answer
            return ProblemResponses.entity(problem, headers);
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private ResponseEntity<Object> badRequest(List<Map<String, Object>> errors, String path) {
        Map<String, Object> props = new LinkedHashMap<>();
        String detail = "The request is invalid.";
        if (!errors.isEmpty()) {
            Map<String, Object> first = errors.get(0);
            props.put("field", first.get("field"));
            detail = first.get("field") + ": " + first.get("message");
        }
        props.put("errors", errors);
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, props, path);
    }

    private static ResponseEntity<Object> problem(
            HttpStatus status, String title, String detail, Map<String, Object> props, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(path));
        props.forEach(problem::setProperty);
        return ProblemResponses.entity(problem, new HttpHeaders());
    }

    private static Map<String, Object> error(String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message == null ? "is invalid" : message);
        return error;
    }

    /** Jackson's path to the bad value, e.g. {@code events[2].occurredAt}. */
    static String fieldPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return type == boolean.class ? "true or false" : "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(constant.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "one of " + String.join(", ", names);
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 " + type.getSimpleName();
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        return "a " + type.getSimpleName();
    }

    private static String parameterName(org.springframework.core.MethodParameter parameter) {
        var param = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestParam.class);
        if (param != null && !param.name().isEmpty()) {
            return param.name();
        }
        var header = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        var variable = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class);
        if (variable != null && !variable.name().isEmpty()) {
            return variable.name();
        }
        String name = parameter.getParameterName();
        return name != null ? name : "arg" + parameter.getParameterIndex();
    }

    /** Position of a field in its record or class, so "the first bad field" is the first declared. */
    private static int declarationIndex(Object target, String field) {
        if (target == null) {
            return Integer.MAX_VALUE;
        }
        String head = field.split("[.\\[]", 2)[0];
        Class<?> type = target.getClass();
        if (type.isRecord()) {
            RecordComponent[] components = type.getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                if (components[i].getName().equals(head)) {
                    return i;
                }
            }
        } else {
            Field[] fields = type.getDeclaredFields();
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].getName().equals(head)) {
                    return i;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot >= 0 ? propertyPath.substring(dot + 1) : propertyPath;
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : request.getDescription(false).replaceFirst("^uri=", "");
    }
}
