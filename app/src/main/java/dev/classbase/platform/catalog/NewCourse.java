package dev.classbase.platform.catalog;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/courses}. A teacher creates their own course ({@code instructorId}
 * absent or their own id); an admin names the teacher. {@code status} defaults to draft. Fields
 * this body does not know are refused ({@code unknown} collects them), so a misspelt one is a 400,
 * not silently dropped.
 */
record NewCourse(
        @NotNull
        @Size(max = CourseFields.MAX_TITLE)
        @Pattern(regexp = CourseFields.TITLE, message = CourseFields.TITLE_MESSAGE)
        String title,

        @Size(max = CourseFields.MAX_DESCRIPTION)
        @Pattern(regexp = CourseFields.TEXT, message = CourseFields.TEXT_MESSAGE)
        String description,

        @NotNull
        @Size(max = CourseFields.MAX_CATEGORY)
        @Pattern(regexp = CourseFields.CATEGORY, message = CourseFields.CATEGORY_MESSAGE)
        String category,

        @Schema(
                allowableValues = {"draft", "published", "archived"},
                defaultValue = "draft")
        @Pattern(regexp = CourseFields.STATUS, message = CourseFields.STATUS_MESSAGE)
        String status,

        @Positive Long instructorId,

        @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}
