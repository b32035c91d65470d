package dev.classbase.platform.progress;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
import dev.classbase.web.auth.Caller;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/courses/{courseId}/progress?userId=} (the caller's own without userId). */
@RestController
class ProgressController {
    private final ProgressService service;
    private final CachedReads reads;

    ProgressController(ProgressService service, CachedReads reads) {
        this.service = service;
        this.reads = reads;
    }

    @GetMapping("/api/v1/courses/{courseId}/progress")
    CourseProgress progress(Caller caller, @PathVariable long courseId, @RequestParam(required = false) Long userId) {
        long tenant = caller.tenantId();
        long subject = userId == null ? caller.userId() : userId;
        var read = new CachedReads.Read(
                RegionProperties.USER,
                CachedReads.key("progress", tenant, caller.userId(), caller.role(), courseId, subject),
                List.of(CacheTags.user(tenant, subject), CacheTags.course(tenant, courseId)),
                null);
        return reads.read(read, CourseProgress.class, () -> service.progress(caller, courseId, userId));
    }
}
