package dev.classbase.platform.submissions;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;

/** Body of {@code POST /api/v1/submissions/{id}/grade}; at most the assignment's points. */
record GradeRequest(
        @NotNull @DecimalMin("0") @Digits(integer = 4, fraction = 2)
        BigDecimal score) {}
