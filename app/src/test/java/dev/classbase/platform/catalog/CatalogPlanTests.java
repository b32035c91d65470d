package dev.classbase.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The catalog's statements, planned on scale-S data (20 tenants, 600 courses) as the service role
 * with the tenant bound ({@link Plans#explainAsService}), use the indexes of V10 and V11; each
 * test is the proof that keeps its index.
 */
class CatalogPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();
    private final JdbcClient jdbc = JdbcClient.create(db);

    /**
     * As the service role, the search reads the tenant's published courses through a tenant-led
     * partial index and matches {@code @@} on those rows: under row-level security the non-leakproof
     * {@code @@} may not be an index condition (see {@link Plans}), whatever index exists.
     */
    @Test
    void searchReadsTheTenantsPublishedCoursesThroughATenantIndex() {
        Map<String, Object> p = new HashMap<>();
        p.put("tenant", busiestTenant());
        p.put("text", "algebra");
        p.put("category", null);
        p.put("afterRank", null);
        p.put("afterId", 0L);
        p.put("limit", 21);
        var plan = Plans.explainAsService(CatalogQueries.SEARCH, p);
        assertThat(Plans.indexNames(plan))
                .as(plan.toString())
                .isNotEmpty()
                .allMatch(name -> name.equals("courses_published_title") || name.equals("courses_published_category"));
        assertThat(plan.toString()).contains("@@").doesNotContain("Seq Scan");
    }

    /**
     * No full-text index on courses: the service role cannot read one (the search above), so it
     * would only cost every write of a course. V76 dropped V12's.
     */
    @Test
    void coursesKeepNoFullTextIndexTheServiceCannotRead() {
        assertThat(jdbc.sql("""
                        select indexrelid::regclass::text from pg_index as i
                        join pg_class as c on c.oid = i.indexrelid
                        join pg_am as a on a.oid = c.relam
                        where i.indrelid = 'courses'::regclass and a.amname in ('gin', 'gist')
                        """).query(String.class).list()).isEmpty();
        assertThat(jdbc.sql("select proleakproof from pg_proc where oid = 'ts_match_vq'::regproc")
                        .query(Boolean.class)
                        .single())
                .as("@@ is not leakproof: were it, a GIN index would serve the service role again")
                .isFalse();
    }

    /**
     * A page smaller than its category is one range read of courses_published_category in
     * (title, id) order, stopped by the LIMIT: no sort. The parameters matter. Scale-S has at most
     * 7 published courses per tenant and category, fewer than a default page (20 + 1), and
     * courses' heap is scattered (counter-cache updates write new row versions on other pages:
     * tenant_id's correlation is about 0.1), so for a whole small category the planner rightly prefers a bitmap
     * read of the same index plus a sort of a handful of rows (see the next test). A page of 1
     * of the largest category is the shape where order matters, as it does for every page of a
     * category larger than the page.
     */
    @Test
    void browsingACategoryReadsThePublishedCategoryIndexInOrder() {
        var largest = largestCategory();
        var plan = Plans.explainAsService(
                CatalogQueries.BROWSE_CATEGORY,
                Map.of(
                        "tenant",
                        largest.tenant(),
                        "category",
                        largest.category(),
                        "afterTitle",
                        "",
                        "afterId",
                        0L,
                        "limit",
                        2));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("courses_published_category");
        assertThat(plan.toString()).doesNotContain("\"Sort\"");
    }

    /** A category with fewer courses than the page is still read through its index, never a scan. */
    @Test
    void aSmallCategoryIsReadThroughThePublishedCategoryIndex() {
        var plan = Plans.explainAsService(
                CatalogQueries.BROWSE_CATEGORY,
                Map.of("tenant", busiestTenant(), "category", "science", "afterTitle", "", "afterId", 0L, "limit", 21));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("courses_published_category");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    @Test
    void browsingEverythingReadsThePublishedTitleIndexInOrder() {
        var plan = Plans.explainAsService(
                CatalogQueries.BROWSE, Map.of("tenant", busiestTenant(), "afterTitle", "", "afterId", 0L, "limit", 21));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("courses_published_title");
        assertThat(plan.toString()).doesNotContain("\"Sort\"");
    }

    private record Category(long tenant, String category) {}

    private Category largestCategory() {
        return jdbc.sql("select tenant_id, category from courses where status = 'published' group by 1, 2 "
                        + "order by count(*) desc, 1, 2 limit 1")
                .query((rs, n) -> new Category(rs.getLong(1), rs.getString(2)))
                .single();
    }

    private long busiestTenant() {
        return jdbc.sql("select tenant_id from courses group by tenant_id order by count(*) desc limit 1")
                .query(Long.class)
                .single();
    }
}
