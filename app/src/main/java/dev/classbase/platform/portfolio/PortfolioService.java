package dev.classbase.platform.portfolio;

import dev.classbase.platform.auth.Caller;
import dev.classbase.platform.errors.ApiException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Portfolio export: two statements (the portfolio, its entries with everything attached),
 * streamed on the caller's thread inside one read-only transaction, so every statement is counted
 * against the request and runs before the first byte of the body is written.
 */
@Service
public class PortfolioService {
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
        PortfolioQueries.Header header = queries.portfolio(caller.tenantId(), portfolioId)
                .orElseThrow(() -> ApiException.notFound("portfolio " + portfolioId));
        if (!maySee(caller, header)) {
            throw ApiException.forbidden("this portfolio is not shared with you");
        }
        try (PortfolioExport export = new PortfolioExport(json, header, target)) {
            queries.entries(caller.tenantId(), portfolioId, export::row);
            export.finish();
            return export.entries();
        }
    }

    static boolean maySee(Caller caller, PortfolioQueries.Header portfolio) {
        if (caller.isAdmin() || portfolio.ownerId() == caller.userId()) {
            return true;
        }
        return switch (portfolio.visibility()) {
            case "public" -> true;
            case "teachers" -> caller.isTeacher();
            default -> false;
        };
    }
}
