package dev.classbase.ops.page;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console page at {@code /admin}: static files under {@code static/admin/} (no build step), open
 * to anyone like any static file; the page signs in and sends its admin calls with a bearer token,
 * which the authentication filter checks on {@code /api/**} as for every client.
 */
@Controller
class ConsolePageController {

    /** The page's own files are relative to {@code /admin/}, so the bare path gains its slash. */
    @GetMapping("/admin")
    String withSlash() {
        return "redirect:/admin/";
    }

    @GetMapping("/admin/")
    String page() {
        return "forward:/admin/index.html";
    }
}
