package dev.classbase.platform.sessions;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Bearer;
import dev.classbase.web.auth.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sign in ({@code POST /api/v1/sessions}, throttled per account and per client address by {@link
 * SignInLimiter}) and sign out ({@code DELETE /api/v1/sessions/current}).
 */
@RestController
@RequestMapping("/api/v1/sessions")
class SessionController {
    private final SessionService sessions;
    private final SignInLimiter limiter;

    SessionController(SessionService sessions, SignInLimiter limiter) {
        this.sessions = sessions;
        this.limiter = limiter;
    }

    record SignIn(
            @NotBlank @Size(max = 320) String email,
            @NotBlank @Size(max = 200) String password) {}

    /** 429 before the password is checked when a budget is spent; only a 401 counts against the account. */
    @PostMapping
    ResponseEntity<SessionService.SignedIn> signIn(@Valid @RequestBody SignIn body, HttpServletRequest request) {
        SignInLimiter.Attempt attempt = limiter.attempt(body.email(), request);
        boolean failed = false;
        try {
            return ResponseEntity.status(HttpStatus.CREATED).body(sessions.signIn(body.email(), body.password()));
        } catch (ApiException e) {
            failed = e.status() == HttpStatus.UNAUTHORIZED;
            throw e;
        } finally {
            if (!failed) {
                attempt.notCounted(); // signed in, or the server failed: not a wrong password
            }
        }
    }

    /** The token of this request stops working; the caller parameter makes sure one was given. */
    @DeleteMapping("/current")
    ResponseEntity<Void> signOut(Caller caller, HttpServletRequest request) {
        Bearer.token(request).ifPresent(sessions::signOut);
        return ResponseEntity.noContent().build();
    }
}
