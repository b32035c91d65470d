package dev.classbase.platform.portfolio;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Portfolio export: one statement (the portfolio, what its entries link, the entries), written
 * on the caller's thread inside one read-only transaction, so the statement is counted against
 * the request and runs before the first byte of the body is written.
 */
@Service
public class PortfolioService {
    private static final List<String> ALL = List.of("private", "teachers", "public");
    private static final List<String> SHARED_WITH_TEACHERS = List.of("teachers", "public");
    private static final List<String> PUBLIC = List.of("public");

    private final PortfolioQueries queries;
    private final JsonMapper json;

    PortfolioService(PortfolioQueries queries, JsonMapper json) {
        this.queries = queries;
        this.json = json;
    }

    /**
     * Writes the export to the stream {@code target} opens, which it opens only once the caller
     * may see the portfolio (errors before that are ordinary problem responses). The owner and
     * admins see every portfolio; teachers those shared with teachers or public; other students
     * only public ones.
     *
     * @return the number of entries written
     */
    @Transactional(readOnly = true)
    public int export(Caller caller, long portfolioId, PortfolioExport.OutputStreamSupplier target) {
        try (PortfolioExport export = new PortfolioExport(json, target, portfolio -> {
            if (!maySee(caller, portfolio)) {
                throw ApiException.forbidden("this portfolio is not shared with you");
            }
        })) {
            queries.export(caller.tenantId(), portfolioId, caller.userId(), visibleToOthers(caller), export::row);
            if (!export.found()) {
                throw ApiException.notFound("portfolio " + portfolioId);
            }
            export.finish();
            return export.entries();
        }
    }

    static boolean maySee(Caller caller, PortfolioQueries.Header portfolio) {
        return portfolio.ownerId() == caller.userId() || visibleToOthers(caller).contains(portfolio.visibility());
    }

    /**
     * The visibilities of other people's portfolios the caller may see: admins all of them,
     * teachers those shared with teachers or public, students public ones. The export's statement
     * reads the entries under the same rule.
     */
    static List<String> visibleToOthers(Caller caller) {
        if (caller.isAdmin()) {
            return ALL;
        }
        return caller.isTeacher() ? SHARED_WITH_TEACHERS : PUBLIC;
    }
}
