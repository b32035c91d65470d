package dev.classbase.web.auth;

import java.util.Optional;

/** Resolves a bearer token to its caller; implemented by the sessions feature. */
public interface Authenticator {
    /** The caller of a valid, unexpired token of an active user; empty otherwise. */
    Optional<Caller> authenticate(String token);
}
