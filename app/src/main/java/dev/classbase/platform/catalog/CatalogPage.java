package dev.classbase.platform.catalog;

import java.util.List;

/** One page of the catalog; {@code nextCursor} is absent on the last page. */
record CatalogPage(List<CourseSummary> items, String nextCursor) {}
