package dev.classbase.platform.catalog;

import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/courses?q=&category=&cursor=&limit=}: published courses, ranked by text
 * match when {@code q} is given, else by title; {@code GET /api/v1/courses/{id}}: one course. Both
 * through the cache ({@link CatalogCache}).
 */
@RestController
@RequestMapping("/api/v1/courses")
class CatalogController {
    private final CatalogCache cache;

    CatalogController(CatalogCache cache) {
        this.cache = cache;
    }

    @GetMapping
    CatalogPage courses(
            Caller caller,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return cache.page(caller, q, category, cursor, limit);
    }

    @GetMapping("/{id}")
    CourseDetail course(Caller caller, @PathVariable long id) {
        return cache.course(caller, id);
    }
}
