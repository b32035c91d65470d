package dev.classbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.web.ApiException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The service's one-pass check names the field and says what Bean Validation would say. */
class EventValidationTests {
    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void eachProblemIsNamedAsBeanValidationNamesIt() {
        OffsetDateTime now = OffsetDateTime.now();
        List<EventBatch.Event> bad = Arrays.asList(
                null,
                new EventBatch.Event(null, now, null, null),
                new EventBatch.Event("", now, null, null),
                new EventBatch.Event(" \t", now, null, null),
                new EventBatch.Event("\u2003", now, null, null), // Unicode space: blank to both
                new EventBatch.Event("x".repeat(65), now, null, null),
                new EventBatch.Event("k", null, null, null),
                new EventBatch.Event("k", now, null, 0L),
                new EventBatch.Event("k", now, null, -5L));
        for (EventBatch.Event event : bad) {
            List<EventBatch.Event> events = new ArrayList<>();
            events.add(new EventBatch.Event("fine", now, "{}", 7L));
            events.add(event);
            Set<ConstraintViolation<EventBatch>> violations = validator.validate(new EventBatch(events));
            assertThat(violations).as(String.valueOf(event)).hasSize(1);
            ConstraintViolation<EventBatch> expected = violations.iterator().next();
            assertThatThrownBy(() -> EventService.validate(events))
                    .as(String.valueOf(event))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(400);
                        assertThat(e.properties())
                                // a null event: Bean Validation's "events[1].<list element>", named plainly
                                .containsEntry(
                                        "field",
                                        expected.getPropertyPath().toString().replace(".<list element>", ""));
                        assertThat(e.getMessage()).contains(expected.getMessage());
                    });
        }
        List<EventBatch.Event> good = List.of(
                new EventBatch.Event("x".repeat(64), now, null, null), new EventBatch.Event("k", now, "{\"a\":1}", 1L));
        assertThat(validator.validate(new EventBatch(good))).isEmpty();
        EventService.validate(good); // no exception
    }
}
