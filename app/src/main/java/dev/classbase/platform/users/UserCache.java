package dev.classbase.platform.users;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
import dev.classbase.web.auth.Access;
import dev.classbase.web.auth.Caller;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * A user's profile through the cache, keyed by the asking user too (who may see whom is decided
 * before, by {@link Access}, and the key keeps each asker's answer apart). Tagged with the user.
 * The last sign-in time in it is as old as the entry: at most the user region's lifetime.
 */
@Component
class UserCache {
    private final CachedReads reads;

    UserCache(CachedReads reads) {
        this.reads = reads;
    }

    UserController.User profile(Caller caller, long id, Supplier<UserController.User> loader) {
        var read = new CachedReads.Read(
                RegionProperties.USER,
                CachedReads.key("profile", caller.tenantId(), caller.userId(), caller.role(), id),
                List.of(CacheTags.user(caller.tenantId(), id)),
                null);
        return reads.read(read, UserController.User.class, loader);
    }
}
