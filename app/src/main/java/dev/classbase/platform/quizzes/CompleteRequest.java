package dev.classbase.platform.quizzes;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;

/**
 * Body of {@code POST /api/v1/quiz-attempts/{id}/complete}: the percentage score. The schema keeps
 * no answers, so the client (the quiz player) computes it.
 */
record CompleteRequest(
        @NotNull @DecimalMin("0") @DecimalMax("100") @Digits(integer = 3, fraction = 2)
        BigDecimal score) {}
