package dev.classbase.platform.catalog;

import dev.classbase.data.DataTier;
import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
import dev.classbase.data.cache.WarmUpSource;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The catalog through the cache. A page's key holds the tenant, the audience (staff see what
 * students do today, but authoring gives them unpublished courses) and every parameter; its tag is
 * the tenant's catalog. A course's detail is cached once per tenant and course, whoever asked, and
 * its visibility (drafts for their teacher and admins) is decided per caller after the cache. Enrollment counts in pages are as old as the page
 * (at most the region's lifetime); a course's detail is invalidated with every enrollment in it.
 */
@Component
class CatalogCache implements WarmUpSource {
    private final CachedReads reads;
    private final CatalogService service;

    CatalogCache(CachedReads reads, CatalogService service) {
        this.reads = reads;
        this.service = service;
    }

    CatalogPage page(Caller caller, String q, String category, String cursor, Integer limit) {
        String audience = caller.isAdmin() || caller.isTeacher() ? "staff" : "student";
        return reads.read(
                RegionProperties.CATALOG,
                () -> pageRead(caller.tenantId(), audience, q, category, cursor, limit),
                CatalogPage.class,
                () -> service.page(caller, q, category, cursor, limit));
    }

    CourseDetail course(Caller caller, long id) {
        long tenant = caller.tenantId();
        return CatalogService.visibleTo(
                caller,
                reads.read(
                        RegionProperties.CATALOG,
                        () -> courseRead(tenant, id),
                        CourseDetail.class,
                        () -> service.detail(tenant, id)));
    }

    private static CachedReads.Read pageRead(
            long tenant, String audience, String q, String category, String cursor, Integer limit) {
        // first pages are what the warm-up loads; later pages follow a cursor the client holds
        String popular = cursor == null && audience.equals("student")
                ? tenant + "/page/" + enc(q) + "/" + enc(category) + "/" + limit
                : null;
        return new CachedReads.Read(
                RegionProperties.CATALOG,
                CachedReads.key("page", tenant, audience, q, category, cursor, limit),
                List.of(CacheTags.catalog(tenant)),
                popular);
    }

    private static CachedReads.Read courseRead(long tenant, long id) {
        return new CachedReads.Read(
                RegionProperties.CATALOG,
                CachedReads.key("course", tenant, id),
                List.of(CacheTags.course(tenant, id)),
                tenant + "/course/" + id);
    }

    /** After the authoring transaction commits; never for one that rolled back. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void changed(CourseChanged event) {
        reads.tags()
                .invalidateNow(List.of(
                        CacheTags.course(event.tenantId(), event.courseId()), CacheTags.catalog(event.tenantId())));
    }

    @Override
    public String region() {
        return RegionProperties.CATALOG;
    }

    /** {@code <tenant>/page/<q>/<category>/<limit>} or {@code <tenant>/course/<id>}, as a student would ask. */
    @Override
    public void warm(String member) {
        String[] parts = member.split("/", -1);
        long tenant = Long.parseLong(parts[0]);
        Caller student = new Caller(tenant, 0, Role.STUDENT, null);
        try (TenantScope ignored = DataTier.bindTenant(tenant)) {
            if (parts[1].equals("course") && parts.length == 3) {
                long id = Long.parseLong(parts[2]);
                reads.read(courseRead(tenant, id), CourseDetail.class, () -> service.detail(tenant, id));
            } else if (parts[1].equals("page") && parts.length == 5) {
                String q = dec(parts[2]);
                String category = dec(parts[3]);
                Integer limit = parts[4].equals("null") ? null : Integer.valueOf(parts[4]);
                reads.read(
                        pageRead(tenant, "student", q, category, null, limit),
                        CatalogPage.class,
                        () -> service.page(student, q, category, null, limit));
            }
        }
    }

    private static String enc(String s) {
        return s == null ? "~" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return s.equals("~") ? null : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
