package dev.classbase.platform.catalog;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code PATCH /api/v1/courses/{id}}: the fields to change, every one optional; absent or
 * null leaves a field as it is, an empty description clears it. {@code status} publishes
 * (published), unpublishes (draft) or archives a course. Unknown fields are refused, as in
 * {@link NewCourse}.
 */
record CourseChanges(
        @Size(max = CourseFields.MAX_TITLE) @Pattern(regexp = CourseFields.TITLE, message = CourseFields.TITLE_MESSAGE)
        String title,

        @Size(max = CourseFields.MAX_DESCRIPTION)
        @Pattern(regexp = CourseFields.TEXT, message = CourseFields.TEXT_MESSAGE)
        String description,

        @Size(max = CourseFields.MAX_CATEGORY)
        @Pattern(regexp = CourseFields.CATEGORY, message = CourseFields.CATEGORY_MESSAGE)
        String category,

        @Schema(allowableValues = {"draft", "published", "archived"})
        @Pattern(regexp = CourseFields.STATUS, message = CourseFields.STATUS_MESSAGE)
        String status,

        @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {

    boolean changesNothing() {
        return title == null && description == null && category == null && status == null;
    }
}
