package dev.classbase.platform.sessions;

import dev.classbase.data.cache.TieredCache;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.time.Instant;

/** A cached session in Redis: {@code tenant|user|role|expiresAtMillis|email} (email last: it is the only free text). */
final class SessionCodec implements TieredCache.Codec<SessionService.Session> {

    @Override
    public String encode(SessionService.Session s) {
        Caller c = s.caller();
        return c.tenantId() + "|" + c.userId() + "|" + c.role().name() + "|"
                + s.expiresAt().toEpochMilli() + "|" + c.email();
    }

    @Override
    public SessionService.Session decode(String text) {
        String[] f = text.split("\\|", 5);
        return new SessionService.Session(
                new Caller(Long.parseLong(f[0]), Long.parseLong(f[1]), Role.valueOf(f[2]), f[4]),
                Instant.ofEpochMilli(Long.parseLong(f[3])));
    }
}
