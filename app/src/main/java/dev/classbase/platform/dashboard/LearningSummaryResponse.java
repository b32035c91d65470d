package dev.classbase.platform.dashboard;

import java.time.OffsetDateTime;
import java.util.Map;

/** One student's learning summary, with when mv_user_learning_summary was last refreshed. */
record LearningSummaryResponse(OffsetDateTime asOf, Map<String, Object> summary) {}
