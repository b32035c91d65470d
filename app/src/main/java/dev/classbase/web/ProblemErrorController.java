package dev.classbase.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards to {@code /error} (a failure in a filter, a request Tomcat
 * rejects) as problem+json too: replaces Spring Boot's error controller, so no Whitelabel page.
 */
@RestController
class ProblemErrorController implements ErrorController {
    private final ProblemResponses responses;

    ProblemErrorController(ProblemResponses responses) {
        this.responses = responses;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri != null ? uri.toString() : request.getRequestURI();
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && failure == null && request.getDispatcherType() == DispatcherType.REQUEST) {
            // asked for directly: there is no such resource, only the container's forward
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND, "No route " + request.getMethod() + " " + path + ".");
            problem.setTitle("Not found");
            problem.setInstance(URI.create(path));
            return ProblemResponses.entity(problem, new HttpHeaders());
        }
        HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        if (failure instanceof ApiException api) {
            ProblemDetail problem = ProblemResponses.problem(api);
            problem.setInstance(URI.create(path));
            return ProblemResponses.entity(problem, new HttpHeaders());
        }
        if (failure instanceof Throwable t && status.is5xxServerError()) {
            return responses.failure(t, path);
        }
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(status.getReasonPhrase());
        problem.setDetail(
                status.is5xxServerError() ? "Something went wrong on our side." : status.getReasonPhrase() + ".");
        problem.setInstance(URI.create(path));
        return ProblemResponses.entity(problem, new HttpHeaders());
    }
}
