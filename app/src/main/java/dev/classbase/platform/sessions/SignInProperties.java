package dev.classbase.platform.sessions;

import dev.classbase.data.SettingBounds;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sign-in throttling ({@code classbase.sign-in.*}). Numbers out of range are clamped with a warning
 * naming the setting; a trusted proxy that is not an IP address or CIDR block stops the start.
 *
 * @param accountFailures wrong passwords per account (the email, lower-cased) per window; the next
 *     attempt is answered 429 without checking the password. 10 a minute leaves room for a person
 *     mistyping and bounds a guesser at 14,400 a day: rate limiting failed attempts on one account
 *     is what NIST SP 800-63B section 5.2.2 asks of a verifier
 * @param addressAttempts sign-in attempts per client address per window, right or wrong: one
 *     address trying many accounts (credential stuffing); larger, since a school's network can put
 *     many students behind one address
 * @param window the period both budgets refill in, all at once at its end
 * @param trustedProxies addresses or CIDR blocks of the reverse proxies (HAProxy) whose
 *     {@code X-Forwarded-For} names the client; empty: the socket's address is the client
 */
@ConfigurationProperties("classbase.sign-in")
public record SignInProperties(
        Integer accountFailures, Integer addressAttempts, Duration window, List<String> trustedProxies) {
    private static final Logger log = LoggerFactory.getLogger(SignInProperties.class);

    public SignInProperties {
        accountFailures = clamp("classbase.sign-in.account-failures", accountFailures, 10, 1, 10_000);
        addressAttempts = clamp("classbase.sign-in.address-attempts", addressAttempts, 100, 1, 10_000_000);
        window = SettingBounds.clamp(
                "classbase.sign-in.window", window, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1));
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        ClientAddress.parse(trustedProxies); // fails the start on a bad entry, naming it
    }

    public static SignInProperties defaults() {
        return new SignInProperties(null, null, null, null);
    }

    private static int clamp(String name, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            int clamped = Math.max(min, Math.min(max, value));
            log.warn("{}={} is outside {}..{}; using {}", name, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
