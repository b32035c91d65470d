package dev.classbase.platform.exercises;

import java.math.BigDecimal;

/** The optional body of a completion: the score reached, 0 to 100. */
public record CompletionRequest(BigDecimal score) {}
